"""`lore ingest`: files -> parsed documents -> chunks -> vectors -> a new immutable version."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.errors import IndexBuildError, ParseError
from core.models import Chunk, ParsedDocument, SparseVector
from guard.documents import DocumentGuard
from index.base import IndexStore, VersionRegistry
from index.bm25 import doc_vectors
from ingestion.ahead import ahead
from ingestion.base import Embedder
from ingestion.cache import EmbeddingCache
from ingestion.carry import Stored, stamp
from ingestion.chunker import chunk_document
from ingestion.cleanup import drop, retain
from ingestion.config import IngestSettings
from ingestion.embedding import Embedding
from ingestion.plan import Found, Plan, prepare
from ingestion.report import RunReport
from ingestion.trust import TrustConfig

Progress = Callable[[str, int, int], None]
ADD_STEP = 512  # points per upsert: large batches amortise the engine's per-call overhead
# Files parsed ahead of the one being embedded: keeps the parser busy while the model runs,
# and bounds the parsed text held in memory.
PARSE_AHEAD = 8


def quiet(stage: str, done: int, total: int) -> None:
    """Default progress sink: say nothing."""


@dataclass
class Collected:
    """Chunks of the new version; `vectors` holds those carried over with their stored vector."""

    chunks: list[Chunk]
    vectors: dict[str, np.ndarray]


@dataclass(frozen=True)
class Parsed:
    """One file read and chunked (in the parse-ahead thread), or why it could not be."""

    doc: ParsedDocument | None
    chunks: list[Chunk]
    error: str = ""


@dataclass(frozen=True)
class Ingestor:
    settings: IngestSettings
    store: IndexStore
    registry: VersionRegistry
    embedder: Embedder
    cache: EmbeddingCache
    trust: TrustConfig
    guard: DocumentGuard | None = None  # None: chunks are not scanned (LORE_GUARD_DOCUMENTS=off)

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
        # The empty version is made while the chunks are gathered and weighed: on Edge that is
        # five payload indexes, each waiting on an fsync (0.1-0.2 s apiece here), time that
        # embedding and BM25 can use (most of an unchanged re-ingest's shard write).
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lore-create")
        created = pool.submit(self.store.create, record.id, self.embedder.dim)
        try:
            collected = self._collect(plan, report, progress)
            dense, sparse = self._weights(plan, collected, report)
            created.result()
            self._write(record.id, collected.chunks, dense, sparse, progress)
        except BaseException as exc:
            wait([created])  # drop only once nothing is still creating it
            self.registry.mark_failed(record.id, f"{type(exc).__name__}: {exc}")
            drop(self.store, record.id)
            raise
        finally:
            pool.shutdown()
        report.seconds = round(report.seconds + time.perf_counter() - started, 3)
        self.registry.mark_ready(record.id, report.documents, report.chunks, report.as_dict())
        return report

    def _collect(self, plan: Plan, report: RunReport, progress: Progress) -> Collected:
        out = Collected([], {})
        embedding = Embedding(self.embedder, self.cache, progress)
        first = self._to_parse(plan)
        files = [plan.files[i] for i in sorted(first)]
        with closing(ahead(files, self._read, PARSE_AHEAD)) as parsed:
            self._walk(plan, first, parsed, out, report, embedding, progress)
        progress("parse", len(plan.files), len(plan.files))
        if not out.chunks:
            n = len(plan.files)
            reasons = "; ".join(f"{s['source']}: {s['reason']}" for s in report.skipped[:5])
            raise IndexBuildError(f"nothing could be indexed ({n} file{'s' * (n != 1)}): {reasons}")
        embedding.flush()
        out.vectors.update(embedding.vectors)
        report.embedded = embedding.embedded
        return out

    def _walk(self, plan: Plan, first: set[int], parsed: Iterator[Parsed], out: Collected,
              report: RunReport, embedding: Embedding, progress: Progress) -> None:
        seen: dict[str, str] = {}
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
            else:  # a copy of a file that failed to parse is read again here, in order
                read = next(parsed) if i in first else self._read(found)
                if not self._parse(found, read, out, report, embedding):
                    continue
            seen[found.digest] = found.source
            report.documents += 1

    @staticmethod
    def _to_parse(plan: Plan) -> set[int]:
        """The files to read ahead: the first readable file of each content not carried over."""
        digests: set[str] = set()
        out = set()
        for i, found in enumerate(plan.files):
            if found.error or found.digest in digests:
                continue
            digests.add(found.digest)
            if not plan.previous.carry(found.source, found.digest):
                out.add(i)
        return out

    def _carry(self, source: str, old: Stored, out: Collected, report: RunReport) -> None:
        # The trust config may have changed since; the guard's flags stay with the text.
        trust, tags = stamp(self.trust, source, [chunk for chunk, _ in old])
        for chunk, vector in old:
            out.chunks.append(replace(chunk, trust=trust, tags=tags))
            out.vectors[chunk.id] = vector
        report.carried += len(old)

    def _read(self, found: Found) -> Parsed:
        """Parse and chunk one file (runs in the parse-ahead thread)."""
        # Imported here: the parsers pull in pypdf, lxml and unstructured, which a run that
        # carries every document over never needs.
        from ingestion.parsers import parse_file

        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)
        try:
            doc = parse_file(found.path, found.source, max_bytes)
        except ParseError as exc:
            return Parsed(None, [], str(exc))
        s = self.settings
        chunks = chunk_document(doc, self.embedder.count_tokens, s.chunk_tokens, s.chunk_overlap)
        return Parsed(doc, self._scanned(found, chunks))

    def _scanned(self, found: Found, chunks: list[Chunk]) -> list[Chunk]:
        """Each chunk with the document guard's flag, if it raises one."""
        if self.guard is None:
            return chunks
        hidden = self.guard.hidden_runs(found.path)
        return [replace(c, flag=self.guard.scan(c.text, hidden)) for c in chunks]

    def _parse(self, found: Found, read: Parsed, out: Collected, report: RunReport,
               embedding: Embedding) -> bool:
        if read.doc is None:
            report.skip(found.source, read.error, found.digest)
            return False
        for warning in read.doc.warnings:
            report.warn(found.source, warning)
        trust, tags = stamp(self.trust, found.source, read.chunks)
        chunks = [replace(chunk, trust=trust, tags=tags) for chunk in read.chunks]
        out.chunks += chunks
        embedding.add(chunks)
        return True

    def _weights(self, plan: Plan, got: Collected,
                 report: RunReport) -> tuple[np.ndarray, list[SparseVector]]:
        """Every chunk's dense vector and BM25 weights, in order."""
        dense = np.stack([got.vectors[c.id] for c in got.chunks])
        # BM25 weights depend on the version's average length: recomputed for carried chunks
        # too, unless the texts are the very ones of the version built on (read back, not
        # tokenized again: a third of an unchanged re-ingest).
        if plan.same_texts and plan.previous.version is not None:
            stored = self.store.weights(plan.previous.version)
            sparse = [stored[c.id] for c in got.chunks]
        else:
            sparse = doc_vectors([c.embed_text for c in got.chunks], self.settings.bm25_k1,
                                 self.settings.bm25_b)
        report.chunks = len(got.chunks)
        report.reused = report.chunks - report.embedded
        for c in got.chunks:
            if c.flag:
                report.flag(c.source, c.position, c.id, c.flag)
        return dense, sparse

    def _write(self, version: str, chunks: list[Chunk], dense: np.ndarray,
               sparse: list[SparseVector], progress: Progress) -> None:
        for i in range(0, len(chunks), ADD_STEP):
            end = i + ADD_STEP
            self.store.add(version, chunks[i:end], dense[i:end], sparse[i:end])
            progress("index", min(end, len(chunks)), len(chunks))
        self.store.finish(version)
