"""Prompt versions over HTTP: the admin routes, a sticky canary split, and a rollback from
another process (`lore prompts rollback`) switching all traffic back under a stream of /ask
requests with no failure. The versions differ in their greeting, so every answer shows which
one wrote it; the router (LORE_ROUTING=on) answers greetings with the version's reply."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from answer.prompt import SHIPPED_TEXTS, PromptId
from api.app import create_app
from index.active import to_canary
from lore import promotion
from lore.release_ops import propose_prompts
from lore.releases import Kind
from tests.api.test_hot_swap import MAX_REQUESTS, PER_PHASE, RELOAD_S, Sample, Stream
from tests.conftest import copy_home
from tests.gateway.conftest import NO_CACHE

WELCOME = "Welcome! Ask away."
GREETINGS = {"v1": SHIPPED_TEXTS[PromptId.GREETING], "v2": WELCOME}
PTO = "How many PTO days do new employees get?"
REQUESTS = 300


@pytest.fixture
def settings(sample_index, tmp_path: Path):
    home = tmp_path / "home"
    copy_home(sample_index[0].home, home)
    return sample_index[0].changed(home=home, routing="on", reload_seconds=RELOAD_S, **NO_CACHE)


def texts(greeting: str) -> dict[str, str]:
    return {**SHIPPED_TEXTS, PromptId.GREETING: greeting}


def test_record_canary_split_show_and_rollback(settings, lore_for) -> None:
    with TestClient(create_app(settings, lore_for(settings))) as c:
        made = c.post("/prompts", json={"prompts": texts(WELCOME), "note": "warmer"})
        assert made.status_code == 201 and made.json()["id"] == "v2", made.text
        rows = c.get("/prompts").json()
        assert [(r["id"], r["status"], r["note"]) for r in rows] == [
            ("v1", "active", "the prompts as shipped"), ("v2", "ready", "warmer")]
        assert c.get("/prompts/v2").json()["prompts"][PromptId.GREETING] == WELCOME
        assert c.post("/prompts", json={"prompts": {"system": "x"}}).status_code == 400
        assert c.post("/prompts/v2/promote", params={"canary": 30}).json()[
            "canary_percent"] == 30
        served: Counter[str] = Counter()
        for i in range(REQUESTS):
            body = c.post("/ask", json={"question": "Hello!", "conversation_id": f"c{i}"}).json()
            served[body["prompt_version"]] += 1
            assert body["answer"] == GREETINGS[body["prompt_version"]]
            assert body["route"] == {"target": "reply", "reason": "reply: greeting"}
        assert 0.22 <= served["v2"] / REQUESTS <= 0.38  # 30% +- 8 points (sd 2.6)
        seven = {c.post("/ask", json={"question": "hi", "conversation_id": "c7"}).json()[
            "prompt_version"] for _ in range(10)}
        assert len(seven) == 1
        answered = c.post("/ask", json={"question": PTO, "conversation_id": "c7"}).json()
        assert answered["prompt_version"] in seven and answered["citations"]
        assert c.post("/prompts/rollback").json()["id"] == "v1"
        after = {c.post("/ask", json={"question": "hi", "conversation_id": f"c{i}"}).json()[
            "prompt_version"] for i in range(60)}
        assert after == {"v1"}
        assert c.post("/prompts/rollback").status_code == 409  # nothing earlier to return to


def test_model_versions_have_the_same_routes(settings, lore_for, tmp_path: Path) -> None:
    providers = tmp_path / "providers.yaml"
    providers.write_text(yaml.safe_dump({
        "providers": [{"name": n, "base_url": "http://127.0.0.1:9/v1", "model": "m"}
                      for n in ("small", "big")],
        "routes": {"cheap": ["small"], "strong": ["small"]}}))
    s = settings.changed(providers=providers)
    with TestClient(create_app(s, lore_for(s))) as c:
        made = c.post("/models", json={"routes": {"strong": ["big", "small"]}, "note": "big"})
        assert made.status_code == 201 and made.json()["id"] == "v2", made.text
        assert c.get("/models/v2").json()["routes"] == {"cheap": ["small"],
                                                        "strong": ["big", "small"]}
        assert c.get("/models/active").json()["id"] == "v1"
        assert c.post("/models", json={"routes": {"strong": ["huge"]}}).status_code == 400
        assert c.post("/models/v2/promote", params={"canary": 10}).status_code == 200
        assert {r["id"]: r["canary_percent"] for r in c.get("/models").json()} == {
            "v1": None, "v2": 10}
        assert c.post("/models/rollback").json()["id"] == "v1"


def _cli(home: Path, *args: str) -> None:
    lore = Path(sys.executable).parent / "lore"
    done = subprocess.run([str(lore), "prompts", *args, "--home", str(home)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


class Greeter(Stream):
    """The hot-swap test's request stream, greeting as conversations that all fall on the
    canary's side of a 50% split (and asking a real question every fifth request)."""

    ids: ClassVar[list[str]] = [f"c{i}" for i in range(400) if to_canary(f"prompts:c{i}", 50)]

    def _one(self, client: httpx.Client) -> Sample:
        n = self.sent
        question = PTO if n % 5 == 0 else "Hello there!"
        start = time.monotonic()
        try:
            r = client.post("/ask", json={"question": question,
                                          "conversation_id": self.ids[n % len(self.ids)]})
        except httpx.HTTPError as exc:
            return Sample(start, time.monotonic(), 0, None, frozenset(), repr(exc))
        body = r.json() if r.status_code == 200 else {}
        ok = r.status_code == 200 and (question == PTO or body["answer"] == GREETINGS.get(
            body["prompt_version"]))
        return Sample(start, time.monotonic(), r.status_code, body.get("prompt_version"),
                      frozenset(), None if ok else r.text)


def test_rollback_from_another_process_under_load_fails_nothing(settings, lore_for,
                                                                 serve) -> None:
    v2 = propose_prompts(settings, texts(WELCOME), "warmer").id
    promotion.promote(settings, v2, canary=50, kind=Kind.PROMPTS)
    with serve(create_app(settings, lore_for(settings))) as base, Greeter(base) as stream:
        stream.wait_for("from the canary", lambda s: s.version == v2, PER_PHASE)
        _cli(settings.home, "rollback")
        back = stream.wait_for("from v1 again", lambda s: s.version == "v1")
        stream.wait_for("after the switch back", lambda s: s.start > back.end, PER_PHASE)
    samples = stream.samples
    assert [s.error for s in samples if s.status != 200 or s.error] == []
    assert len(samples) <= MAX_REQUESTS
    assert {s.version for s in samples if s.end < back.start} == {v2}  # the canary side
    # Once one request saw the other process's rollback, no later one went back to v2.
    assert {s.version for s in samples if s.start > back.end} == {"v1"}
