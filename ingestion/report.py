"""The run report of one `lore ingest`: what went in, what was skipped and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class RunReport:
    version: str
    files: int = 0
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0  # chunks not embedded: carried over or found in the embedding cache
    carried: int = 0  # chunks of unchanged documents taken from the active version
    seconds: float = 0.0
    skipped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)

    def skip(self, source: str, reason: str) -> None:
        self.skipped.append({"source": source, "reason": reason})

    def warn(self, source: str, warning: str) -> None:
        self.warnings.append({"source": source, "warning": warning})

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
