"""Retry: the same provider again on a passing fault, waiting what a 429's Retry-After asks,
never on a fault that will not pass, never past the deadline, never after text was sent."""

from __future__ import annotations

import time

from answer.base import Failover, stream
from core.models import OK
from gateway.openai import retry_after
from tests.gateway.conftest import entry, last, usage_of


def test_a_429_is_retried_after_the_wait_it_asks_for(faults, gateway_of, request_for):
    limited = faults(script=["rate"], retry_after=0.4)
    gw = gateway_of(entry("primary", limited.base_url), retries=2)
    draft = gw.generator.generate(request_for())
    assert [a.status for a in draft.usage.attempts] == ["rate_limited", OK]
    assert draft.usage.provider == "primary"
    first, second = limited.seen
    assert second.at - first.at >= 0.4  # Retry-After honoured (a lower bound: it slept)


def test_5xx_and_broken_streams_are_retried_with_backoff(faults, gateway_of, request_for):
    flaky = faults(script=["fail", "die_before"])
    gw = gateway_of(entry("primary", flaky.base_url), retries=2, retry_backoff_seconds=0.01)
    draft = gw.generator.generate(request_for())
    assert [a.status for a in draft.usage.attempts] == ["server_error", "connection", OK]
    assert len(flaky.seen) == 3


def test_what_will_not_pass_is_not_retried(faults, gateway_of, request_for):
    refused = faults("unauthorized")
    gw = gateway_of(entry("primary", refused.base_url), retries=3)
    draft = gw.generator.generate(request_for())
    assert [a.status for a in draft.usage.attempts] == ["unauthorized", OK]
    assert len(refused.seen) == 1 and draft.usage.provider == "extractive"


def test_a_retry_after_past_the_deadline_moves_on_at_once(faults, gateway_of, request_for):
    limited, backup = faults("rate", retry_after=30), faults("ok")
    gw = gateway_of(entry("primary", limited.base_url), entry("backup", backup.base_url),
                    retries=3)
    request = request_for(deadline=time.monotonic() + 5)
    draft = gw.generator.generate(request)
    assert [a.status for a in draft.usage.attempts] == ["rate_limited", OK]
    assert len(limited.seen) == 1


def test_a_stream_is_not_retried_after_its_text_was_sent(faults, gateway_of, request_for):
    dying, backup = faults("die_after"), faults("ok")
    gw = gateway_of(entry("primary", dying.base_url), entry("backup", backup.base_url),
                    retries=3)
    events = list(stream(gw.generator, request_for()))
    assert sum(isinstance(e, Failover) for e in events) == 1
    assert len(dying.seen) == 1  # the continuation went to the backup, not a retry
    assert [a.provider for a in usage_of(last(events)).attempts] == ["primary", "backup"]


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after("3") == 3.0
    assert retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
