"""The state a request carries through the steps: each step reads it and returns a copy with
its own part filled in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from answer.base import Draft
from context.builder import Prompt
from core.models import Answer, Filters, Turn
from retrieval.hybrid import RetrievalResult


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


class StepOrderError(RuntimeError):
    """A step ran before the one that fills what it reads: a bug in a flow, not user input."""


T = TypeVar("T")


def need(value: T | None, what: str) -> T:
    if value is None:
        raise StepOrderError(f"{what} is not set yet: its step must run earlier in the flow")
    return value
