"""Ingest-lifecycle fixtures: a small real corpus written to tmp_path and Ingestors over real
Edge stores, sharing the session's embedding model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from index.base import VersionRegistry
from ingestion.pipeline import Ingestor
from ingestion.trust import TrustConfig
from lore import stores
from lore.settings import Settings

# Four documents of a fictional company's handbook; `runbook.md` is long enough to become
# several chunks, so a change in chunk size changes its chunk texts.
DOCS = {
    "hr/leave.md": (
        "# Leave\n\n## Annual leave\n\nEvery full-time employee gets 28 days of paid annual leave "
        "per calendar year. Requests go through Workday ten working days in advance.\n\n"
        "## Carry-over\n\nUp to five unused days carry over into the next year and expire on "
        "31 March.\n"
    ),
    "hr/expenses.md": (
        "# Expenses\n\nHotels are reimbursed up to EUR 180 per night in Europe. Receipts must be "
        "uploaded within 30 days or the claim is rejected. Economy class is required for "
        "flights shorter than six hours.\n"
    ),
    "ops/oncall.txt": (
        "On-call rotation\n\nThe on-call engineer acknowledges a page within 15 minutes and "
        "opens an incident channel for every SEV1. Handover happens on Mondays at 10:00.\n"
    ),
    "ops/runbook.md": "# Database runbook\n\n## Failover\n\n" + "\n\n".join(
        f"Step {i}: run the check number {i} on the primary replica, confirm that the "
        f"replication lag stays under {i * 3} seconds, and record the result in the change "
        f"ticket before moving on to the following step of the failover procedure."
        for i in range(1, 13)
    ),
}


def write_docs(root: Path, docs: dict[str, str | bytes]) -> Path:
    for source, content in docs.items():
        path = root / source
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_docs(tmp_path / "corpus", dict(DOCS))


MakeIngestor = Callable[..., Ingestor]


def active_id(registry: VersionRegistry) -> str | None:
    record = registry.active()
    return record.id if record else None


@pytest.fixture
def make_ingestor(tmp_path: Path, embedder) -> Iterator[MakeIngestor]:
    """Ingestor(**settings overrides, trust=...) over LORE_HOME tmp_path/home."""
    made: list[Ingestor] = []

    def make(trust: TrustConfig | None = None, **overrides: Any) -> Ingestor:
        settings = Settings.of(home=tmp_path / "home", **overrides)
        ingestor = replace(stores.ingestor(settings, embedder), trust=trust or TrustConfig())
        made.append(ingestor)
        return ingestor

    yield make
    for ingestor in made:
        ingestor.close()
