"""One ingest run as the CLI does it, alone or on a schedule: lock, compare, build, gate,
promote, retain, record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.base import IndexStore, VersionRegistry
from ingestion.base import Embedder
from ingestion.cache import EmbeddingCache
from ingestion.cleanup import retain
from ingestion.config import IngestSettings
from ingestion.lock import IngestRunning, ingest_lock
from ingestion.pipeline import Ingestor, Progress, quiet
from ingestion.plan import prepare
from ingestion.report import RunReport
from ingestion.runs import Outcome, RunRecord, now_iso, write_record
from ingestion.trust import load_trust

# Promotes a fresh version if the app's evaluation gate allows: (promoted, why). Injected, so a
# build job never loads the query stack itself.
Promote = Callable[[str], tuple[bool, str]]


@dataclass(frozen=True)
class Job:
    settings: IngestSettings
    home: Path
    root: Path
    promote: bool = False  # if the gate allows it
    skip_if_unchanged: bool = False


def cache_path(home: Path) -> Path:
    return home / "cache" / "embeddings.sqlite"


def run_job(
    job: Job, store: IndexStore, registry: VersionRegistry, embedder: Callable[[], Embedder],
    promote: Promote, progress: Progress = quiet,
) -> RunRecord:
    """Run once and record it under LORE_HOME/runs/, failures included (then re-raised).
    `embedder` is called only when something must be built, `promote` only if asked for."""
    started, root = now_iso(), str(job.root.resolve())
    try:
        with ingest_lock(job.home):
            report, promoted, verdict = _run(job, store, registry, embedder, promote, progress)
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        write_record(job.home, RunRecord(started, now_iso(), root,
                                                  _outcome_of(exc), error=error))
        raise
    outcome = Outcome.BUILT if report.built else Outcome.UNCHANGED
    record = RunRecord(started, now_iso(), root, outcome, report.version, promoted,
                       verdict, report.as_dict())
    write_record(job.home, record)
    return record


def _outcome_of(exc: BaseException) -> Outcome:
    if isinstance(exc, IngestRunning):
        return Outcome.REFUSED
    return Outcome.INTERRUPTED if isinstance(exc, KeyboardInterrupt) else Outcome.FAILED


def _run(
    job: Job, store: IndexStore, registry: VersionRegistry, embedder: Callable[[], Embedder],
    promote: Promote, progress: Progress,
) -> tuple[RunReport, bool, str | None]:
    s = job.settings
    trust = load_trust(s.trust_file)  # re-read every run: a schedule picks up its edits
    plan = prepare(job.root, s, store, registry, trust)
    if job.skip_if_unchanged and plan.nothing_to_do:
        return plan.unchanged_report(), False, None
    cache = EmbeddingCache(cache_path(job.home))
    try:
        report = Ingestor(s, store, registry, embedder(), cache, trust).build(plan, progress)
    finally:
        cache.close()
    promoted, verdict = promote(report.version) if job.promote else (False, None)
    retain(store, registry, s.retention)
    return report, promoted, verdict

