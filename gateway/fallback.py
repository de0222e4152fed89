"""Fallback: the links of the chain tried in order until one answers; the extractive answerer
last, so an answer comes even when every provider is down.

One deadline for the whole chain (the request's, else `deadline_seconds` from the start). In a
stream, a link that fails before its first token is replaced invisibly. One that fails after
its text was sent is reported with a Failover event, and the next link that can continue
(a model, not the extractive answerer) completes the answer from the text so far; with none
left the draft ends as sent, marked "truncated", for the verify step to keep its complete,
supported claims.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from answer.base import Delta, Draft, Event, Failover, GenerationInput
from core.models import Attempt
from gateway.errors import Failure, exhausted
from gateway.link import Link, after, totals

log = logging.getLogger("lore.gateway")
TRUNCATED = "truncated"


class Fallback:
    def __init__(self, links: Sequence[Link], deadline_seconds: float) -> None:
        if not links:
            raise ValueError("a fallback chain needs at least one link")
        self.links = tuple(links)
        self.deadline_seconds = deadline_seconds
        # The prompt is assembled once, for the first link: its instructions and its tokens.
        self.system_prompt, self.tokenizer = links[0].system_prompt, links[0].tokenizer

    def __repr__(self) -> str:
        return f"Fallback({', '.join(link.name for link in self.links)})"

    def generate(self, request: GenerationInput) -> Draft:
        request = self._timed(request)
        earlier: tuple[Attempt, ...] = ()
        for link in self.links:
            try:
                return after(link.generate(request), earlier)
            except Failure as failure:
                earlier += failure.attempts
                log.warning("provider %s failed (%s); trying the next", link.name, failure.kind)
        raise exhausted(earlier)

    def stream(self, request: GenerationInput) -> Iterator[Event]:
        request = self._timed(request)
        earlier: tuple[Attempt, ...] = ()
        sent, writer = "", None  # the text the client has, and who wrote its last part
        for link in self.links:
            if sent and not link.continues:
                continue
            mine = False
            try:
                for event in link.stream(replace(request, continue_from=sent)):
                    if isinstance(event, Draft):
                        yield after(event, earlier)
                        return
                    if isinstance(event, Delta):
                        sent, writer, mine = sent + event.text, event, True
                    yield event
            except Failure as failure:
                earlier += failure.attempts
                log.warning("provider %s failed (%s)%s", link.name, failure.kind,
                            " mid-stream" if mine else "; trying the next")
                if mine:
                    yield Failover(link.name, str(failure.kind), failure.detail)
        if writer is None:
            raise exhausted(earlier)
        yield truncated(sent, writer, earlier)

    def _timed(self, request: GenerationInput) -> GenerationInput:
        if request.deadline is not None:
            return request
        return replace(request, deadline=time.monotonic() + self.deadline_seconds)


def truncated(sent: str, writer: Delta, attempts: tuple[Attempt, ...]) -> Draft:
    usage = totals(attempts, writer.model, writer.provider)
    return Draft(sent, abstained=False, usage=usage, finish_reason=TRUNCATED)
