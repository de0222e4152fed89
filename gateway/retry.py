"""Retry: the same provider again, after a jittered backoff, when the fault is likely to pass.

Only 429 (waiting what Retry-After asks), 5xx, connection errors, broken streams and timeouts
are retried (gateway/errors.py RETRYABLE), never past the request's deadline, and in a stream
only before any of the provider's text was sent: after that the fallback chain takes over.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

from answer.base import Draft, Event, GenerationInput
from core.models import Attempt
from gateway.errors import Failure
from gateway.link import Link, Wrapped, after

# A Retry-After longer than this is a provider saying "not now": the next one is tried.
MAX_RETRY_AFTER = 10.0


class Retrying(Wrapped):
    def __init__(self, inner: Link, retries: int, backoff_seconds: float,
                 rng: random.Random | None = None) -> None:
        super().__init__(inner)
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self._rng = rng or random.Random()

    def __repr__(self) -> str:
        return f"Retrying({self.inner!r}, retries={self.retries})"

    def generate(self, request: GenerationInput) -> Draft:
        earlier: tuple[Attempt, ...] = ()
        for n in range(self.retries + 1):
            try:
                return after(self.inner.generate(request), earlier)
            except Failure as failure:
                earlier = self._pause(failure.after(earlier), n, request.deadline)
        raise AssertionError("unreachable: the last try raises")

    def stream(self, request: GenerationInput) -> Iterator[Event]:
        earlier: tuple[Attempt, ...] = ()
        for n in range(self.retries + 1):
            sent = False
            try:
                for event in self.inner.stream(request):
                    if isinstance(event, Draft):
                        yield after(event, earlier)
                        return
                    sent = True
                    yield event
            except Failure as failure:
                failed = failure.after(earlier)
                if sent:
                    raise failed from None
                earlier = self._pause(failed, n, request.deadline)

    def _pause(self, failed: Failure, n: int, deadline: float | None) -> tuple[Attempt, ...]:
        """Waits before try n + 1 and returns the attempts so far; raises `failed` when there
        is to be no such try."""
        if not failed.retryable or n >= self.retries:
            raise failed
        wait = (failed.retry_after if failed.retry_after is not None
                else self._rng.uniform(0, self.backoff_seconds * 2 ** n))
        left = float("inf") if deadline is None else deadline - time.monotonic()
        if wait > min(MAX_RETRY_AFTER, left):
            raise failed
        time.sleep(wait)
        return failed.attempts
