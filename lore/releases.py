"""Prompt and model versions: recorded, served and pinned with the index version lifecycle.

A prompt version holds every prompt's text (answer/prompt.py); a model version holds which
providers answer each route (`{"routes": {"cheap": [...], "strong": [...]}}`, names from
LORE_PROVIDERS). Each kind has its own registry file under LORE_HOME (prompts.json,
models.json): index/registry.py's file registry under another name, so promote, the sticky
canary, one-step rollback and retention are the index versions' own code (index/versions.py),
and so is the way a process follows changes made elsewhere (index/active.py, every
LORE_RELOAD_SECONDS). A record is immutable: its `fingerprint` is the content hash, `report`
holds the content and the author's note, `eval` the gate's verdict.

Until the first promotion the files as shipped (prompts/) and the providers file's `routes:`
serve; the first `lore prompts promote` / `lore models promote` records them as v1, the
baseline the gate compares with and the version a rollback returns to.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from answer.base import Generator
from answer.prompt import (
    SHIPPED,
    SHIPPED_TEXTS,
    PromptId,
    Prompts,
    check_prompts,
    fingerprint,
)
from core.errors import BadInput, NotReady
from core.models import EXTRACTIVE
from gateway.config import check_chain
from index.active import ActiveVersion
from index.base import VersionRegistry
from index.registry import Registry
from index.versions import VersionRecord, VersionStatus
from pipeline.config import RouteMode, RouteSettings
from pipeline.route import Router, Rules
from pipeline.state import Release, State

if TYPE_CHECKING:
    from gateway.build import Gateway

FROM_FILE = "file"  # the model version name of the providers file's own `routes:`
Chains = Mapping[str, tuple[str, ...]]


class Kind(StrEnum):
    INDEX = "index"
    PROMPTS = "prompts"
    MODELS = "models"


# The Query field that pins each kind (pipeline/state.py).
PIN_FIELD = {Kind.INDEX: "version", Kind.PROMPTS: "prompt_version",
             Kind.MODELS: "model_version"}
# Records that can serve again, so an equal content is not recorded twice.
REUSABLE = (VersionStatus.READY, VersionStatus.ACTIVE, VersionStatus.RETIRED)


class NamedRegistry(Registry):
    """The index's JSON file registry, in home/<name>.json with its own lock."""

    def __init__(self, home: Path, name: str) -> None:
        super().__init__(home)
        self.path = self.home / f"{name}.json"
        self._lock_path = self.home / f"{name}.lock"


def registry_in(home: Path, kind: Kind) -> NamedRegistry:
    if kind is Kind.INDEX:
        raise ValueError("index versions live in the index registry (lore/compose.py)")
    return NamedRegistry(home, str(kind))


def content_hash(content: Mapping[str, Any]) -> str:
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def prompts_content(texts: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    checked = check_prompts(texts)
    return {"prompts": checked}, fingerprint(checked)


def models_content(chains: Chains) -> tuple[dict[str, Any], str]:
    routes = {k: list(v) for k, v in sorted(chains.items())}
    return {"routes": routes}, content_hash(routes)


def record(registry: VersionRegistry, content: dict[str, Any], digest: str, note: str,
           keep: int) -> VersionRecord:
    """A ready version of `content` (the existing one when an equal content is kept); then
    all but the newest `keep` versions that serve nothing and are no rollback target go."""
    for r in registry.list():
        if r.fingerprint == digest and r.status in REUSABLE:
            return r
    begun = registry.begin("", digest)
    made = registry.mark_ready(begun.id, 0, 0, {"note": note, **content})
    registry.retain(keep)
    return made


def ensure_baseline(registry: VersionRegistry, content: dict[str, Any], digest: str, note: str,
                    keep: int) -> None:
    """Before the first promotion: what serves (shipped prompts, the file's routes) becomes
    v1 and active, the baseline of the gate and the target of a rollback."""
    if registry.active() is None:
        registry.promote(record(registry, content, digest, note, keep).id)


def chains_of(record: VersionRecord) -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in record.report["routes"].items()}


