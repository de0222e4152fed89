"""The one promotion path: `lore promote`, POST /versions/{id}/promote and the nightly runner.

With LORE_EVAL_SET set, the candidate answers the eval set beside the active version first
(evaluation/gate.py) and a regression refuses it unless forced; without, it is switched at
once and no model loads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from core.errors import Conflict
from evaluation.gate import GATE_OFF, Decision, decide, promotable, switch
from evaluation.runner import Bench, Progress, no_progress
from index.versions import VersionRecord
from lore.compose import Lore, build, open_registry
from lore.settings import Settings

# The packages whose code runs between a question and its answer: every layer below
# `evaluation` in the import contract (pyproject.toml), which tests/test_layers.py checks.
QUERY_PACKAGES = ("pipeline", "answer", "context", "retrieval", "ingestion", "index", "core")
# The settings groups read at question time.
QUERY_GROUPS = ("retrieval", "context", "answer")
ROOT = Path(__file__).resolve().parents[1]


def code_hash(root: Path) -> str:
    """Hash of the query-time packages' sources under `root`."""
    digest = hashlib.sha256()
    for package in QUERY_PACKAGES:
        for file in sorted((root / package).rglob("*.py")):
            digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def _running_code() -> str:
    return code_hash(ROOT)


def query_key(settings: Settings) -> str:
    """Changes whenever a query-time setting or the query-time code does."""
    groups = {g: getattr(settings, g).model_dump(mode="json") for g in QUERY_GROUPS}
    groups["encoder_model"] = settings.ingest.embedding_model
    blob = json.dumps(groups, sort_keys=True)
    return f"{hashlib.sha256(blob.encode()).hexdigest()[:12]}:{_running_code()}"


def bench(app: Lore) -> Bench:
    s = app.settings
    return Bench(app.flows.evaluate, app.registry, query_key(s), s.context.budget_tokens)


def promote(
    settings: Settings, version: str, force: bool = False, canary: int | None = None,
    progress: Progress = no_progress, app: Lore | None = None,
) -> tuple[VersionRecord, Decision]:
    """Promote `version` (or start it as a canary) if the gate allows, or `force`; a refusal
    raises Conflict. `app`: an already built query side (the API's); else one is built only
    when the gate is on."""
    registry = app.registry if app is not None else open_registry(settings)
    if settings.gate.eval_set is None:
        return switch(registry, version, canary), Decision(True, GATE_OFF, None)
    promotable(registry, version)  # before any model loads
    owned = app is None
    app = app or build(settings)
    try:
        decision = decide(bench(app), settings.gate, version, force, progress)
    finally:
        if owned:
            app.close()
    if not decision.allowed:
        raise Conflict(decision.message)
    return switch(registry, version, canary), decision


def unattended(settings: Settings) -> Callable[[str], tuple[bool, str]]:
    """For the nightly runner: promote through the gate, never forced; (promoted, why)."""

    def attempt(version: str) -> tuple[bool, str]:
        try:
            return True, promote(settings, version)[1].message
        except Conflict as refused:
            return False, str(refused)

    return attempt
