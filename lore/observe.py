"""What happens to a finished request's trace: kept in the local store (with what is needed to
replay it), counted for /metrics, and sent over OTLP when an endpoint is configured.

All of it runs on one background thread, as OpenTelemetry's batch processor does: masking the
replay's texts and writing the store cost milliseconds the answer need not wait for. Reads of
the store (and a /metrics scrape) wait for what is queued, so they see every finished request.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core.errors import LoreError, Refused, TooManyRequests, Upstream
from core.tracing import Trace, TraceSink
from lore.feedback import FeedbackStore
from lore.metrics import MetricsSink
from lore.replay import Mask, replay
from lore.traces import TraceStore
from pipeline.state import State

log = logging.getLogger("lore.observe")
# Replay fields also kept as top-level trace attributes: the store indexes them, metrics and
# OTLP label by them.
SUMMARY = ("version", "abstained", "tokens", "cost", "flagged")


def _unmasked(text: str) -> str:
    return text


@dataclass
class Observer:
    traces: TraceStore
    feedback: FeedbackStore
    sinks: Sequence[TraceSink]
    mask: Mask = field(default=_unmasked)
    enabled: bool = True  # False: traces are neither kept, counted nor sent (LORE_TRACING)
    # Told of every down-voted answer (request id), e.g. so a cache stops serving it.
    downvoted: list[Callable[[str], object]] = field(default_factory=list)
    _queue: queue.Queue[Callable[[], None] | None] = field(default_factory=queue.Queue,
                                                           repr=False)
    _worker: threading.Thread | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.traces.before_read = self.flush

    def on_down(self, request_id: str) -> None:
        for hook in self.downvoted:
            hook(request_id)

    def done(self, trace: Trace, state: State, system_prompt: str) -> None:
        if self.enabled:
            self._later(lambda: self._done(trace, state, system_prompt))

    def failed(self, trace: Trace, error: LoreError) -> None:
        if self.enabled:
            self._later(lambda: self._failed(trace, error))

    def flush(self) -> None:
        """Returns once every trace handed over so far is kept, counted and sent."""
        if self._worker is not None:
            self._queue.join()

    def _later(self, job: Callable[[], None]) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="lore-traces", daemon=True)
            self._worker.start()
        self._queue.put(job)

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            try:
                job()
            except Exception:  # a trace that cannot be kept must not stop the next ones
                log.exception("a trace was not exported")
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def _done(self, trace: Trace, state: State, system_prompt: str) -> None:
        kept = replay(state, system_prompt, self.mask)
        usage = kept.get("usage") or {}
        trace.attributes.update({k: kept[k] for k in SUMMARY if k in kept}, replay=kept,
                                outcome="abstained" if kept.get("abstained") else "answered",
                                model=usage.get("model"),
                                input_tokens=usage.get("input_tokens"),
                                output_tokens=usage.get("output_tokens"))
        self._export(trace)

    def _failed(self, trace: Trace, error: LoreError) -> None:
        trace.attributes.update(outcome=outcome_of(error), error=f"{type(error).__name__}: "
                                f"{self.mask(str(error))}")
        self._export(trace)

    def _export(self, trace: Trace) -> None:
        for sink in (self.traces, *self.sinks):
            try:
                sink.export(trace)
            except Exception:  # a trace that cannot be kept must not fail the answer
                log.exception("trace %s not exported to %s", trace.id, type(sink).__name__)

    def close(self) -> None:
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join()
            self._worker = None
        self.traces.close()
        self.feedback.close()
        for sink in self.sinks:
            close = getattr(sink, "close", None)
            if close is not None:
                close()


def outcome_of(error: LoreError) -> str:
    """The outcome label of a failed request: refused by a limit or a guard, or an error."""
    if isinstance(error, TooManyRequests):
        return "limited"
    if isinstance(error, Refused):  # a guard refused the question
        return "blocked"
    return "upstream_error" if isinstance(error, Upstream) else "error"


def default_sinks() -> list[TraceSink]:
    from lore import otlp

    sinks: list[TraceSink] = [MetricsSink()]
    if otlp.configured():
        sinks.append(otlp.OtlpSink())
    return sinks
