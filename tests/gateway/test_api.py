"""/ask through the gateway over the sample index: the `usage` object, the event stream (its
order and names), failovers and failures as events, bad stream requests as 4xx JSON, the
breakers on /readyz, and a server that keeps answering while a stream waits on a model."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import serving
from tests.gateway.conftest import ASKED as QUESTION
from tests.gateway.conftest import FAST, NO_CACHE, entry, events
from tests.gateway.faults import closed_port

USAGE_KEYS = {"model", "provider", "input_tokens", "output_tokens", "cost", "attempts"}
ATTEMPT_KEYS = {"provider", "status", "ms"}  # the contract's; more fields are allowed


def check_usage(usage: dict[str, Any]) -> None:
    assert set(usage) == USAGE_KEYS
    for attempt in usage["attempts"]:
        assert set(attempt) >= ATTEMPT_KEYS


def test_the_response_gains_usage_and_the_rest_is_unchanged(faults, client_of):
    ok = faults("ok")
    body = client_of(entry("primary", ok.base_url, model={
        "id": "m", "price_input": 1.0, "price_output": 4.0})).post(
        "/ask", json={"question": QUESTION}).json()
    assert {"answer", "abstained", "citations", "version", "timings_ms", "request_id",
            "rewritten_question", "usage"} <= set(body)
    usage = body["usage"]
    check_usage(usage)
    assert (usage["model"], usage["provider"]) == ("m", "primary")
    assert usage["input_tokens"] == 100 and usage["cost"] > 0
    assert [(a["provider"], a["status"]) for a in usage["attempts"]] == [("primary", "ok")]
    assert not body["abstained"] and body["citations"]  # the cited sentence was verified
    assert body["timings_ms"]["attempt"] > 0


def test_without_providers_usage_says_extractive(sample_index, sample_lore):
    settings, _ = sample_index
    with TestClient(create_app(settings, sample_lore)) as c:
        usage = c.post("/ask", json={"question": QUESTION}).json()["usage"]
    assert usage == {"model": "extractive", "provider": "extractive", "input_tokens": 0,
                     "output_tokens": 0, "cost": 0.0, "attempts": []}


def test_every_provider_down_answers_extractively(faults, client_of):
    c = client_of(entry("a", faults("fail").base_url), entry("b", closed_port()))
    body = c.post("/ask", json={"question": QUESTION}).json()
    assert body["usage"]["provider"] == "extractive" and not body["abstained"]
    assert [(a["provider"], a["status"]) for a in body["usage"]["attempts"]] == [
        ("a", "server_error"), ("b", "connection"), ("extractive", "ok")]


def test_no_model_and_no_fallback_is_502_or_504(faults, client_of):
    down = client_of(entry("a", faults("fail").base_url), extractive=False)
    r = down.post("/ask", json={"question": QUESTION})
    assert r.status_code == 502 and r.json()["error"] == "Upstream"
    late = client_of(entry("a", faults("hang").base_url, timeout_seconds=0.3), extractive=False)
    r = late.post("/ask", json={"question": QUESTION})
    assert r.status_code == 504 and r.json()["error"] == "UpstreamTimeout"


def test_the_stream_events_come_in_order(faults, client_of):
    c = client_of(entry("primary", faults("ok").base_url))
    r = c.post("/ask", json={"question": QUESTION, "stream": True})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    got = events(r)
    names = [name for name, _ in got]
    assert names[0] == "meta" and names[-3:] == ["citations", "usage", "done"]
    assert set(names[1:-3]) == {"delta"} and len(names) > 5
    meta = got[0][1]
    assert set(meta) == {"version", "model", "provider", "request_id"}
    assert (meta["model"], meta["provider"]) == ("fault-model", "primary") and meta["version"]
    streamed = "".join(data["text"] for name, data in got if name == "delta")
    cited = got[-3][1]
    assert cited["answer"] == streamed and cited["citations"] and not cited["abstained"]
    check_usage(got[-2][1])
    done = got[-1][1]
    assert done["finish_reason"] == "stop" and done["request_id"] == meta["request_id"]
    assert plain_matches_stream(c, cited)


def plain_matches_stream(c: TestClient, cited: dict[str, Any]) -> bool:
    plain = c.post("/ask", json={"question": QUESTION}).json()
    return plain["answer"] == cited["answer"] and plain["citations"] == cited["citations"]


def test_a_death_mid_stream_is_an_error_event_and_the_backup_finishes(faults, client_of):
    c = client_of(entry("primary", faults("die_after").base_url),
                  entry("backup", faults("ok").base_url))
    got = events(c.post("/ask", json={"question": QUESTION, "stream": True}))
    names = [name for name, _ in got]
    error = names.index("error")
    assert names[:2] == ["meta", "delta"] and "delta" in names[error + 1:]
    notice = got[error][1]
    assert (notice["error"], notice["provider"], notice["status"]) == (
        "Failover", "primary", "broken_stream")
    assert names[-3:] == ["citations", "usage", "done"]
    assert [a["provider"] for a in got[-2][1]["attempts"]] == ["primary", "backup"]
    assert not got[-3][1]["abstained"]


def test_a_failure_after_the_stream_began_is_an_error_event(faults, client_of):
    c = client_of(entry("a", faults("fail").base_url), extractive=False)
    got = events(c.post("/ask", json={"question": QUESTION, "stream": True}))
    assert [name for name, _ in got] == ["error", "done"]
    assert got[0][1]["error"] == "Upstream" and got[0][1]["status"] == 502
    assert got[1][1]["finish_reason"] == "error"


@pytest.mark.parametrize(("body", "status"), [
    ({"question": QUESTION, "stream": "please"}, 422),
    ({"question": "   ", "stream": True}, 422),
    ({"question": QUESTION, "stream": True, "budget_tokens": 10}, 422),
    ({"question": QUESTION, "stream": True, "streaming": True}, 422),
    ({"question": "x" * 2001, "stream": True}, 400),  # the flow's validate step says so
])
def test_bad_stream_requests_are_4xx_json_never_500(faults, client_of, body, status):
    r = client_of(entry("primary", faults("ok").base_url)).post("/ask", json=body)
    assert r.status_code == status and r.headers["content-type"] == "application/json"
    assert r.json()["error"] == "BadInput"


def test_a_stream_before_any_version_is_503_json(tmp_path, lore_for, faults):
    from lore.settings import Settings

    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"providers": [entry("p", faults("ok").base_url)]}))
    settings = Settings.of(home=tmp_path / "empty", providers=path)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        r = c.post("/ask", json={"question": QUESTION, "stream": True})
    assert r.status_code == 503 and r.json()["error"] == "NotReady"


def test_readyz_shows_each_providers_breaker(faults, client_of):
    c = client_of(entry("primary", faults("fail").base_url), breaker_failures=1,
                  breaker_reset_seconds=60)
    c.post("/ask", json={"question": QUESTION})
    providers = c.get("/readyz").json()["providers"]
    assert [(p["name"], p["breaker"]) for p in providers] == [
        ("primary", "open"), ("extractive", None)]
    assert providers[0]["last_error"].startswith("server_error")


def test_a_stream_waiting_on_a_model_does_not_stall_the_server(faults, sample_index, lore_for,
                                                               tmp_path):
    hanging = faults("hang")
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"providers": [
        entry("slow", hanging.base_url, timeout_seconds=30)]}))
    settings = sample_index[0].changed(providers=path, **FAST, **NO_CACHE)
    with serving(create_app(settings, lore_for(settings))) as url:
        finished = threading.Event()

        def ask() -> None:
            httpx.post(f"{url}/ask", json={"question": QUESTION, "stream": True}, timeout=60)
            finished.set()

        worker = threading.Thread(target=ask)
        worker.start()
        while not hanging.seen and worker.is_alive():
            finished.wait(0.05)
        assert hanging.seen  # the stream is now waiting on the model
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        r = httpx.post(f"{url}/search", json={"question": QUESTION}, timeout=60)
        assert r.status_code == 200 and r.json()["hits"]  # answered meanwhile
        assert not finished.is_set()
        hanging.stopping.set()  # the model hangs up: the extractive answer ends the stream
        worker.join(60)
        assert finished.is_set()


def test_a_client_that_hangs_up_stops_the_model(faults, sample_index, lore_for, tmp_path):
    slow = faults("slow")
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"providers": [entry("slow", slow.base_url)]}))
    settings = sample_index[0].changed(providers=path, **FAST, **NO_CACHE)
    with serving(create_app(settings, lore_for(settings))) as url:
        with httpx.stream("POST", f"{url}/ask", json={"question": QUESTION, "stream": True},
                          timeout=60) as r:
            next(line for line in r.iter_lines() if line == "event: delta")
        # Hung up after the first delta: the model's connection is closed mid-answer.
        assert slow.cut.wait(30)
