"""Traces exported over OTLP: the SDK's in-memory exporter for the span shapes, and a real
OTLP/HTTP receiver on loopback for the wire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core.models import Turn
from core.tracing import Trace, from_traceparent
from lore.compose import Lore
from lore.otlp import OtlpSink
from pipeline.state import Query

QUESTION = "How many PTO days do new employees get?"


def asked(lore: Lore, history: str) -> Trace:
    """A question this test alone asks (its own history): no cached answer skips a step."""
    trace = Trace("ask")
    lore.ask(Query(QUESTION, (Turn("user", history), Turn("assistant", "Yes."))), trace)
    lore.observer.flush()  # the trace is complete once the observer has kept it
    return trace


def test_every_span_keeps_its_times_parent_and_the_request_id(sample_lore: Lore) -> None:
    memory = InMemorySpanExporter()
    sink = OtlpSink(memory, batch=False)
    trace = asked(sample_lore, "shapes")
    sink.export(trace)
    spans = memory.get_finished_spans()
    assert [s.name for s in spans] == [s.name for s in trace.spans]
    assert {f"{s.context.trace_id:032x}" for s in spans} == {trace.id}
    by_id = {s.context.span_id: s for s in spans}
    root = spans[0]
    assert root.parent is None and attrs(root)["lore.outcome"] in ("answered", "abstained")
    for ours, theirs in zip(trace.spans, spans, strict=True):
        assert theirs.start_time == trace.epoch_ns(ours.start_ns)
        if ours.parent is not None:
            assert theirs.parent is not None
            assert by_id[theirs.parent.span_id].name == trace.spans[ours.parent].name
    retrieve = next(s for s in spans if s.name == "retrieve")
    assert attrs(retrieve)["hits"] > 0
    assert "lore.replay" not in attrs(root)  # the replay stays in the local store
    sink.close()


def test_an_incoming_traceparent_is_the_parent() -> None:
    header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    trace_id, parent = from_traceparent(header)  # type: ignore[misc]
    memory = InMemorySpanExporter()
    trace = Trace("ask", trace_id=trace_id, parent=parent)
    with trace.span("ask"):
        pass
    OtlpSink(memory, batch=False).export(trace)
    (span,) = memory.get_finished_spans()
    assert f"{span.context.trace_id:032x}" == trace_id
    assert span.parent is not None and f"{span.parent.span_id:016x}" == parent
    for bad in ("00-" + "0" * 32 + "-00f067aa0ba902b7-01", "garbage", None, "00-abc-def-01"):
        assert from_traceparent(bad) is None


def attrs(span: Any) -> dict[str, Any]:
    return dict(span.attributes or {})


class Receiver(BaseHTTPRequestHandler):
    got: ClassVar[list[ExportTraceServiceRequest]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        Receiver.got.append(request)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/traces"
    server.shutdown()


def test_spans_reach_an_otlp_http_receiver(sample_lore: Lore, receiver: str) -> None:
    Receiver.got.clear()
    sink = OtlpSink(OTLPSpanExporter(endpoint=receiver))
    trace = asked(sample_lore, "wire")
    sink.export(trace)
    sink.close()  # flushes the batch
    spans = [s for r in Receiver.got for rs in r.resource_spans for ss in rs.scope_spans
             for s in ss.spans]
    assert {s.trace_id.hex() for s in spans} == {trace.id}
    assert {"ask", "retrieve", "generate", "verify"} <= {s.name for s in spans}
    resource = Receiver.got[0].resource_spans[0].resource
    assert any(a.key == "service.name" and a.value.string_value == "lore"
               for a in resource.attributes)
