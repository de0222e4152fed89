"""The flows, step by step: read this file to see what a request goes through, and where a
new step (a guard, a cache, a router) belongs.

    search:   validate -> admit -> quarantine -> resolve_version -> resolve_release -> rewrite
              -> retrieve -> spell -> assemble
    ask:      validate -> admit -> guard_in -> quarantine -> resolve_version -> resolve_release
              -> cache_read -> rewrite -> retrieve -> spell -> assemble -> fence -> reply
              -> evidence -> guard_fallback -> guard_stream -> route -> generate
              -> verify -> guard_out -> cache_write -> meter -> record
    evaluate: ask without admit, the caches, meter and record (not serving traffic)
"""

from __future__ import annotations

from dataclasses import dataclass

from answer.base import Generator
from context.builder import ContextBuilder
from index.active import ActiveVersion
from pipeline.answer import Generate, Verify
from pipeline.assemble import Assemble
from pipeline.cache import CacheRead, CacheWrite
from pipeline.config import RequestSettings
from pipeline.evidence import Evidence
from pipeline.guard import Guarding, guard_steps
from pipeline.limits import Admit, Limiter, Meter
from pipeline.record import Record, Recorder
from pipeline.retrieve import ResolveVersion, Retrieve, Rewrite, Spell
from pipeline.route import Releases, ResolveRelease, Router, route_steps
from pipeline.runner import Flow
from pipeline.validate import Validate
from retrieval.hybrid import HybridRetriever


@dataclass(frozen=True)
class Parts:
    """What the steps need, built once by the composition root (lore/compose.py)."""

    limits: RequestSettings
    active: ActiveVersion
    retriever: HybridRetriever
    builder: ContextBuilder
    generator: Generator
    recorder: Recorder
    limiter: Limiter
    cache: Caching | None = None  # None: no answer cache
    guard: Guarding | None = None  # None: no guards (pipeline/guard.py)
    evidence: Evidence | None = None  # None: the generator alone decides to abstain
    releases: Releases | None = None  # None: the generator's own system prompt, one chain
    router: Router | None = None  # None: no fixed replies, one chain answers every question
    spell: Spell | None = None  # None: the question searched as typed


@dataclass(frozen=True)
class Caching:
    read: CacheRead
    write: CacheWrite


@dataclass(frozen=True)
class Flows:
    search: Flow
    ask: Flow
    evaluate: Flow


def flows(p: Parts) -> Flows:
    validate = Validate(p.limits)  # blank question, lengths, limits
    admit = Admit(p.limiter)  # the caller's key within its requests per minute and daily spend
    resolve = ResolveVersion(p.active)  # a pinned version, else the serving one (sticky canary)
    rewrite = Rewrite()  # a follow-up made standalone from the history
    retrieve = Retrieve(p.retriever)  # dense + BM25, fused, trust/freshness reranked, deduped
    spell = (p.spell,) if p.spell else ()  # misspelt words corrected, searched again
    assemble = Assemble(p.builder, p.generator.system_prompt)  # within the reader's budget
    # Guards (pipeline/guard.py): the question after admit (a refused probe still counts
    # against the key's limits), flagged chunks filtered before the cache scopes by filters.
    g = guard_steps(p.guard, p.generator)
    # The prompt and model versions (sticky canaries), before anything reads the prompt.
    release = (ResolveRelease(p.releases),) if p.releases else ()
    r = route_steps(p.router)  # pipeline/route.py
    search = Flow("search", (validate, admit, *g.quarantine, resolve, *release, rewrite,
                             retrieve, *spell, assemble))
    cache = p.cache
    ask = Flow("ask", (
        validate, admit,
        *g.check_in,  # injection and PII in the question: refused, answered extractively, logged
        *g.quarantine,  # flagged chunks kept out inside the engine query (policy quarantine)
        resolve, *release,
        *([cache.read] if cache else []),  # a repeated question: the answer kept for it
        rewrite, retrieve, *spell, assemble,
        *g.fence,  # flagged passages wrapped as quoted data (policy fence)
        *r.reply,  # a greeting, thanks or out-of-scope request: a fixed reply, no model
        # Abstain, saying why, when nothing answers: before every answerer, the guard's
        # quoting fallback included, so a flagged question is refused as honestly.
        *([p.evidence] if p.evidence else []),
        *g.fallback,  # a flagged question answered by quoting passages, no model
        *g.stream,  # a streamed draft goes out a checked, masked sentence at a time
        *r.route,  # no model, the cheap or the strong chain, by the question and its evidence
        Generate(p.generator, p.router.pick if p.router else None),  # a draft citing [n]
        Verify(),  # claims checked against what they cite; unsupported ones dropped
        *g.check_out,  # no fenced-only claims, leaks, blocked terms; length; PII masked
        *([cache.write] if cache else []),  # kept for the next time it is asked
        Meter(p.limiter),  # the answer's model tokens and cost charged to the caller's key
        Record(p.recorder),  # serving statistics of the version
    ))
    # Evaluation asks on nobody's behalf: no per-key limits, no cached answers, no serving
    # statistics; every question is answered afresh.
    unserved = ("admit", "cache_read", "cache_write", "meter", "record")
    return Flows(search, ask, Flow("evaluate", ask.without(*unserved).steps))
