"""A circuit breaker per provider: after `failures` consecutive failures it opens and the
provider is skipped (attempt status "circuit_open") for `reset_seconds`; then one request
probes it (half-open): success closes the breaker, failure opens it again.

Failures that say nothing about the provider's health (a bad request, a passed deadline) are
not counted. Its state is shared by every request of the process: `/readyz` and `lore
providers` show it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from answer.base import Draft, Event, GenerationInput
from core.models import Attempt
from gateway.errors import NOT_COUNTED, Failure, Kind
from gateway.link import Link, Wrapped, last_draft


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class BreakerStatus:
    state: State
    failures: int  # consecutive
    last_error: str | None
    retry_in: float | None  # seconds until a probe may go, while open


class Breaker(Wrapped):
    def __init__(self, inner: Link, failures: int, reset_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(inner)
        self.threshold = failures
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._state, self._failures, self._opened = State.CLOSED, 0, 0.0
        self._probing = False
        self._last_error: str | None = None

    def __repr__(self) -> str:
        return f"Breaker({self.inner!r}, {self._state})"

    def status(self) -> BreakerStatus:
        with self._lock:
            wait = self._opened + self.reset_seconds - self._clock()
            return BreakerStatus(self._state, self._failures, self._last_error,
                                 round(max(0.0, wait), 3) if self._state is State.OPEN else None)

    def generate(self, request: GenerationInput) -> Draft:
        return last_draft(self.stream(request))

    def stream(self, request: GenerationInput) -> Iterator[Event]:
        if not self._admit():
            raise Failure(Kind.CIRCUIT_OPEN, f"{self.name}: skipped, its breaker is open",
                          attempts=(Attempt(self.name, self.model_id, Kind.CIRCUIT_OPEN, 0.0),))
        settled = False
        try:
            for event in self.inner.stream(request):
                if isinstance(event, Draft):
                    settled = self._settle(None)
                yield event
        except Failure as failure:
            settled = self._settle(failure)
            raise
        finally:
            if not settled:  # abandoned by the caller: no verdict, free the probe
                with self._lock:
                    self._probing = False

    def _admit(self) -> bool:
        with self._lock:
            if self._state is State.OPEN and self._clock() >= self._opened + self.reset_seconds:
                self._state = State.HALF_OPEN
            if self._state is State.CLOSED:
                return True
            if self._state is State.HALF_OPEN and not self._probing:
                self._probing = True
                return True
            return False

    def _settle(self, failure: Failure | None) -> bool:
        with self._lock:
            self._probing = False
            if failure is None:
                self._state, self._failures = State.CLOSED, 0
            elif failure.kind not in NOT_COUNTED:
                self._failures += 1
                self._last_error = f"{failure.kind}: {failure.detail}"
                if self._state is State.HALF_OPEN or self._failures >= self.threshold:
                    self._state, self._opened = State.OPEN, self._clock()
        return True
