"""The composition root: the heavy objects built once from settings, and the flows over them.

The CLI, the API, evaluation, the nightly runner, benchmarks and the tests all build here;
the store, the registry and the encoders come from lore/stores.py.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from answer.base import Generator
from answer.extractive import ExtractiveAnswerer
from context.builder import ContextBuilder
from core.errors import LoreError, VersionBroken
from core.tokenizer import Tiktoken
from core.tracing import Trace
from gateway.build import Gateway, build_gateway
from guard.check import TextGuard
from guard.memo import RecentEmbeddings
from guard.pii import PiiScanner, mask
from index.active import ActiveVersion
from index.base import IndexStore, VersionRegistry
from ingestion.base import Embedder
from lore.feedback import FeedbackStore
from lore.guard_follow import Following, guarded, guarding_for
from lore.guard_policy import PolicyStore
from lore.limits import SqliteLimiter
from lore.observe import Observer, default_sinks
from lore.offline import stay_offline
from lore.releases import ServedReleases, releases_for, router_for
from lore.settings import Settings
from lore.stats import ServingStats
from lore.stores import ensure_home, load_query_embedder, open_registry, open_store
from lore.traces import TraceStore
from pipeline.cache import CacheRead, CacheWrite
from pipeline.cache_store import AnswerCache
from pipeline.evidence import Evidence
from pipeline.flows import Caching, Flows, Parts
from pipeline.retrieve import Spell
from pipeline.runner import Flow, run
from pipeline.state import Query, State
from retrieval.hybrid import HybridRetriever

# Context sentences whose vectors the evidence step and the extractive answerer keep: embedding
# every quotable sentence of a context is most of an uncached /ask's CPU on long manuals, and
# popular passages come back question after question. 30,000 x 384 floats, about 45 MiB: room
# for the closest sentences' readings under their section's name (answer/evidence.py HEADED).
SENTENCES = 30_000


@dataclass
class Lore:
    """One deployment's query side: store, registry, encoder, generator and the flows."""

    settings: Settings
    store: IndexStore
    registry: VersionRegistry
    encoder: Embedder
    generator: Generator
    active: ActiveVersion
    stats: ServingStats
    limiter: SqliteLimiter
    served: Following  # the flows under the guard policy in force (lore/guard_follow.py)
    observer: Observer
    gateway: Gateway | None = None  # the model chain of LORE_PROVIDERS, when there is one
    releases: ServedReleases | None = None  # the prompt and model versions serving

    @property
    def flows(self) -> Flows:
        """Rebuilt when an admin changes the guard policy, here or in another process."""
        return self.served.current().flows

    @property
    def guard(self) -> TextGuard:
        """The input guard's checks, for POST /guard."""
        return self.served.current().guard

    def ask(self, query: Query, trace: Trace | None = None) -> tuple[State, Trace]:
        """`trace`: one begun by the caller (a request id, a traceparent)."""
        return self._run(self.flows.ask, query, trace)

    def search(self, query: Query, trace: Trace | None = None) -> tuple[State, Trace]:
        return self._run(self.flows.search, query, trace)

    def _run(self, flow: Flow, query: Query, trace: Trace | None) -> tuple[State, Trace]:
        trace = trace or Trace(flow.name)
        try:
            state, _ = run(flow, State(query), trace)
        except LoreError as error:
            self.observer.failed(trace, error)
            if isinstance(error, VersionBroken):  # this request fails; the next ones don't
                self.active.report_broken(error.version, error.reason)
            raise
        release, route = state.release, state.route
        # Labels of the request's metrics (lore/metrics.py) beside the index version.
        trace.attributes.update(
            prompt_version=release.prompts.version if release else None,
            model_version=release.models if release else None,
            route=route.target if route else None, route_rule=route.rule if route else None)
        self.observer.done(trace, state, release.prompts.system if release
                           else self.generator.system_prompt)
        return state, trace

    def close(self) -> None:
        self.store.close()
        self.stats.close()
        self.limiter.close()
        self.observer.close()
        if self.gateway is not None:
            self.gateway.close()


