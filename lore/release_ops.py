"""What `lore prompts`, `lore models` and their API routes do besides promote (lore/promotion.py):
record a new version, list the versions, show one.

Recording first makes what serves now the baseline (v1, active) when nothing was promoted yet,
so the first change is gated and can be rolled back like every later one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from answer.prompt import SHIPPED_TEXTS
from core.errors import BadInput, Conflict
from evaluation.gate import label
from gateway.config import load_providers
from index.base import VersionRegistry
from index.versions import VersionRecord
from lore.compose import Lore
from lore.promotion import registry_of
from lore.releases import (
    Kind,
    chains_of,
    check_chains,
    ensure_baseline,
    models_content,
    prompts_content,
    record,
)
from lore.settings import Settings


def propose_prompts(settings: Settings, texts: Mapping[str, str], note: str,
                    app: Lore | None = None) -> VersionRecord:
    """A ready prompt version of `texts` (every prompt id), to promote."""
    registry, keep = registry_of(settings, Kind.PROMPTS, app), settings.release.release_retention
    content, digest = prompts_content(texts)  # checked before anything is written
    shipped = app.releases.shipped.texts if app is not None and app.releases else SHIPPED_TEXTS
    ensure_baseline(registry, *prompts_content(shipped), "the prompts as shipped", keep)
    return record(registry, content, digest, note, keep)


def propose_models(settings: Settings, changes: Mapping[str, Sequence[str]], note: str,
                   app: Lore | None = None) -> VersionRecord:
    """A ready model version: the active one's chains with `changes` (route -> provider names
    in fallback order) applied, to promote."""
    if settings.gateway.providers is None:
        raise Conflict("model versions choose among the providers of LORE_PROVIDERS, and this "
                       "deployment has none: set it")
    spec = load_providers(settings.gateway.providers)
    registry, keep = registry_of(settings, Kind.MODELS, app), settings.release.release_retention
    changed = {k: tuple(v) for k, v in changes.items()}
    check_chains(changed, [p.name for p in spec.providers])  # before anything is written
    from_file: dict[str, tuple[str, ...]] = {
        k: tuple(v) for k, v in (spec.routes or {}).items()}
    ensure_baseline(registry, *models_content(from_file), "the routes of LORE_PROVIDERS", keep)
    active = registry.active()
    base = chains_of(active) if active is not None else from_file
    return record(registry, *models_content({**base, **changed}), note, keep)


def release_rows(registry: VersionRegistry) -> list[dict[str, Any]]:
    """Every version, oldest first, as `lore prompts list --json` and GET /prompts show it."""
    active = registry.active()
    canary_id, percent = registry.canary() or (None, 0)
    return [
        {"id": v.id, "status": str(v.status), "active": active is not None and v.id == active.id,
         "created_at": v.created_at, "fingerprint": v.fingerprint,
         "note": v.report.get("note", ""), "gate": label(v.eval), "eval": v.eval,
         "canary_percent": percent if v.id == canary_id else None}
        for v in registry.list()
    ]


def shown(registry: VersionRegistry, version: str | None) -> tuple[VersionRecord, dict]:
    """A version (the active one by default) and its content: its prompts or its routes."""
    record_ = registry.get(version) if version else registry.active()
    if record_ is None:
        raise BadInput("nothing was promoted yet: the shipped prompts and the providers "
                       "file's routes serve (`lore prompts promote`, `lore models promote`)")
    return record_, {k: v for k, v in record_.report.items() if k != "note"}
