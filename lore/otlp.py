"""Finished traces as OpenTelemetry spans, exported over OTLP when an endpoint is configured
(the standard OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT variables).

A request's spans are recorded by lore's own tracer (core/tracing.py) and converted once the
request is done, with their real start and end times: the request path pays nothing for
OpenTelemetry, and the OTel trace id is the request id, so a span found in Jaeger or Tempo
names the trace `lore trace ID` shows.
"""

from __future__ import annotations

import json
import os
import random
import threading
from typing import TYPE_CHECKING, Any

from opentelemetry.sdk.trace.id_generator import IdGenerator

from core.tracing import Trace

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

ENDPOINT_VARS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
_PRIMITIVE = (bool, int, float, str)


def configured() -> bool:
    return any(os.environ.get(v) for v in ENDPOINT_VARS)


def attribute(value: Any) -> Any:
    """An OTel attribute value: primitives and lists of them as they are, the rest as JSON."""
    if isinstance(value, _PRIMITIVE):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return json.dumps(value, default=str)


class OtlpSink:
    """A TraceSink that sends every span to `exporter` (OTLP over HTTP by default)."""

    def __init__(self, exporter: SpanExporter | None = None, batch: bool = True) -> None:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

        if exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()  # reads the OTEL_EXPORTER_OTLP_* variables itself
        processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
        self._ids = _RequestIds()
        self.provider: TracerProvider = TracerProvider(
            resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME",
                                                                     "lore")}),
            id_generator=self._ids)
        self.provider.add_span_processor(processor)
        self._tracer = self.provider.get_tracer("lore")

    def export(self, trace: Trace) -> None:
        from opentelemetry import context as otel_context
        from opentelemetry import trace as otel
        from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

        self._ids.local.trace_id = int(trace.id, 16)  # the root's new trace takes this id
        root_context = otel_context.Context()  # no parent: a new trace
        if trace.parent is not None:  # the caller's span (traceparent) is the root's parent
            remote = SpanContext(int(trace.id, 16), int(trace.parent, 16), is_remote=True,
                                 trace_flags=TraceFlags(TraceFlags.SAMPLED))
            root_context = otel.set_span_in_context(NonRecordingSpan(remote))
        parents: list[Any] = []
        for i, s in enumerate(trace.spans):
            context = (otel.set_span_in_context(parents[s.parent]) if s.parent is not None
                       else root_context)
            attrs = {k: attribute(v) for k, v in s.attributes.items() if v is not None}
            if i == 0:
                attrs |= {f"lore.{k}": attribute(v) for k, v in trace.attributes.items()
                          if k != "replay" and v is not None}
            span = self._tracer.start_span(s.name, context=context,
                                           start_time=trace.epoch_ns(s.start_ns),
                                           attributes=attrs)
            span.end(end_time=trace.epoch_ns(s.end_ns if s.end_ns is not None else s.start_ns))
            parents.append(span)

    def close(self) -> None:
        self.provider.shutdown()


class _RequestIds(IdGenerator):
    """OTel ids: a new trace gets the request's id (set per exporting thread), spans random."""

    def __init__(self) -> None:
        self.local = threading.local()

    def generate_span_id(self) -> int:
        return random.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        return getattr(self.local, "trace_id", None) or random.getrandbits(128) or 1
