"""The flows under the guard policy in force, rebuilt when an admin changes it.

A change is written to LORE_HOME/guard-policy.json (lore/guard_policy.py) by whichever process
carried it out: the CLI, or one of `lore serve --workers N`'s workers. Every process stats the
file at most every LORE_RELOAD_SECONDS, as it follows promotions (index/active.py), and on a
change rebuilds its flows with the new GuardSettings: the steps stay as they are, only what
they were built with differs. A request keeps the flows it started with.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from answer.base import Generator
from core.errors import LoreError
from core.files import poll
from guard.check import TextGuard
from guard.config import GuardSettings
from guard.injection import InjectionDetector
from guard.multilingual import multilingual_encoder
from guard.pii import PiiScanner
from ingestion.base import Embedder
from lore.guard_policy import PolicyStore
from pipeline.flows import Caching, Flows, Parts, flows
from pipeline.guard import Guarding

log = logging.getLogger("lore.guard")


@dataclass(frozen=True)
class Guarded:
    """The flows and the input guard (for POST /guard) under one guard policy."""

    flows: Flows
    guard: TextGuard
    policy: GuardSettings


def guarding_for(g: GuardSettings, encoder: Embedder, quoting: Generator) -> Guarding:
    """The guards' parts: the injection classifiers on the query encoder and the multilingual
    one, Presidio and that encoder warmed up (Presidio's first analysis compiles every pattern:
    0.4 s), `quoting` (the extractive answerer) as the fallback for a flagged question."""
    pii = PiiScanner(g.pii_engine, tuple(g.pii_phone_regions))
    pii.warm()
    second = multilingual_encoder()
    second.warm()
    text = TextGuard(InjectionDetector(encoder.embed, second, g.guard_threshold), pii)
    return Guarding(text, g, quoting)


def guarded(parts: Parts, encoder: Embedder) -> Callable[[GuardSettings], Guarded]:
    """What builds the flows under a policy: `parts` as built, with that policy's guards."""
    g = parts.guard
    if g is None:
        raise ValueError("guarded flows need the guards' parts (Parts.guard)")

    def under(policy: GuardSettings) -> Guarded:
        text = g.text
        if policy.guard_threshold != g.settings.guard_threshold:
            detector = InjectionDetector(encoder.embed, g.text.injection.second,
                                         policy.guard_threshold)
            text = TextGuard(detector, g.text.pii)
        built = replace(parts, guard=replace(g, text=text, settings=policy),
                        cache=scoped(parts.cache, policy))
        return Guarded(flows(built), text, policy)

    return under


def scoped(caching: Caching | None, policy: GuardSettings) -> Caching | None:
    """The answer cache scoped by the policy too: a kept answer passed the output guard of the
    policy it was answered under, and must not outlive it."""
    if caching is None:
        return None
    digest = hashlib.sha256(policy.model_dump_json().encode()).hexdigest()[:16]
    scope = f"{caching.read.generator_id}:{digest}"
    return Caching(replace(caching.read, generator_id=scope),
                   replace(caching.write, generator_id=scope))


class Following:
    """`current()` is what `build` made of the policy in force; the file's stamp is read at
    most every `interval` seconds, by one request while the others go on with what serves."""

    def __init__(self, store: PolicyStore, base: GuardSettings, interval: float,
                 build: Callable[[GuardSettings], Guarded]) -> None:
        self._store, self._base, self._interval, self._build = store, base, interval, build
        self._lock = threading.Lock()
        self._stamp = store.stamp()
        # An unreadable file fails the start (the operator fixes it), never a request.
        self._built = build(store.effective(base))
        self._checked = time.monotonic()

    def current(self) -> Guarded:
        poll(self._lock, time.monotonic() - self._checked >= self._interval, self._refresh)
        return self._built

    def refresh(self) -> None:
        """Now: the process that carried a change out serves it from its next request."""
        with self._lock:
            self._refresh()

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        stamp = self._store.stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            policy = self._store.effective(self._base)
        except LoreError:  # a hand-edited file: keep the last good policy, and say so
            log.exception("cannot read the guard policy; still serving the one before")
            return
        if policy != self._built.policy:
            self._built = self._build(policy)
            log.info("guard policy changed: %s", policy.model_dump_json())
