"""The generate step with a sink on the query: the version first, then the generator's events
as they come, and the draft for the verify step; the query's deadline reaches the chain."""

from __future__ import annotations

import time

from answer.base import Delta
from pipeline.state import Opened, Query
from tests.gateway.conftest import ASKED, entry


def test_the_sink_gets_the_version_then_the_deltas_and_the_state_the_verified_answer(
        faults, client_of):
    lore = client_of(entry("primary", faults("ok").base_url)).app.state.lore
    seen: list[object] = []
    state, _ = lore.ask(Query(ASKED, sink=seen.append))
    assert isinstance(seen[0], Opened) and seen[0].version == state.version
    assert seen[1:-1] and all(isinstance(e, Delta) for e in seen[1:-1])
    assert seen[-1] == state.draft  # last, the whole draft (a holding sink lets go then)
    assert state.draft is not None
    assert state.draft.text == "".join(e.text for e in seen[1:] if isinstance(e, Delta))
    assert state.answer is not None and not state.answer.abstained


def test_without_a_sink_nothing_streams_and_the_answer_is_the_same(faults, client_of):
    lore = client_of(entry("primary", faults("ok").base_url)).app.state.lore
    seen: list[object] = []
    streamed, _ = lore.ask(Query(ASKED, sink=seen.append))
    plain, _ = lore.ask(Query(ASKED))
    assert plain.answer == streamed.answer and plain.draft.text == streamed.draft.text


def test_the_querys_deadline_is_the_chains(faults, client_of):
    hanging = faults("hang")
    lore = client_of(entry("slow", hanging.base_url, timeout_seconds=30)).app.state.lore
    # Time for retrieval (the deadline counts from the request), then the hang takes the rest.
    state, trace = lore.ask(Query(ASKED, deadline=time.monotonic() + 5))
    assert [a.status for a in state.draft.usage.attempts] == ["timeout", "ok"]
    assert not state.answer.abstained  # the extractive answer
    generate = next(s for s in trace.spans if s.name == "generate")
    assert generate.attributes["provider"] == "extractive"
    assert generate.attributes["attempts"] == 2
