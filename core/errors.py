"""lore's error hierarchy; api/errors.py maps it to HTTP, cli/main.py to exit codes.

User errors (the caller can fix them) stand apart from upstream errors (a model provider
failed: nothing the caller sent was wrong, and trying again later may work).
"""


class LoreError(Exception):
    """Base class: the message is meant for the user and says what to do."""


class BadInput(LoreError):
    """The caller sent something unusable (HTTP 400/422, exit 2)."""


class Refused(BadInput):
    """A guard refused the request's content (HTTP 400 with the verdict as `guard`, exit 2)."""

    def __init__(self, message: str, verdict: dict[str, object]) -> None:
        super().__init__(message)
        self.verdict = verdict  # JSON-ready: what fired, with its score


class NotFound(LoreError):
    """A named thing (version, path) does not exist (HTTP 404, exit 3)."""


class NotReady(LoreError):
    """No active version to answer from yet (HTTP 503, exit 4)."""


class VersionBroken(NotReady):
    """An index version's data cannot be read (corrupt or missing files): it is taken out of
    service and what served before takes over (HTTP 503 for the request that found it)."""

    def __init__(self, version: str, reason: str) -> None:
        super().__init__(f"index version {version} cannot be read ({reason})")
        self.version = version
        self.reason = reason


class Conflict(LoreError):
    """The operation clashes with current state: lock held, wrong status (HTTP 409, exit 5)."""


class TooManyRequests(LoreError):
    """A limit of the caller's API key is reached (HTTP 429 with Retry-After)."""

    def __init__(self, limit: str, detail: str, retry_after: float) -> None:
        super().__init__(f"{limit} reached: {detail}; retry in {retry_after:.0f} s")
        self.limit = limit
        self.retry_after = retry_after


class Forbidden(LoreError):
    """Missing or insufficient API key (HTTP 401/403)."""


class ParseError(LoreError):
    """One document could not be parsed; the batch goes on and reports it."""


class IndexBuildError(LoreError):
    """Nothing could be indexed (exit 1)."""


class Unauthenticated(Forbidden):
    """No API key, or an unknown one (HTTP 401)."""


class Upstream(LoreError):
    """A model provider failed or answered nonsense (HTTP 502, exit 7)."""


class UpstreamTimeout(Upstream):
    """No provider answered within the request's deadline (HTTP 504, exit 7)."""
