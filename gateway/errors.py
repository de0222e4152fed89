"""What can go wrong with a provider call, named so that retry, the breaker and the fallback
chain can decide without parsing messages."""

from __future__ import annotations

from enum import StrEnum

from core.errors import Upstream, UpstreamTimeout
from core.models import Attempt


class Kind(StrEnum):
    TIMEOUT = "timeout"  # no answer within the provider's timeout or the request's deadline
    RATE_LIMITED = "rate_limited"  # 429
    SERVER_ERROR = "server_error"  # 5xx
    CONNECTION = "connection"  # refused, reset or closed before the answer began
    BROKEN_STREAM = "broken_stream"  # the stream stopped before its end
    UNAUTHORIZED = "unauthorized"  # 401/403: a wrong or missing key
    BAD_REQUEST = "bad_request"  # 4xx: e.g. the prompt overflows the model's context
    BAD_RESPONSE = "bad_response"  # an answer that is not the OpenAI chat-completions shape
    CIRCUIT_OPEN = "circuit_open"  # skipped: the provider failed too often just now
    DEADLINE = "deadline"  # skipped: the request's deadline had passed


# Worth another try of the same provider: the fault is likely to pass.
RETRYABLE = frozenset({Kind.TIMEOUT, Kind.RATE_LIMITED, Kind.SERVER_ERROR, Kind.CONNECTION,
                       Kind.BROKEN_STREAM})
# Say nothing about the provider's health: the request's fault, or the call was never made.
NOT_COUNTED = frozenset({Kind.BAD_REQUEST, Kind.CIRCUIT_OPEN, Kind.DEADLINE})


class Failure(Upstream):
    """A provider call that did not answer, with every attempt made before giving up."""

    def __init__(self, kind: Kind, detail: str, *, retry_after: float | None = None,
                 attempts: tuple[Attempt, ...] = ()) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after  # seconds, from a 429's Retry-After
        self.attempts = attempts

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    def after(self, earlier: tuple[Attempt, ...]) -> Failure:
        """The same failure with `earlier` attempts before its own."""
        return Failure(self.kind, self.detail, retry_after=self.retry_after,
                       attempts=earlier + self.attempts)


def exhausted(attempts: tuple[Attempt, ...]) -> Upstream:
    """No model answered: 504 when time ran out, else 502; the message lists the attempts."""
    tried = "; ".join(f"{a.provider}: {a.status}" for a in attempts) or "no provider configured"
    timed_out = any(a.status in (Kind.TIMEOUT, Kind.DEADLINE) for a in attempts)
    cls = UpstreamTimeout if timed_out else Upstream
    return cls(f"no model answered ({tried}); try again later")
