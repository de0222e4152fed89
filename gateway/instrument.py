"""Instrumentation: one `attempt` span per model call, with the OpenTelemetry GenAI semantic
convention's attributes (gen_ai.*) and lore's status and cost.

Never the key: a span holds the provider's name and host:port, not its URL or headers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from answer.base import Draft, Event, GenerationInput
from core.models import OK
from core.tracing import span
from gateway.errors import Failure
from gateway.link import Link, Wrapped, last_draft

SPAN = "attempt"  # Trace.timings_ms adds the attempts of a request up under this name


class Instrumented(Wrapped):
    def __init__(self, inner: Link, system: str, address: str) -> None:
        super().__init__(inner)
        self.attributes: dict[str, Any] = {
            "gen_ai.operation.name": "chat", "gen_ai.system": system,
            "gen_ai.request.model": inner.model_id, "server.address": address,
            "lore.provider": inner.name,
        }

    def __repr__(self) -> str:
        return f"Instrumented({self.inner!r})"

    def generate(self, request: GenerationInput) -> Draft:
        return last_draft(self.stream(request))

    def stream(self, request: GenerationInput) -> Iterator[Event]:
        with span(SPAN, **self.attributes) as s:
            try:
                for event in self.inner.stream(request):
                    if isinstance(event, Draft):
                        s.set(**finished(event))
                    yield event
            except Failure as failure:
                s.set(**{"lore.status": str(failure.kind), "error.type": str(failure.kind)})
                raise


def finished(draft: Draft) -> dict[str, Any]:
    usage = draft.usage
    attempt = usage.attempts[-1] if usage and usage.attempts else None
    out: dict[str, Any] = {"lore.status": OK,
                           "gen_ai.response.finish_reasons": [draft.finish_reason]}
    if attempt is not None:
        out |= {"gen_ai.response.model": attempt.model,
                "gen_ai.usage.input_tokens": attempt.input_tokens,
                "gen_ai.usage.output_tokens": attempt.output_tokens, "lore.cost": attempt.cost}
    return out
