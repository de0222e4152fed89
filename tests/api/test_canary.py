"""Canary rollout over HTTP: a sticky share of /ask goes to the candidate, rollback is instant."""

from __future__ import annotations

from collections import Counter

from fastapi.testclient import TestClient

from api.app import create_app
from lore.settings import Settings

REQUESTS = 300


def corpus(root, fact: str):
    root.mkdir()
    (root / "leave.md").write_text(f"# Leave\n\nNew employees receive {fact} days of paid leave.\n")
    return root


def test_canary_split_stickiness_promote_and_rollback(tmp_path, ingest, lore_for):
    settings = Settings.of(home=tmp_path / "home", reload_seconds=0.0)
    ingest(settings, corpus(tmp_path / "a", "twenty"), True)
    ingest(settings, corpus(tmp_path / "b", "thirty"), False)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        assert c.post("/versions/v2/promote", params={"canary": 20}).status_code == 200
        served: Counter[str] = Counter()
        for i in range(REQUESTS):
            ask = {"question": "How many leave days?", "conversation_id": f"c{i}"}
            r = c.post("/ask", json=ask)
            assert r.status_code == 200
            body = r.json()
            served[body["version"]] += 1
            assert ("thirty" in body["answer"]) == (body["version"] == "v2")
        assert 0.13 <= served["v2"] / REQUESTS <= 0.27  # 20% +- 7 points (sd 2.3)
        row = {v["id"]: v for v in c.get("/versions").json()}["v2"]
        assert row["canary_percent"] == 20 and row["serving"]["requests"] == served["v2"]
        ask_c7 = {"question": "Leave?", "conversation_id": "c7"}
        assert len({c.post("/ask", json=ask_c7).json()["version"] for _ in range(10)}) == 1
        assert c.post("/versions/rollback").status_code == 200
        after = {c.post("/ask", json={"question": "Leave?", "conversation_id": f"c{i}"}).json()[
            "version"] for i in range(40)}
        assert after == {"v1"}
        assert c.post("/versions/v2/promote", params={"canary": 20}).status_code == 200
        assert c.post("/versions/v2/promote").status_code == 200  # finishes the rollout
        done = {c.post("/ask", json={"question": "Leave?", "conversation_id": f"c{i}"}).json()[
            "version"] for i in range(40)}
        assert done == {"v2"}
        assert c.post("/versions/v1/promote", params={"canary": 0}).status_code == 422
