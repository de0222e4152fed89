"""The flows, step by step: read this file to see what a request goes through, and where a
new step (a guard, a cache, a router) belongs.

    search:   validate -> resolve_version -> rewrite -> retrieve -> assemble
    ask:      search -> generate -> verify -> record
    evaluate: ask without record (evaluation traffic is not serving traffic)
"""

from __future__ import annotations

from dataclasses import dataclass

from answer.base import Generator
from context.builder import ContextBuilder
from index.active import ActiveVersion
from pipeline.answer import Generate, Verify
from pipeline.assemble import Assemble
from pipeline.config import RequestSettings
from pipeline.record import Record, Recorder
from pipeline.retrieve import ResolveVersion, Retrieve, Rewrite
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


@dataclass(frozen=True)
class Flows:
    search: Flow
    ask: Flow
    evaluate: Flow


def flows(p: Parts) -> Flows:
    search = Flow("search", (
        Validate(p.limits),  # blank question, lengths, limits
        ResolveVersion(p.active),  # a pinned version, else the serving one (sticky canary)
        Rewrite(),  # a follow-up made standalone from the history
        Retrieve(p.retriever),  # dense + BM25, fused, trust/freshness reranked, deduplicated
        Assemble(p.builder, p.generator.system_prompt),  # passages within the reader's budget
    ))
    ask = Flow("ask", (
        *search.steps,
        Generate(p.generator),  # a draft citing passages as [n]
        Verify(),  # claims checked against what they cite; unsupported ones dropped
        Record(p.recorder),  # serving statistics of the version
    ))
    return Flows(search, ask, Flow("evaluate", ask.without("record").steps))
