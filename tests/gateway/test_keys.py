"""A provider key is sent to its provider and nowhere else: not in logs (at DEBUG, httpx's
included), traces, responses, stream events, /readyz or error messages, even when a provider
echoes it back."""

from __future__ import annotations

import logging

from pipeline.state import Query
from tests.gateway.conftest import ASKED as QUESTION
from tests.gateway.conftest import entry

KEY = "sk-live-do-not-leak-9d8e7f6a"


def test_keys_never_appear_in_logs_traces_or_responses(faults, client_of, caplog,
                                                       monkeypatch):
    monkeypatch.setenv("LORE_TEST_PROVIDER_KEY", KEY)  # the file names it, as ${...}
    caplog.set_level(logging.DEBUG)
    echo, ok = faults("echo_key"), faults("ok")
    c = client_of(entry("primary", echo.base_url, api_key="${LORE_TEST_PROVIDER_KEY}"),
                  entry("backup", ok.base_url, api_key="${LORE_TEST_PROVIDER_KEY}"),
                  breaker_failures=1)
    shown = [c.post("/ask", json={"question": QUESTION}).text,
             c.post("/ask", json={"question": QUESTION, "stream": True}).text,
             c.get("/readyz").text]
    state, trace = c.app.state.lore.ask(Query(QUESTION))
    shown += [str(s.attributes) for s in trace.spans] + [repr(state)]
    assert echo.seen[0].headers["Authorization"] == f"Bearer {KEY}"  # it was sent, there
    assert ok.seen[0].headers["Authorization"] == f"Bearer {KEY}"
    assert "Bearer ***" in shown[2]  # the echoed key was scrubbed from the last error
    for text in [*shown, caplog.text]:
        assert KEY not in text
