"""The generator seam: what answers a question from the assembled passages.

A generator writes a draft whose sentences cite the prompt's passages as [n] (the n-th
passage, 1-based); the pipeline's verify step (answer/grounding.py) then checks every claim
against the passage it cites and numbers the citations, whichever generator wrote it.

A generator that can stream (`Streams`) yields its draft as Delta events, Failover notices
where a provider broke mid-answer, and the whole Draft last; `stream()` gives every generator
that shape, a non-streaming one yielding its text once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.models import Context, Turn, Usage
from core.tokenizer import Tokenizer


@dataclass(frozen=True)
class GenerationInput:
    question: str  # the user's own words
    history: tuple[Turn, ...]  # the turns that fit the budget, oldest first
    context: Context  # passages in prompt order: [n] cites context.passages[n - 1]
    # Retrieval's self-contained form of a follow-up: for a generator that cannot read the
    # history (the extractive one), never sent to a model in place of the question.
    standalone: str
    # time.monotonic() by which the answer must be in: one deadline for every attempt of a
    # request (gateway/); None: the generator's own default.
    deadline: float | None = None
    # The answer's text so far, written by a generator that failed mid-stream: continue it.
    continue_from: str = ""
    # The serving prompt version's system prompt (pipeline/route.py); "": the generator's own.
    system_prompt: str = ""


@dataclass(frozen=True)
class Draft:
    text: str  # sentences, each followed by the [n] markers of the passages it comes from
    abstained: bool
    evidence: float = 0.0  # the generator's own confidence in 0..1, when it has one
    usage: Usage | None = None  # None: no model was called (the extractive answerer alone)
    # "stop"; "length": the model ran out of answer tokens; "truncated": a stream broke after
    # text was sent and no model could complete it.
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Delta:
    """Text of the draft as it arrives: unverified until the verify step has run."""

    text: str
    provider: str = ""
    model: str = ""


@dataclass(frozen=True)
class Failover:
    """A provider failed after its text was sent: what follows continues that text."""

    provider: str
    status: str  # the kind of failure (core.models.Attempt.status)
    detail: str


Event = Delta | Failover | Draft  # a stream ends with exactly one Draft: the whole text


class Generator(Protocol):
    # The instructions the generator reads before the passages; their tokens are taken from
    # the budget whether or not a model reads them.
    system_prompt: str
    # What reads the prompt: the context budget is counted in its tokens.
    tokenizer: Tokenizer

    def generate(self, request: GenerationInput) -> Draft:
        """Answer from `request.context` only, citing it; abstain when it does not answer."""
        ...


@runtime_checkable
class Streams(Protocol):
    def stream(self, request: GenerationInput) -> Iterator[Event]:
        """The draft as it is written: deltas (and failovers), then the whole Draft."""
        ...


def stream(generator: Generator, request: GenerationInput) -> Iterator[Event]:
    """`generator`'s stream; one that cannot stream yields its whole text once."""
    if isinstance(generator, Streams):
        yield from generator.stream(request)
        return
    draft = generator.generate(request)
    yield Delta(draft.text)
    yield draft
