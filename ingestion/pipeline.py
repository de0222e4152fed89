"""`lore ingest`: files -> parsed documents -> chunks -> vectors -> a new immutable version."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.base import IndexStore
from index.bm25 import doc_vectors
from index.registry import Registry
from ingestion.base import Embedder
from ingestion.cache import EmbeddingCache
from ingestion.carry import Previous, file_hash, previous_version
from ingestion.chunker import chunk_document
from ingestion.discover import discover
from ingestion.embedding import embed_chunks
from ingestion.parsers import parse_file
from ingestion.report import RunReport
from ingestion.trust import TrustConfig
from lore.errors import IndexBuildError, ParseError
from lore.models import Chunk
from lore.settings import Settings

Progress = Callable[[str, int, int], None]
ADD_STEP = 512  # points per upsert: large batches amortise the engine's per-call overhead


def _quiet(stage: str, done: int, total: int) -> None:
    """Default progress sink: say nothing."""


@dataclass
class Collected:
    """Chunks of the new version; `vectors` holds those carried over with their stored vector."""

    chunks: list[Chunk]
    vectors: dict[str, np.ndarray]


@dataclass(frozen=True)
class Ingestor:
    settings: Settings
    store: IndexStore
    registry: Registry
    embedder: Embedder
    cache: EmbeddingCache
    trust: TrustConfig

    def run(self, root: Path, promote: bool = False, progress: Progress = _quiet) -> RunReport:
        for stale in self.registry.reap():
            self._drop(stale)
        files = discover(root)
        fingerprint = self.settings.fingerprint()
        previous = previous_version(self.store, self.registry, fingerprint)
        record = self.registry.begin(self.embedder.model_id, fingerprint)
        report = RunReport(version=record.id, files=len(files))
        started = time.perf_counter()
        try:
            collected = self._collect(files, previous, report, progress)
            self._index(record.id, collected, report, progress)
        except BaseException as exc:  # also Ctrl-C: the half-built version must be marked failed
            self.registry.mark_failed(record.id, f"{type(exc).__name__}: {exc}")
            self._drop(record.id)
            raise
        report.seconds = round(time.perf_counter() - started, 3)
        self.registry.mark_ready(record.id, report.documents, report.chunks, report.as_dict())
        if promote:
            self.registry.promote(record.id)
        for old in self.registry.retain(self.settings.retention):
            self._drop(old)
        return report

    def _drop(self, version: str) -> None:
        if self.store.exists(version):
            self.store.drop(version)

    def _collect(
        self, files: list[tuple[Path, str]], previous: Previous, report: RunReport, progress: Progress
    ) -> Collected:
        seen: dict[str, str] = {}
        out = Collected([], {})
        for i, (path, source) in enumerate(files):
            progress("parse", i, len(files))
            try:
                digest = file_hash(path)
            except OSError as exc:
                report.skip(source, f"unreadable: {exc.strerror}")
                continue
            if digest in seen:
                report.skip(source, f"duplicate of {seen[digest]}")
                continue
            old = previous.get(source)
            if old and old[0][0].doc_hash == digest:
                self._carry(source, old, out, report)
            elif not self._parse(path, source, out, report):
                continue
            seen[digest] = source
            report.documents += 1
        progress("parse", len(files), len(files))
        if not out.chunks:
            reasons = "; ".join(f"{s['source']}: {s['reason']}" for s in report.skipped[:5])
            raise IndexBuildError(f"nothing could be indexed ({len(files)} files): {reasons}")
        return out

    def _carry(
        self, source: str, old: list[tuple[Chunk, np.ndarray]], out: Collected, report: RunReport
    ) -> None:
        trust, tags = self.trust.lookup(source)  # the trust config may have changed since
        for chunk, vector in old:
            out.chunks.append(replace(chunk, trust=trust, tags=tags))
            out.vectors[chunk.id] = vector
        report.carried += len(old)

    def _parse(self, path: Path, source: str, out: Collected, report: RunReport) -> bool:
        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)
        try:
            doc = parse_file(path, source, max_bytes)
        except ParseError as exc:
            report.skip(source, str(exc))
            return False
        for warning in doc.warnings:
            report.warn(source, warning)
        trust, tags = self.trust.lookup(source)
        s = self.settings
        for chunk in chunk_document(doc, self.embedder.count_tokens, s.chunk_tokens, s.chunk_overlap):
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
