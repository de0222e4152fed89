"""Traces and spans: the one record of what a request did and how long each part took.

The pipeline runner opens a Trace per request and a span per step; code below it opens child
spans with `span(name)` without being handed anything, because the trace in progress travels
in a context variable. With no trace in progress `span` is a no-op (the null default), so
library code called on its own pays nothing. A finished trace goes to a TraceSink (the local
trace store, an OTLP exporter); the default sink drops it.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Span:
    name: str
    start_ns: int  # perf_counter_ns: durations; Trace.epoch_ns turns it into wall time
    parent: int | None = None  # index of the parent span in Trace.spans
    end_ns: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

    def set(self, **attributes: Any) -> None:
        self.attributes.update(attributes)

    @property
    def duration_ms(self) -> float:
        end = self.end_ns if self.end_ns is not None else time.perf_counter_ns()
        return (end - self.start_ns) / 1e6


class _NullSpan(Span):
    def set(self, **attributes: Any) -> None:
        """Nothing records it."""


NULL_SPAN = _NullSpan("null", 0)


class Trace:
    def __init__(self, name: str, trace_id: str | None = None, parent: str | None = None,
                 **attributes: Any) -> None:
        """`trace_id`: 32 hex digits, the request id (new if None); `parent`: the caller's
        span id, from an incoming W3C traceparent."""
        self.name = name
        self.id = trace_id or uuid.uuid4().hex
        self.parent = parent
        self.attributes = dict(attributes)
        self.spans: list[Span] = []
        self._open: list[int] = []
        self._perf0 = time.perf_counter_ns()
        self._wall0 = time.time_ns()

    def epoch_ns(self, perf_ns: int) -> int:
        """Wall-clock time of a span boundary (monotonic within the trace)."""
        return self._wall0 + perf_ns - self._perf0

    @contextmanager
    def span(self, name: str, **attributes: Any) -> Iterator[Span]:
        parent = self._open[-1] if self._open else None
        s = Span(name, time.perf_counter_ns(), parent, attributes=dict(attributes))
        self.spans.append(s)
        self._open.append(len(self.spans) - 1)
        try:
            yield s
        except BaseException as exc:
            s.set(error=f"{type(exc).__name__}: {exc}")
            raise
        finally:
            s.end_ns = time.perf_counter_ns()
            self._open.pop()

    def elapsed_ms(self) -> float:
        return (time.perf_counter_ns() - self._perf0) / 1e6

    def annotate(self, **attributes: Any) -> None:
        """Attributes on the innermost open span."""
        if self._open:
            self.spans[self._open[-1]].set(**attributes)

    def timings_ms(self) -> dict[str, float]:
        """Milliseconds per span name (spans of one name, e.g. attempts, add up); the root span
        is `total`."""
        out: dict[str, float] = {}
        for s in self.spans:
            key = "total" if s.parent is None else s.name
            out[key] = out.get(key, 0.0) + s.duration_ms
        return {k: round(v, 3) for k, v in out.items()}


# W3C Trace Context: version-traceid-parentid-flags, lowercase hex; all-zero ids are invalid.
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def from_traceparent(header: str | None) -> tuple[str, str] | None:
    """(trace id, parent span id) of a valid `traceparent` header, else None."""
    m = _TRACEPARENT.match((header or "").strip().lower())
    if m is None or set(m.group(1)) == {"0"} or set(m.group(2)) == {"0"}:
        return None
    return m.group(1), m.group(2)


class TraceSink(Protocol):
    def export(self, trace: Trace) -> None:
        """Keep or send a finished trace; must not raise into the request."""
        ...


class NullSink:
    def export(self, trace: Trace) -> None:
        """Drops it."""


_current: ContextVar[Trace | None] = ContextVar("lore_trace", default=None)


def current() -> Trace | None:
    return _current.get()


@contextmanager
def tracing(trace: Trace) -> Iterator[Trace]:
    """Make `trace` the one `span` records into, for this context."""
    token = _current.set(trace)
    try:
        yield trace
    finally:
        _current.reset(token)


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[Span]:
    """A child of the innermost open span of the trace in progress; a no-op without one."""
    trace = _current.get()
    if trace is None:
        yield NULL_SPAN
        return
    with trace.span(name, **attributes) as s:
        yield s


def annotate(**attributes: Any) -> None:
    """Attributes on the innermost open span of the trace in progress; a no-op without one."""
    trace = _current.get()
    if trace is not None:
        trace.annotate(**attributes)
