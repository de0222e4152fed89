"""`lore ingest`: files -> parsed documents -> chunks -> vectors -> a new immutable version."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from index.base import IndexStore
from index.bm25 import sparse_vectors
from index.registry import Registry
from ingestion.base import Embedder
from ingestion.cache import EmbeddingCache
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
            self.store.drop(stale)
        files = discover(root)
        record = self.registry.begin(self.embedder.model_id, self.settings.fingerprint())
        report = RunReport(version=record.id, files=len(files))
        started = time.perf_counter()
        try:
            chunks = self._parse_and_chunk(files, report, progress)
            self._index(record.id, chunks, report, progress)
        except BaseException as exc:  # also Ctrl-C: the half-built version must be marked failed
            self.registry.mark_failed(record.id, f"{type(exc).__name__}: {exc}")
            if self.store.exists(record.id):
                self.store.drop(record.id)
            raise
        report.seconds = round(time.perf_counter() - started, 3)
        self.registry.mark_ready(record.id, report.documents, report.chunks, report.as_dict())
        if promote:
            self.registry.promote(record.id)
        for old in self.registry.retain(self.settings.retention):
            if self.store.exists(old):
                self.store.drop(old)
        return report

    def _parse_and_chunk(
        self, files: list[tuple[Path, str]], report: RunReport, progress: Progress
    ) -> list[Chunk]:
        seen: dict[str, str] = {}
        chunks: list[Chunk] = []
        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)
        for i, (path, source) in enumerate(files):
            progress("parse", i, len(files))
            try:
                doc = parse_file(path, source, max_bytes)
            except ParseError as exc:
                report.skip(source, str(exc))
                continue
            if doc.content_hash in seen:
                report.skip(source, f"duplicate of {seen[doc.content_hash]}")
                continue
            seen[doc.content_hash] = source
            for warning in doc.warnings:
                report.warn(source, warning)
            trust, tags = self.trust.lookup(source)
            count = self.embedder.count_tokens
            for c in chunk_document(doc, count, self.settings.chunk_tokens, self.settings.chunk_overlap):
                chunks.append(replace(c, trust=trust, tags=tags))
            report.documents += 1
        progress("parse", len(files), len(files))
        if not chunks:
            raise IndexBuildError(
                f"nothing could be indexed: {len(report.skipped)} of {len(files)} files skipped "
                + "; ".join(f"{s['source']}: {s['reason']}" for s in report.skipped[:5])
            )
        return chunks

    def _index(self, version: str, chunks: list[Chunk], report: RunReport, progress: Progress) -> None:
        dense, embedded = embed_chunks(chunks, self.embedder, self.cache, progress)
        sparse = sparse_vectors(
            [c.embed_text for c in chunks], self.settings.bm25_k1, self.settings.bm25_b
        )
        report.chunks, report.embedded, report.reused = len(chunks), embedded, len(chunks) - embedded
        self.store.create(version, self.embedder.dim)
        for i in range(0, len(chunks), ADD_STEP):
            end = i + ADD_STEP
            self.store.add(version, chunks[i:end], dense[i:end], sparse[i:end])
            progress("index", min(end, len(chunks)), len(chunks))
        self.store.finish(version)