def build(
    settings: Settings, *, encoder: Embedder | None = None, generator: Generator | None = None,
) -> Lore:
    """`encoder` and `generator` let a caller share ones already loaded (tests, benchmarks)."""
    stay_offline()
    store, registry = open_store(settings), open_registry(settings)
    # The guard, the answer cache and retrieval all embed the question: once is enough.
    encoder = RecentEmbeddings(encoder or load_query_embedder(settings))
    sentences = RecentEmbeddings(encoder, SENTENCES).embed
    # The one offline answerer (alone, at the end of a provider chain, the guard's fallback, the
    # router's no-model target): it quotes whatever the evidence step lets through.
    quoting = ExtractiveAnswerer(threshold=0.0, embed=sentences)
    gateway = open_gateway(settings, quoting) if generator is None else None
    router = router_for(settings.route, gateway, generator, quoting)
    generator = generator or (gateway.generator if gateway is not None else quoting)
    releases = releases_for(ensure_home(settings.home), gateway, generator,
                            settings.serve.reload_seconds)
    active = ActiveVersion(registry, settings.serve.reload_seconds, warm=store.warm,
                           release=store.release)
    stats = ServingStats(ensure_home(settings.home) / "stats.sqlite")
    limiter = SqliteLimiter(settings.home / "limits.sqlite", settings.limits)
    guarding = guarding_for(settings.guard, encoder, quoting)
    observer = open_observer(settings, guarding.text.pii)
    caching = caching_for(settings, encoder, generator, observer)
    retriever = HybridRetriever(store, encoder, settings.retrieval)
    parts = Parts(
        limits=settings.request, active=active, retriever=retriever,
        spell=Spell(retriever, Tiktoken()) if settings.retrieval.spell_correct else None,
        builder=ContextBuilder(store, generator.tokenizer, settings.context),
        generator=generator, recorder=stats, limiter=limiter, cache=caching, guard=guarding,
        # Whether to answer at all is the evidence step's call, for every generator.
        evidence=Evidence(store, sentences, settings.answer.min_evidence),
        releases=releases, router=router,
    )
    served = Following(PolicyStore(settings.home), settings.guard,
                       settings.serve.reload_seconds, guarded(parts, encoder))
    return Lore(settings, store, registry, encoder, generator, active, stats, limiter, served,
                observer, gateway=gateway, releases=releases)


def caching_for(settings: Settings, encoder: Embedder, generator: Generator,
                observer: Observer) -> Caching | None:
    """The answer cache's steps, scoped by the generator (its settings and system prompt);
    a down-voted answer leaves it."""
    c = settings.cache
    if not c.cache_exact:
        return None
    embed = encoder.embed if c.cache_semantic else None
    cache = AnswerCache(c.cache_max_entries, c.cache_ttl_seconds, c.cache_threshold,
                        rule=c.cache_rule, embed=embed)
    observer.downvoted.append(cache.forget)
    providers = settings.gateway.providers
    models = providers.read_text() if providers and providers.is_file() else ""
    identity = json.dumps([type(generator).__name__, generator.system_prompt, models,
                           settings.answer.model_dump(mode="json")], sort_keys=True)
    generator_id = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Caching(CacheRead(cache, embed, generator_id), CacheWrite(cache, embed, generator_id))


def open_observer(settings: Settings, pii: PiiScanner | None = None) -> Observer:
    """`pii`: traces keep texts with personal data and secrets masked (LORE_PII_MASK_TRACES)."""
    home, o = ensure_home(settings.home), settings.observe
    observer = Observer(TraceStore(home / "traces.sqlite", o.trace_days, o.trace_max),
                        FeedbackStore(home / "feedback.sqlite"),
                        default_sinks() if o.tracing else [], enabled=o.tracing)
    if pii is not None and settings.guard.pii_mask_traces:
        observer.mask = lambda text: mask(text, pii.find(text))
    return observer


def open_gateway(settings: Settings, last: Generator) -> Gateway | None:
    """The providers of LORE_PROVIDERS in a fallback chain ending in `last` (the extractive
    answerer); None without that file (`last` alone answers)."""
    if settings.gateway.providers is None:
        return None
    return build_gateway(settings.gateway, last, settings.context.budget_tokens)
