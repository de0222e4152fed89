"""Before a build: hash the folder and compare it with the active version. Needs no model, so
a run with nothing to do (`--skip-if-unchanged`) never loads one."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from index.base import IndexStore, VersionRegistry
from ingestion.carry import Previous, file_hash, previous_version
from ingestion.changes import Changes, compare
from ingestion.cleanup import reap
from ingestion.config import IngestSettings
from ingestion.discover import discover
from ingestion.report import RunReport
from ingestion.trust import TrustConfig


@dataclass(frozen=True)
class Found:
    path: Path
    source: str
    digest: str  # sha256 of the content; "" when unreadable
    error: str = ""  # why it could not be read


@dataclass(frozen=True)
class Plan:
    fingerprint: str
    files: tuple[Found, ...]
    previous: Previous
    changes: Changes
    retrusted: tuple[str, ...]
    seconds: float  # spent planning, part of the run's time

    @property
    def same_texts(self) -> bool:
        """Every document carried over and none gone: the new version holds the very texts of
        the one it is built on (its trust may differ), so their BM25 weights too."""
        return self.previous.reusable and not self.changes.any

    @property
    def nothing_to_do(self) -> bool:
        """Same files, same pipeline settings, same trust: a new version would be a copy."""
        return self.same_texts and not self.retrusted

    def report(self, version: str) -> RunReport:
        c = self.changes
        return RunReport(
            version=version, base=self.previous.version,
            rebuilt=self.previous.version is not None and not self.previous.reusable,
            files=len(self.files), new=len(c.new), changed=len(c.changed),
            unchanged=len(c.unchanged), deleted=len(c.deleted), retrusted=len(self.retrusted),
            seconds=round(self.seconds, 3),
        )

    def unchanged_report(self) -> RunReport:
        """What `--skip-if-unchanged` says when it builds nothing: the active version stands."""
        report = self.report(self.previous.version or "")
        report.built = False
        report.documents = len(self.previous.docs)
        report.chunks = sum(map(len, self.previous.docs.values()))
        return report


def hash_file(path: Path, source: str) -> Found:
    try:
        return Found(path, source, file_hash(path))
    except OSError as exc:
        return Found(path, source, "", exc.strerror or type(exc).__name__)


def prepare(
    root: Path, settings: IngestSettings, store: IndexStore, registry: VersionRegistry,
    trust: TrustConfig,
) -> Plan:
    """Reap crashed builds, then compare `root` with the active version."""
    started = time.perf_counter()
    reap(store, registry)
    files = tuple(hash_file(path, source) for path, source in discover(root))
    fingerprint = settings.fingerprint()
    previous = previous_version(store, registry, fingerprint)
    changes = compare({f.source: f.digest for f in files}, previous.hashes())
    unchanged = set(changes.unchanged)
    retrusted = tuple(s for s in previous.retrusted(trust) if s in unchanged)
    return Plan(fingerprint, files, previous, changes, retrusted, time.perf_counter() - started)
