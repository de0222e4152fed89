"""core/tracing.py: spans nest under the trace in progress, and cost nothing without one."""

from __future__ import annotations

import pytest

from core.tracing import NULL_SPAN, Trace, annotate, current, span, tracing


def test_spans_nest_and_time_themselves() -> None:
    trace = Trace("ask", request="r1")
    with tracing(trace), trace.span("ask"):
        with span("retrieve") as outer:
            with span("embed") as inner:
                inner.set(tokens=3)
            annotate(hits=8)
        with span("attempt"), span("attempt"):
            pass
    names = [(s.name, s.parent) for s in trace.spans]
    assert names == [("ask", None), ("retrieve", 0), ("embed", 1), ("attempt", 0),
                     ("attempt", 3)]
    assert outer.attributes == {"hits": 8} and inner.attributes == {"tokens": 3}
    timings = trace.timings_ms()
    assert set(timings) == {"total", "retrieve", "embed", "attempt"}
    assert timings["total"] >= timings["retrieve"] >= timings["embed"] >= 0
    assert trace.epoch_ns(trace.spans[1].start_ns) >= trace.epoch_ns(trace.spans[0].start_ns)
    assert current() is None  # the context is restored


def test_without_a_trace_spans_are_free_no_ops() -> None:
    with span("anything") as s:
        s.set(ignored=True)
        annotate(ignored=True)
    assert s is NULL_SPAN and NULL_SPAN.attributes == {}


def test_a_failing_span_records_the_error_and_still_ends() -> None:
    trace = Trace("t")
    with tracing(trace), pytest.raises(ValueError), span("boom"):
        raise ValueError("bad")
    (s,) = trace.spans
    assert s.end_ns is not None and s.attributes["error"] == "ValueError: bad"
