"""The run report of one `lore ingest`: what went in, what changed, what was skipped and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class RunReport:
    version: str  # the version built; with `built` False, the active one that still serves
    base: str | None = None  # the active version the folder was compared with
    built: bool = True  # False: --skip-if-unchanged found nothing to build
    rebuilt: bool = False  # pipeline settings differ from `base`'s: nothing could be carried
    files: int = 0
    documents: int = 0  # indexed: parsed or carried
    # Files compared with `base` by content hash (skipped files included, so a file that
    # still fails does not count as new on every run).
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    retrusted: int = 0  # unchanged documents whose trust weight or tags changed
    chunks: int = 0
    embedded: int = 0
    reused: int = 0  # chunks not embedded: carried over or found in the embedding cache
    carried: int = 0  # chunks of unchanged documents taken from the active version
    seconds: float = 0.0
    skipped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    # Chunks of this version the document guard flagged (new or carried), with the reason.
    flagged: list[dict[str, object]] = field(default_factory=list)

    def skip(self, source: str, reason: str, sha256: str) -> None:
        """`sha256` lets the next run tell whether a skipped file changed since."""
        self.skipped.append({"source": source, "reason": reason, "sha256": sha256})

    def warn(self, source: str, warning: str) -> None:
        self.warnings.append({"source": source, "warning": warning})

    def flag(self, source: str, position: int, chunk_id: str, reason: str) -> None:
        self.flagged.append({"source": source, "position": position, "chunk_id": chunk_id,
                             "reason": reason})

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
