"""A request's trace begins at the edge: its id is the request id every response carries, and
an incoming W3C `traceparent` makes it part of the caller's trace."""

from __future__ import annotations

from fastapi import Request

from core.tracing import Trace, from_traceparent


def begin(request: Request, flow: str, **attributes: object) -> Trace:
    incoming = from_traceparent(request.headers.get("traceparent"))
    trace_id, parent = incoming if incoming else (None, None)
    return Trace(flow, trace_id=trace_id, parent=parent,
                 **{k: v for k, v in attributes.items() if v is not None})
