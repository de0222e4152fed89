"""`lore ingest`: files -> parsed documents -> chunks -> vectors -> a new immutable version."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.errors import IndexBuildError, ParseError
from core.models import Chunk
from index.base import IndexStore, VersionRegistry
from index.bm25 import doc_vectors
from ingestion.base import Embedder
from ingestion.cache import EmbeddingCache
from ingestion.carry import Stored
from ingestion.chunker import chunk_document
from ingestion.cleanup import drop, retain
from ingestion.config import IngestSettings
from ingestion.embedding import embed_chunks
from ingestion.parsers import parse_file
from ingestion.plan import Found, Plan, prepare
from ingestion.report import RunReport
from ingestion.trust import TrustConfig

Progress = Callable[[str, int, int], None]
ADD_STEP = 512  # points per upsert: large batches amortise the engine's per-call overhead


def quiet(stage: str, done: int, total: int) -> None:
    """Default progress sink: say nothing."""


@dataclass
class Collected:
    """Chunks of the new version; `vectors` holds those carried over with their stored vector."""

    chunks: list[Chunk]
    vectors: dict[str, np.ndarray]


@dataclass(frozen=True)
class Ingestor:
    settings: IngestSettings
    store: IndexStore
    registry: VersionRegistry
    embedder: Embedder
    cache: EmbeddingCache
    trust: TrustConfig

    def run(
        self, root: Path, promote: bool = False, progress: Progress = quiet,
        skip_if_unchanged: bool = False,
    ) -> RunReport:
        """Build a version from `root` (unless nothing changed and `skip_if_unchanged`)."""
        plan = prepare(root, self.settings, self.store, self.registry, self.trust)
        if skip_if_unchanged and plan.nothing_to_do:
            return plan.unchanged_report()
        report = self.build(plan, progress)
        if promote:
            self.registry.promote(report.version)
        retain(self.store, self.registry, self.settings.retention)
        return report

    def close(self) -> None:
        self.store.close()
        self.cache.close()

    def build(self, plan: Plan, progress: Progress = quiet) -> RunReport:
        """A new ready version; on any failure (Ctrl-C too) it is marked failed and dropped."""
        record = self.registry.begin(self.embedder.model_id, plan.fingerprint)
        report = plan.report(record.id)
        started = time.perf_counter()
        try:
            collected = self._collect(plan, report, progress)
            self._index(record.id, collected, report, progress)
        except BaseException as exc:
            self.registry.mark_failed(record.id, f"{type(exc).__name__}: {exc}")
            drop(self.store, record.id)
            raise
        report.seconds = round(report.seconds + time.perf_counter() - started, 3)
        self.registry.mark_ready(record.id, report.documents, report.chunks, report.as_dict())
        return report

    def _collect(self, plan: Plan, report: RunReport, progress: Progress) -> Collected:
        seen: dict[str, str] = {}
        out = Collected([], {})
        for i, found in enumerate(plan.files):
            progress("parse", i, len(plan.files))
            if found.error:
                report.skip(found.source, f"unreadable: {found.error}", "")
                continue
            if found.digest in seen:
                report.skip(found.source, f"duplicate of {seen[found.digest]}", found.digest)
                continue
            old = plan.previous.carry(found.source, found.digest)
            if old:
                self._carry(found.source, old, out, report)
            elif not self._parse(found, out, report):
                continue
            seen[found.digest] = found.source
            report.documents += 1
        progress("parse", len(plan.files), len(plan.files))
        if not out.chunks:
            n = len(plan.files)
            reasons = "; ".join(f"{s['source']}: {s['reason']}" for s in report.skipped[:5])
            raise IndexBuildError(f"nothing could be indexed ({n} file{'s' * (n != 1)}): {reasons}")
        return out

    def _carry(self, source: str, old: Stored, out: Collected, report: RunReport) -> None:
        trust, tags = self.trust.lookup(source)  # the trust config may have changed since
        for chunk, vector in old:
            out.chunks.append(replace(chunk, trust=trust, tags=tags))
            out.vectors[chunk.id] = vector
        report.carried += len(old)

    def _parse(self, found: Found, out: Collected, report: RunReport) -> bool:
        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)
        try:
            doc = parse_file(found.path, found.source, max_bytes)
        except ParseError as exc:
            report.skip(found.source, str(exc), found.digest)
            return False
        for warning in doc.warnings:
            report.warn(found.source, warning)
        trust, tags = self.trust.lookup(found.source)
        s = self.settings
        count = self.embedder.count_tokens
        for chunk in chunk_document(doc, count, s.chunk_tokens, s.chunk_overlap):
            out.chunks.append(replace(chunk, trust=trust, tags=tags))
        return True

    def _index(self, version: str, got: Collected, report: RunReport, progress: Progress) -> None:
        fresh = [c for c in got.chunks if c.id not in got.vectors]
        vectors, report.embedded = embed_chunks(fresh, self.embedder, self.cache, progress)
        got.vectors.update(zip((c.id for c in fresh), vectors, strict=True))
        dense = np.stack([got.vectors[c.id] for c in got.chunks])
        # BM25 weights depend on the version's average length: recomputed for carried chunks too.
        sparse = doc_vectors([c.embed_text for c in got.chunks], self.settings.bm25_k1,
                             self.settings.bm25_b)
        report.chunks = len(got.chunks)
        report.reused = report.chunks - report.embedded
        self.store.create(version, self.embedder.dim)
        for i in range(0, len(got.chunks), ADD_STEP):
            end = i + ADD_STEP
            self.store.add(version, got.chunks[i:end], dense[i:end], sparse[i:end])
            progress("index", min(end, report.chunks), report.chunks)
        self.store.finish(version)
