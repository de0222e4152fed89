"""What every link of a fallback chain is, and how the attempts made for an answer add up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Protocol

from answer.base import Draft, Event, GenerationInput
from core.models import Attempt, Usage
from core.tokenizer import Tokenizer


class Link(Protocol):
    """A Generator that streams; a model's or the extractive answerer's, wrapped or not."""

    name: str  # the provider's name (core.models.EXTRACTIVE for the extractive answerer)
    model_id: str
    system_prompt: str
    tokenizer: Tokenizer

    @property
    def continues(self) -> bool:
        """Can complete an answer another link began streaming."""
        ...

    def generate(self, request: GenerationInput) -> Draft: ...

    def stream(self, request: GenerationInput) -> Iterator[Event]: ...


class Wrapped:
    """A link around another (retry, breaker, instrumentation): it answers for the same
    provider and model, with the same prompt and tokenizer."""

    def __init__(self, inner: Link) -> None:
        self.inner = inner
        self.name, self.model_id = inner.name, inner.model_id
        self.system_prompt, self.tokenizer = inner.system_prompt, inner.tokenizer

    @property
    def continues(self) -> bool:
        return self.inner.continues


def totals(attempts: tuple[Attempt, ...], model: str = "", provider: str = "") -> Usage:
    """Usage summed over `attempts`, credited to the last one's model unless named."""
    last = attempts[-1]
    return Usage(model or last.model, provider or last.provider,
                 sum(a.input_tokens for a in attempts), sum(a.output_tokens for a in attempts),
                 round(sum(a.cost for a in attempts), 8), attempts)


def after(draft: Draft, earlier: tuple[Attempt, ...]) -> Draft:
    """`draft` with `earlier` attempts (failed ones, before it) added to its usage."""
    if not earlier:
        return draft
    usage = draft.usage or Usage()
    return replace(draft, usage=totals(earlier + usage.attempts, usage.model, usage.provider))


def last_draft(events: Iterable[Event]) -> Draft:
    """The Draft that ends a stream, its events consumed."""
    draft = None
    for event in events:
        if isinstance(event, Draft):
            draft = event
    if draft is None:
        raise RuntimeError("a generator stream ended without its draft")  # a bug, not input
    return draft
