"""GET /metrics after a mix of requests, parsed with prometheus-client's own parser."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app

ADMIN = {"X-API-Key": "metrics-admin"}


def families(text: str) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text)}


def value(family, **labels) -> float:
    return sum(s.value for s in family.samples
               if s.name.endswith("_total") and all(s.labels.get(k) == v
                                                    for k, v in labels.items()))


def test_metrics_count_a_request_mix(sample_index, lore_for) -> None:
    settings, report = sample_index
    keyed = settings.changed(admin_keys=["metrics-admin"], reader_keys=["r"])
    with TestClient(create_app(keyed, lore_for(keyed))) as c:
        assert c.get("/metrics").status_code == 401  # not public by default
        before = families(c.get("/metrics", headers=ADMIN).text)
        for q in ("How many PTO days do new employees get?", "What is the capital of Peru?"):
            c.post("/ask", json={"question": q}, headers=ADMIN)
        c.post("/ask", json={"question": "How many PTO days do new employees get?"},
               headers=ADMIN)  # a repeat: the cache
        c.post("/search", json={"question": "Atlas 150 payload"}, headers=ADMIN)
        text = c.get("/metrics", headers=ADMIN).text
    after = families(text)
    assert all(name.startswith("lore_") for name in after)
    requests = after["lore_requests"]
    asked = value(requests, flow="ask") - value(before["lore_requests"], flow="ask")
    assert asked == 3
    assert value(requests, flow="search") - value(before["lore_requests"], flow="search") == 1
    # The registry is the process's: other tests' requests are in `before` too.
    outcomes = {o for o in {s.labels.get("outcome") for s in requests.samples}
                if value(requests, flow="ask", outcome=o)
                > value(before["lore_requests"], flow="ask", outcome=o)}
    assert outcomes <= {"answered", "abstained"} and outcomes
    hits = value(after["lore_cache"], result="hit") - value(before.get("lore_cache", after[
        "lore_cache"]), result="hit")
    assert hits >= 1
    latency = after["lore_request_seconds"]
    counted = sum(s.value for s in latency.samples
                  if s.name == "lore_request_seconds_count" and s.labels["flow"] == "ask")
    assert counted >= 3
    chunks = {s.labels["version"]: s.value for s in after["lore_index_chunks"].samples}
    assert chunks[report.version] == report.chunks