class ServedReleases:
    """The prompt and model versions requests are answered with (pipeline/route.py Releases):
    a pinned one, else the active one or, for a sticky share of keys, the canary."""

    def __init__(self, prompts: Registry, models: Registry | None, interval: float,
                 file_chains: Chains, shipped: Prompts) -> None:
        """`shipped`: what serves before any prompt version is promoted."""
        self.shipped = shipped
        self.registries: dict[Kind, Registry] = {Kind.PROMPTS: prompts}
        self.active = {Kind.PROMPTS: ActiveVersion(prompts, interval)}
        if models is not None:  # None: no gateway, no models to choose
            self.registries[Kind.MODELS] = models
            self.active[Kind.MODELS] = ActiveVersion(models, interval)
        self.file_chains = dict(file_chains)
        self._prompts: dict[str, Prompts] = {}  # by version id: records never change
        self._chains: dict[str, Chains] = {}

    def resolve(self, sticky: str | None, prompts: str | None, models: str | None) -> Release:
        if Kind.MODELS not in self.active:
            return Release(self.prompts(self._pick(Kind.PROMPTS, sticky, prompts)))
        version = self._pick(Kind.MODELS, sticky, models)
        return Release(self.prompts(self._pick(Kind.PROMPTS, sticky, prompts)), version,
                       self.chains(version))

    def _pick(self, kind: Kind, sticky: str | None, pinned: str | None) -> str:
        if pinned:
            return pinned
        try:  # a canary's share apart from the index canary's: the key is salted by kind
            return self.active[kind].current(f"{kind}:{sticky}" if sticky else None)
        except NotReady:  # nothing promoted yet
            return SHIPPED if kind is Kind.PROMPTS else FROM_FILE

    def prompts(self, version: str) -> Prompts:
        if version == SHIPPED:
            return self.shipped
        found = self._prompts.get(version)
        if found is None:  # NotFound for an unknown pin
            texts = self.registries[Kind.PROMPTS].get(version).report["prompts"]
            found = self._prompts[version] = Prompts(version, texts)
        return found

    def chains(self, version: str) -> Chains:
        if version == FROM_FILE:
            return self.file_chains
        found = self._chains.get(version)
        if found is None:
            found = self._chains[version] = chains_of(self.registries[Kind.MODELS].get(version))
        return found

    def stable(self, kind: Kind) -> str:
        """The active version of `kind` as the registry has it now (no canary); "" without
        models to choose."""
        if kind not in self.registries:
            return ""
        active = self.registries[kind].active()
        if active is not None:
            return active.id
        return SHIPPED if kind is Kind.PROMPTS else FROM_FILE


def stable_digest(home: Path, kind: Kind) -> str:
    """The content hash of what serves `kind` (no canary), read from the registry under
    `home`; the shipped prompts' or "file" before any promotion."""
    active = registry_in(home, kind).active()
    if active is not None:
        return active.fingerprint
    return fingerprint(SHIPPED_TEXTS) if kind is Kind.PROMPTS else FROM_FILE


@dataclass(frozen=True)
class Pin:
    """A bench's first step: the evaluation runner pins `Query.version`, which is the
    candidate of `kind`; the other kinds are held at `pins` (Query field -> version)."""

    kind: Kind
    pins: Mapping[str, str | None]
    name = "pin"
    always = False

    def __call__(self, state: State) -> State:
        q = state.query
        fields = {**self.pins, PIN_FIELD[self.kind]: q.version}
        return replace(state, query=replace(q, **fields))  # type: ignore[arg-type]


def check_chains(chains: Chains, providers: list[str]) -> None:
    unknown = set(chains) - {"cheap", "strong"}
    if unknown:
        raise BadInput(f"routes: unknown route {sorted(unknown)}; routes are cheap and strong")
    for route, chain in chains.items():
        check_chain(list(chain), providers, f"routes.{route}")


def releases_for(home: Path, gateway: Gateway | None, generator: Generator,
                 interval: float) -> ServedReleases:
    """Model versions only where a gateway has models to choose from. Until a prompt version
    is promoted the generator's own system prompt serves (the shipped one, for the gateway's)."""
    models = registry_in(home, Kind.MODELS) if gateway is not None else None
    shipped = Prompts(SHIPPED, {**SHIPPED_TEXTS, PromptId.SYSTEM: generator.system_prompt})
    return ServedReleases(registry_in(home, Kind.PROMPTS), models, interval,
                          gateway.routes if gateway is not None else {}, shipped)


def router_for(settings: RouteSettings, gateway: Gateway | None,
               generator: Generator | None, quoting: Generator) -> Router | None:
    """The router, when LORE_ROUTING is on (auto: when the providers file names its cheap
    and strong chains). `generator`: one the caller passed in, which answers both chains;
    `quoting`: the extractive answerer, the no-model target."""
    if settings.routing is RouteMode.OFF or (
            settings.routing is RouteMode.AUTO and not (gateway and gateway.routes)):
        return None
    if gateway is not None:
        return Router(Rules.of(settings), gateway.chain, models=True)
    if generator is None:  # the extractive answerer alone: no model to route to
        return Router(Rules.of(settings), lambda names: quoting, models=False)
    given = generator

    def pick(names: tuple[str, ...]) -> Generator:
        return quoting if names == (EXTRACTIVE,) else given

    return Router(Rules.of(settings), pick, models=True)
