"""The chain from LORE_PROVIDERS: per provider Retrying(Breaker(Instrumented(ModelGenerator))),
in the file's order, inside one Fallback; the extractive answerer last unless placed or left
out. Built once by the composition root; its breakers and HTTP clients live as long as it.

The router's chains (`routes:` in the file, or a model version: lore/releases.py) are other
Fallbacks over the same links, so a provider's breaker and connections are shared by every
chain it is in."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from answer.base import Generator
from answer.prompt import SYSTEM_PROMPT
from core.errors import BadInput
from core.models import EXTRACTIVE
from gateway.breaker import Breaker
from gateway.config import GatewaySettings, ModelSpec, ProviderSpec, load_providers
from gateway.extractive import ExtractiveLink
from gateway.fallback import Fallback
from gateway.instrument import Instrumented
from gateway.link import Link
from gateway.model import ModelGenerator
from gateway.openai import OpenAIProvider
from gateway.retry import Retrying
from gateway.tokens import tokenizer_for

log = logging.getLogger("lore.gateway")


@dataclass
class Gateway:
    generator: Fallback  # every provider in the file's order: what answers an unrouted request
    providers: tuple[OpenAIProvider, ...]
    breakers: tuple[Breaker, ...]  # one per provider, in the same order
    links: dict[str, Link] = field(default_factory=dict)  # by name, the extractive one too
    routes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the file's named chains
    extractive_last: bool = True  # the file's `extractive`: it ends every chain
    deadline_seconds: float = 60.0
    _chains: dict[tuple[str, ...], Fallback] = field(default_factory=dict, repr=False)

    def chain(self, names: tuple[str, ...]) -> Fallback:
        """The links `names` in that order, the extractive answerer last as the file says;
        () is the whole chain. A name the file no longer has is skipped (with a warning)."""
        if not names:
            return self.generator
        found = self._chains.get(names)
        if found is not None:
            return found
        known = [n for n in names if n in self.links]
        if len(known) < len(names):
            log.warning("chain %s names providers LORE_PROVIDERS lacks; using %s", names, known)
        if not known:
            return self.generator
        if self.extractive_last and EXTRACTIVE not in known:
            known.append(EXTRACTIVE)
        chain = Fallback([self.links[n] for n in known], self.deadline_seconds)
        self._chains[names] = chain  # a race builds two equal chains: harmless
        return chain

    def status(self) -> list[dict[str, Any]]:
        """Per link of the chain: what it is and how its breaker stands; never a key."""
        out: list[dict[str, Any]] = []
        by_name = dict(zip((p.name for p in self.providers), self.providers, strict=True))
        breakers = {b.name: b for b in self.breakers}
        for link in self.generator.links:
            if link.name == EXTRACTIVE:
                out.append({"name": EXTRACTIVE, "model": EXTRACTIVE, "address": None,
                            "breaker": None, "failures": 0, "last_error": None})
                continue
            s = breakers[link.name].status()
            out.append({"name": link.name, "model": link.model_id,
                        "address": by_name[link.name].address, "breaker": str(s.state),
                        "failures": s.failures, "last_error": s.last_error,
                        "retry_in": s.retry_in})
        return out

    def close(self) -> None:
        for provider in self.providers:
            provider.close()


def build_gateway(settings: GatewaySettings, extractive: Generator,
                  budget_tokens: int) -> Gateway:
    """`extractive`: the answerer of last resort; `budget_tokens`: the prompt budget, which
    with the answer must fit every model's context window."""
    if settings.providers is None:
        raise BadInput("LORE_PROVIDERS is not set: there is no providers file to build from")
    spec = load_providers(settings.providers)
    links: list[Link] = []
    providers, breakers = [], []
    quoting = ExtractiveLink(extractive)  # the extractive answerer, wherever a chain puts it
    for entry in spec.providers:
        if entry.extractive:
            links.append(quoting)
            continue
        assert entry.model is not None  # load_providers checked it
        fits(entry, entry.model, budget_tokens)
        provider = OpenAIProvider(entry)
        model = ModelGenerator(provider, entry.model,
                               tokenizer_for(entry.model.tokenizer, extractive.tokenizer),
                               SYSTEM_PROMPT, settings.deadline_seconds)
        breaker = Breaker(Instrumented(model, entry.system, provider.address),
                          settings.breaker_failures, settings.breaker_reset_seconds)
        links.append(Retrying(breaker, settings.retries, settings.retry_backoff_seconds))
        providers.append(provider)
        breakers.append(breaker)
    named = {link.name: link for link in links} | {EXTRACTIVE: quoting}
    if spec.extractive and not any(link.name == EXTRACTIVE for link in links):
        links.append(quoting)
    routes: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (spec.routes or {}).items()}
    return Gateway(Fallback(links, settings.deadline_seconds), tuple(providers),
                   tuple(breakers), named, routes, spec.extractive, settings.deadline_seconds)


def fits(entry: ProviderSpec, model: ModelSpec, budget_tokens: int) -> None:
    """The budget holds the prompt and its answer reserve; a set max_tokens may add to it."""
    answer = model.max_tokens or 0
    if budget_tokens + answer > model.context_window:
        raise BadInput(
            f"provider {entry.name!r}: a {budget_tokens}-token prompt budget "
            f"(LORE_BUDGET_TOKENS) and {answer} answer tokens (max_tokens) do not fit the "
            f"context window of {model.id} ({model.context_window}); lower one or set "
            "model.context_window")
