"""The failover matrix: every way a provider fails, before and after its first token, with
the next provider (or the extractive answerer) taking over as docs/api.md says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from answer.base import Delta, Draft, Failover, stream
from answer.grounding import ground
from core.errors import Upstream, UpstreamTimeout
from core.models import EXTRACTIVE, OK
from gateway.fallback import TRUNCATED
from tests.gateway.conftest import entry
from tests.gateway.faults import closed_port

# Each failure before the first token, and the attempt status it is recorded as. A hang
# waits out the provider's timeout_seconds (0.5 s here).
BEFORE_FIRST_TOKEN = [
    ("hang", "timeout"), ("rate", "rate_limited"), ("fail", "server_error"),
    ("die_before", "connection"), ("unauthorized", "unauthorized"),
]


def events_of(generator, request):
    return list(stream(generator, request))


@pytest.mark.parametrize(("mode", "status"), BEFORE_FIRST_TOKEN)
def test_a_failure_before_the_first_token_is_invisible(faults, gateway_of, request_for,
                                                       context, mode, status):
    bad, good = faults(mode, retry_after=30), faults("ok")
    gw = gateway_of(entry("primary", bad.base_url, timeout_seconds=0.5),
                    entry("backup", good.base_url))
    events = events_of(gw.generator, request_for())
    assert not any(isinstance(e, Failover) for e in events)
    deltas, draft = [e for e in events if isinstance(e, Delta)], events[-1]
    assert {d.provider for d in deltas} == {"backup"}
    assert isinstance(draft, Draft) and draft.text == "".join(d.text for d in deltas)
    assert draft.usage is not None and draft.usage.provider == "backup"
    assert [(a.provider, a.status) for a in draft.usage.attempts] == [
        ("primary", status), ("backup", OK)]
    assert not ground(draft, context).abstained  # the backup's cited sentence is verified


def test_a_refused_connection_fails_over(gateway_of, faults, request_for):
    good = faults("ok")
    gw = gateway_of(entry("primary", closed_port()), entry("backup", good.base_url))
    draft = gw.generator.generate(request_for())
    assert [(a.provider, a.status) for a in draft.usage.attempts] == [
        ("primary", "connection"), ("backup", OK)]


@pytest.mark.parametrize(("mode", "status"), [*BEFORE_FIRST_TOKEN, ("die_after", "broken_stream")])
def test_without_a_client_any_failure_restarts_on_the_next_provider(
        faults, gateway_of, request_for, mode, status):
    """generate(): nothing was sent to anyone, so even a stream that broke mid-way is
    answered afresh by the next provider."""
    bad, good = faults(mode, retry_after=30), faults("ok")
    gw = gateway_of(entry("primary", bad.base_url, timeout_seconds=0.5),
                    entry("backup", good.base_url))
    draft = gw.generator.generate(request_for())
    assert draft.usage.provider == "backup" and draft.finish_reason == "stop"
    assert [a.status for a in draft.usage.attempts] == [status, OK]
    assert draft.text.endswith("[1]") and draft.text.count("[1]") == 1  # one whole answer


def test_death_after_the_first_token_is_reported_and_continued(faults, gateway_of,
                                                                request_for, context):
    bad, good = faults("die_after"), faults("ok")
    gw = gateway_of(entry("primary", bad.base_url), entry("backup", good.base_url))
    events = events_of(gw.generator, request_for())
    kinds = [type(e).__name__ for e in events]
    failover = kinds.index("Failover")
    assert kinds[:failover] == ["Delta"] * failover and failover > 0
    assert set(kinds[failover + 1:-1]) == {"Delta"} and kinds[-1] == "Draft"
    notice = events[failover]
    assert (notice.provider, notice.status) == ("primary", "broken_stream")
    sent = "".join(e.text for e in events if isinstance(e, Delta))
    draft = events[-1]
    assert draft.text == sent  # what the client saw, the continuation joined on
    assert draft.finish_reason == "stop"
    # The backup was asked to continue the text so far, not to start over.
    continued = good.seen[-1].body["messages"]
    assert continued[-2] == {"role": "assistant", "content": "".join(
        e.text for e in events[:failover])}
    assert [a.status for a in draft.usage.attempts] == ["broken_stream", OK]
    assert draft.usage.attempts[0].output_tokens > 0  # the partial answer's tokens count
    answer = ground(draft, context)
    assert not answer.abstained and answer.citations[0].source == "handbook/leave.md"


def test_death_after_the_first_token_with_no_model_left_ends_truncated(faults, gateway_of,
                                                                       request_for):
    """The extractive answerer cannot finish another model's sentence: the draft ends as
    sent, marked truncated, and the verify step keeps only what it can support."""
    bad = faults("die_after")
    gw = gateway_of(entry("primary", bad.base_url))
    events = events_of(gw.generator, request_for())
    assert [type(e).__name__ for e in events][-2:] == ["Failover", "Draft"]
    draft = events[-1]
    assert draft.finish_reason == TRUNCATED
    assert draft.text == "".join(e.text for e in events if isinstance(e, Delta))
    assert draft.usage.provider == "primary"
    assert [a.provider for a in draft.usage.attempts] == ["primary"]


def test_every_provider_down_answers_extractively(faults, gateway_of, request_for, context):
    gw = gateway_of(entry("a", faults("fail").base_url), entry("b", closed_port()),
                    entry("c", faults("die_before").base_url))
    for draft in (gw.generator.generate(request_for()),
                  events_of(gw.generator, request_for())[-1]):
        assert draft.usage.provider == EXTRACTIVE and draft.usage.model == EXTRACTIVE
        assert [(a.provider, a.status) for a in draft.usage.attempts] == [
            ("a", "server_error"), ("b", "connection"), ("c", "connection"), (EXTRACTIVE, OK)]
        assert draft.usage.cost == 0
        assert not ground(draft, context).abstained


def test_without_the_extractive_fallback_every_provider_down_is_an_upstream_error(
        faults, gateway_of, request_for):
    gw = gateway_of(entry("a", faults("fail").base_url), extractive=False)
    with pytest.raises(Upstream) as failed:
        gw.generator.generate(request_for())
    assert not isinstance(failed.value, UpstreamTimeout)
    assert "a: server_error" in str(failed.value)
    gw = gateway_of(entry("a", faults("hang").base_url, timeout_seconds=0.3), extractive=False)
    with pytest.raises(UpstreamTimeout):
        list(stream(gw.generator, request_for()))


def test_the_extractive_entry_can_be_placed_first(faults, gateway_of, request_for):
    ok = faults("ok")
    gw = gateway_of({"name": EXTRACTIVE}, entry("model", ok.base_url))
    assert [link.name for link in gw.generator.links] == [EXTRACTIVE, "model"]
    assert gw.generator.generate(request_for()).usage.provider == EXTRACTIVE
    assert ok.seen == []


def test_an_empty_context_calls_no_model(faults, gateway_of, request_for, context):
    ok = faults("ok")
    gw = gateway_of(entry("primary", ok.base_url))
    empty = replace(request_for(), context=replace(context, passages=()))
    draft = gw.generator.generate(empty)
    assert draft.abstained and ok.seen == []
