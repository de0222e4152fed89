"""The one promotion path: `lore promote`, POST /versions/{id}/promote and the nightly runner;
`lore prompts promote` and `lore models promote` (and their routes) for prompt and model
versions (lore/releases.py).

With LORE_EVAL_SET set, the candidate answers the eval set beside the active version first
(evaluation/gate.py) and a regression refuses it unless forced; without, it is switched at
once and no model loads. A prompt or model candidate is evaluated on the active index version,
the other kind held at its active version, with the same eval set and thresholds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import Conflict
from evaluation.gate import GATE_OFF, Decision, GateRefused, decide, promotable, switch
from evaluation.runner import Bench, Progress, no_progress
from index.base import VersionRegistry
from index.versions import VersionRecord
from lore.guard_policy import PolicyStore
from lore.releases import PIN_FIELD, Kind, Pin, registry_in, stable_digest
from lore.settings import Settings
from lore.stores import ensure_home, open_registry
from pipeline.runner import Flow

if TYPE_CHECKING:
    from lore.compose import Lore

# The packages whose code runs between a question and its answer: every layer below
# `evaluation` in the import contract (pyproject.toml), which tests/test_layers.py checks.
QUERY_PACKAGES = ("pipeline", "gateway", "answer", "context", "retrieval", "ingestion", "index",
                  "guard", "core")
# The settings groups read at question time.
QUERY_GROUPS = ("retrieval", "context", "answer", "guard", "gateway", "route")
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


def query_key(settings: Settings, vary: Kind = Kind.INDEX) -> str:
    """Changes whenever a query-time setting or the query-time code does, or what serves of
    the kinds a bench of `vary` holds fixed: the prompt and model versions (their content),
    and the index version for a prompt or model bench."""
    groups = {g: getattr(settings, g).model_dump(mode="json") for g in QUERY_GROUPS}
    groups["encoder_model"] = settings.ingest.embedding_model
    # The guard policy in force: overrides approved since start-up (lore/guard_policy.py).
    groups["guard"] = PolicyStore(settings.home).effective(settings.guard).model_dump(mode="json")
    providers = settings.gateway.providers  # which models answer: the file, not its name
    groups["models"] = providers.read_text() if providers and providers.is_file() else None
    groups["releases"] = {str(k): stable_digest(settings.home, k)
                          for k in (Kind.PROMPTS, Kind.MODELS) if k is not vary}
    if vary is not Kind.INDEX:
        active = open_registry(settings).active()
        groups["releases"]["index"] = active.id if active else None
    blob = json.dumps(groups, sort_keys=True)
    return f"{hashlib.sha256(blob.encode()).hexdigest()[:12]}:{_running_code()}"


def bench(app: Lore, kind: Kind = Kind.INDEX) -> Bench:
    """The evaluate flow with the kinds other than `kind` pinned at their active versions (a
    canary never answers an evaluation); its verdicts are kept in `kind`'s registry."""
    s = app.settings
    active = app.registry.active()
    stable = {Kind.INDEX: active.id if active else None}
    if app.releases is not None:
        stable |= {k: app.releases.stable(k) or None for k in (Kind.PROMPTS, Kind.MODELS)}
    pins = {PIN_FIELD[k]: v for k, v in stable.items() if k is not kind}
    flow = app.flows.evaluate
    pinned = Flow(flow.name, (Pin(kind, pins), *flow.steps))
    return Bench(pinned, registry_of(settings=s, kind=kind, app=app), query_key(s, kind),
                 s.context.budget_tokens)


def registry_of(settings: Settings, kind: Kind, app: Lore | None = None) -> VersionRegistry:
    if kind is Kind.INDEX:
        return app.registry if app is not None else open_registry(settings)
    if app is not None and app.releases is not None and kind in app.releases.registries:
        return app.releases.registries[kind]
    return registry_in(ensure_home(settings.home), kind)


def promote(
    settings: Settings, version: str, force: bool = False, canary: int | None = None,
    progress: Progress = no_progress, app: Lore | None = None, kind: Kind = Kind.INDEX,
) -> tuple[VersionRecord, Decision]:
    """Promote `version` of `kind` (or start it as a canary) if the gate allows, or `force`;
    a refusal raises Conflict. `app`: an already built query side (the API's); else one is
    built only when the gate is on. A prompt or model version needs a baseline first
    (lore/release_ops.py `propose` records it)."""
    registry = registry_of(settings, kind, app)
    if settings.gate.eval_set is None:
        return switch(registry, version, canary), Decision(True, GATE_OFF, None)
    promotable(registry, version)  # before any model loads
    # The query side loads only for a gate: `lore ingest --promote` without an eval set never
    # imports it (a fifth of that command's start-up).
    from lore.compose import build

    owned = app is None
    app = app or build(settings)
    try:
        decision = decide(bench(app, kind), settings.gate, version, force, progress)
    finally:
        if owned:
            app.close()
    if not decision.allowed:
        raise GateRefused(decision.message)
    return switch(registry, version, canary), decision


def unattended(settings: Settings) -> Callable[[str], tuple[bool, str]]:
    """For the nightly runner: promote through the gate, never forced; (promoted, why)."""

    def attempt(version: str) -> tuple[bool, str]:
        try:
            return True, promote(settings, version)[1].message
        except Conflict as refused:
            return False, str(refused)

    return attempt
