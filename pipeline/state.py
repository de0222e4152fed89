"""The state a request carries through the steps: each step reads it and returns a copy with
its own part filled in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import numpy as np

from answer.base import Draft, Event
from answer.evidence import Verdict
from answer.prompt import Prompts
from context.builder import Prompt
from core.models import Answer, Filters, Turn
from guard.check import InputCheck
from guard.output import OutputCheck
from retrieval.hybrid import RetrievalResult


@dataclass(frozen=True)
class Opened:
    """The first event of a streamed answer, sent as generation starts."""

    version: str  # the index version answering


Sink = Callable[[Opened | Event], None]


@dataclass(frozen=True)
class Release:
    """The prompt and model versions a request is answered with (lore/releases.py)."""

    prompts: Prompts
    models: str = ""  # the model version's id; "" without a gateway to choose models from
    # Route target -> the providers answering it, in fallback order; () or absent: the whole
    # chain of the providers file.
    chains: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """The router's decision (pipeline/route.py): who answers, and the rule that said so."""

    target: str  # RouteTarget: extractive (no model), cheap, strong, reply (a fixed reply)
    rule: str  # the rule that decided, a metrics label: history, multipart, lookup, ...
    reason: str  # the rule and what it saw: "lookup (number): evidence 0.81 >= 0.75"
    models: tuple[str, ...] = ()  # the chain answering, by provider name; (): the whole chain


@dataclass(frozen=True)
class Query:
    """What was asked, as the caller sent it."""

    question: str
    history: tuple[Turn, ...] = ()
    filters: Filters | None = None
    budget: int | None = None  # the whole prompt, in the reader's tokens; None: configured
    top_k: int | None = None
    sticky: str | None = None  # keeps a caller on one side of a canary (conversation, key)
    version: str | None = None  # pinned by the caller (evaluation); None: what serves
    # Pinned by evaluation (lore/releases.py Pin); None: the serving (or canary) version.
    prompt_version: str | None = None
    model_version: str | None = None
    principal: str | None = None  # who asks, for per-key limits (a key's hash, never the key)
    role: str | None = None  # the API key's role (reader, admin): who may see PII unmasked
    fresh: bool = False  # a regeneration: never answered from the cache (it is written anew)
    # time.monotonic() by which the answer must be in, for every model attempt together;
    # None: the gateway's LORE_DEADLINE_SECONDS from when generation starts.
    deadline: float | None = field(default=None, compare=False)
    # Set: the answer is streamed to it as it is written (Opened, then the generator's events).
    sink: Sink | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class State:
    query: Query
    version: str = ""  # the index version answering
    standalone: str = ""  # the question with what a follow-up leaves out filled in
    retrieval: RetrievalResult | None = None
    prompt: Prompt | None = None  # the passages and the history turns that fit the budget
    draft: Draft | None = None  # the generator's answer, before verification
    answer: Answer | None = None  # verified: every kept claim supported by what it cites
    done: bool = False  # answered early (a cache hit, a fixed reply): later steps may skip
    cache: Literal["exact", "semantic"] | None = None  # the answer came from the cache
    # The question's embedding, when a step already computed it (the semantic cache):
    # retrieval reuses it for a question that needs no rewrite.
    question_vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    guard_in: InputCheck | None = None  # the input guard's verdict (pipeline/guard.py)
    guard_out: OutputCheck | None = None  # the output guard's findings on the answer
    evidence: Verdict | None = None  # answer or abstain, and why (pipeline/evidence.py)
    release: Release | None = None  # the prompt and model versions answering
    route: Route | None = None  # the router's decision, when it made one


class StepOrderError(RuntimeError):
    """A step ran before the one that fills what it reads: a bug in a flow, not user input."""


T = TypeVar("T")


def need(value: T | None, what: str) -> T:
    if value is None:
        raise StepOrderError(f"{what} is not set yet: its step must run earlier in the flow")
    return value
