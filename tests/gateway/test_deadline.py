"""One deadline per request, for every attempt together: a hanging provider uses it up, the
providers after it are skipped, and the extractive answerer still answers."""

from __future__ import annotations

import time

from answer.base import stream
from core.models import OK
from tests.gateway.conftest import entry, last, usage_of

DEADLINE_S = 1.0  # far below the providers' own 30 s timeout: the deadline must cut it


def test_a_hang_is_cut_at_the_deadline_and_later_providers_are_skipped(faults, gateway_of,
                                                                        request_for):
    hanging, backup = faults("hang"), faults("ok")
    gw = gateway_of(entry("primary", hanging.base_url, timeout_seconds=30),
                    entry("backup", backup.base_url), retries=3)
    for run in (gw.generator.generate, lambda r: last(list(stream(gw.generator, r)))):
        draft = run(request_for(deadline=time.monotonic() + DEADLINE_S))
        assert [(a.provider, a.status) for a in usage_of(draft).attempts] == [
            ("primary", "timeout"), ("backup", "deadline"), ("extractive", OK)]
    assert len(hanging.seen) == 2  # once per request: no retry once the deadline is spent
    assert backup.seen == []


def test_without_a_deadline_of_its_own_the_chain_sets_one(faults, gateway_of, request_for):
    hanging = faults("hang")
    gw = gateway_of(entry("primary", hanging.base_url, timeout_seconds=30),
                    deadline_seconds=DEADLINE_S)
    draft = gw.generator.generate(request_for())
    assert [a.status for a in draft.usage.attempts] == ["timeout", OK]


def test_a_deadline_already_past_calls_no_provider(faults, gateway_of, request_for):
    ok = faults("ok")
    gw = gateway_of(entry("primary", ok.base_url))
    draft = gw.generator.generate(request_for(deadline=time.monotonic() - 0.1))
    assert [a.status for a in draft.usage.attempts] == ["deadline", OK]
    assert ok.seen == []
