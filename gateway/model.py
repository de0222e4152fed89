"""A Generator over one model at one provider: the prompt as chat messages, one call, the
draft with what the call used and cost.

Each call is one Attempt (core.models): tokens from the provider's `usage`, counted with the
model's tokenizer when it sends none, and the cost from the model's prices. A call that fails
raises a Failure carrying its attempt, so the wrappers above can record it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import closing
from typing import Any

from answer.base import Delta, Draft, Event, GenerationInput
from answer.grounding import NOT_FOUND
from core.models import OK, Attempt, Usage
from core.tokenizer import Tokenizer
from gateway.config import ModelSpec
from gateway.errors import Failure
from gateway.link import last_draft, totals
from gateway.messages import Message, messages
from gateway.openai import Completion, OpenAIProvider

# The answer's tokens when neither the model nor the budget sets them: a cited answer of a
# few sentences (the budget's reserve is 15 % of 1024).
DEFAULT_MAX_TOKENS = 256
PER_MILLION = 1_000_000


class ModelGenerator:
    """`deadline_seconds` applies when a request brings no deadline of its own."""

    continues = True  # can complete an answer another model began (GenerationInput.continue_from)

    def __init__(self, provider: OpenAIProvider, model: ModelSpec, tokenizer: Tokenizer,
                 system_prompt: str, deadline_seconds: float) -> None:
        self.provider = provider
        self.model = model
        self.tokenizer = tokenizer
        self.system_prompt = system_prompt
        self.deadline_seconds = deadline_seconds
        self.name = provider.name
        self.model_id = model.id

    def __repr__(self) -> str:
        return f"ModelGenerator({self.model.id!r} at {self.provider!r})"

    def generate(self, request: GenerationInput) -> Draft:
        return last_draft(self.stream(request))

    def stream(self, request: GenerationInput) -> Iterator[Event]:
        """Asked with "stream": true when the model streams; else its text comes once."""
        if not request.context.passages:  # nothing to answer from: no call, no cost
            yield Draft(NOT_FOUND, abstained=True, usage=Usage(self.model.id, self.name))
            return
        chat = messages(request.system_prompt or self.system_prompt, request)
        deadline = request.deadline or time.monotonic() + self.deadline_seconds
        start, text, done = time.perf_counter(), "", None
        try:
            with closing(self.provider.chat(self._body(chat, request), deadline)) as chunks:
                for chunk in chunks:
                    if isinstance(chunk, Completion):
                        done = chunk
                    else:
                        text += chunk
                        yield Delta(chunk, self.name, self.model.id)
        except Failure as failure:
            raise failure.after((self._attempt(failure.kind, start, chat, text),)) from None
        assert done is not None  # the provider ends every answer with a Completion or raises
        yield Draft(request.continue_from + text, abstained=False,
                    usage=totals((self._attempt(OK, start, chat, text, done),)),
                    finish_reason=done.finish_reason)

    def _body(self, chat: list[Message], request: GenerationInput) -> dict:
        m = self.model
        body: dict[str, Any] = {
            "model": m.id, "messages": chat, "stream": m.stream,
            "max_tokens": m.max_tokens or request.context.budget.reserve or DEFAULT_MAX_TOKENS,
        }
        if m.stream:
            body["stream_options"] = {"include_usage": True}
        if m.temperature is not None:
            body["temperature"] = m.temperature
        return body

    def _attempt(self, status: str, start: float, chat: list[Message], text: str,
                 done: Completion | None = None) -> Attempt:
        """Tokens as the provider reported them; counted when it did not but answered (a
        broken stream's text was paid for); none for a call that failed before answering."""
        answered = done is not None or bool(text)
        tokens_in = done.input_tokens if done is not None else None
        if tokens_in is None:
            tokens_in = sum(self.tokenizer.count(m["content"]) for m in chat) if answered else 0
        tokens_out = done.output_tokens if done is not None else None
        if tokens_out is None:
            tokens_out = self.tokenizer.count(text)
        m = self.model
        cost = (tokens_in * m.price_input + tokens_out * m.price_output) / PER_MILLION
        return Attempt(self.name, m.id, status, round((time.perf_counter() - start) * 1000, 3),
                       tokens_in, tokens_out, round(cost, 8))
