"""A damaged index version is taken out of serving: found at open or by the first query that
fails, marked failed, and the version that served before takes over while /readyz says so."""

from __future__ import annotations

import random
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from lore.settings import Settings
from lore.stores import open_registry

ASK = {"question": "How many leave days?"}
FRESH = {"Cache-Control": "no-cache"}  # the damaged index is read, not the cached answer


def corpus(root: Path, fact: str) -> Path:
    root.mkdir()
    (root / "leave.md").write_text(f"# Leave\n\nNew employees receive {fact} days of paid leave.\n")
    return root


def two_versions(tmp_path: Path, ingest) -> Settings:
    settings = Settings.of(home=tmp_path / "home", reload_seconds=0.0)
    ingest(settings, corpus(tmp_path / "a", "twenty"), True)
    ingest(settings, corpus(tmp_path / "b", "thirty"), True)
    return settings


def scramble(home: Path, version: str, pattern: str) -> None:
    """Random bytes over the version's payload storage files, as a bad disk writes them."""
    rng = random.Random(7)
    files = [f for f in (home / "index" / version).rglob(pattern) if f.is_file()]
    assert files
    for f in files:
        data = bytearray(f.read_bytes())
        for i in range(0, len(data), 7):
            data[i] = rng.randrange(256)
        f.write_bytes(bytes(data))


def test_damaged_at_open_falls_back_to_the_last_good_version(tmp_path, ingest, lore_for):
    settings = two_versions(tmp_path, ingest)
    scramble(settings.home, "v2", "payload_storage/*")
    with TestClient(create_app(settings, lore_for(settings))) as c:
        ready = c.get("/readyz").json()
        assert ready["status"] == "degraded" and ready["version"] == "v1"
        assert ready["degraded"]["version"] == "v2" and "cannot be read" in ready["degraded"][
            "reason"]
        r = c.post("/ask", json=ASK)
        assert r.status_code == 200 and r.json()["version"] == "v1"
        assert "twenty" in r.json()["answer"]
    record = open_registry(settings).get("v2")
    assert record.status == "failed" and "cannot be read" in str(record.error)


def test_damaged_while_serving_fails_one_request_then_falls_back(tmp_path, ingest, lore_for):
    settings = two_versions(tmp_path, ingest)
    with TestClient(create_app(settings, lore_for(settings))) as c:
        assert c.post("/ask", json=ASK).json()["version"] == "v2"
        scramble(settings.home, "v2", "page_*.dat")
        first = c.post("/ask", json=ASK, headers=FRESH)
        assert first.status_code == 503, first.text
        assert first.json()["error"] == "VersionBroken" and "v2" in first.json()["detail"]
        after = [c.post("/ask", json=ASK) for _ in range(3)]
        assert [(r.status_code, r.json()["version"]) for r in after] == [(200, "v1")] * 3
        assert c.get("/readyz").json()["status"] == "degraded"
        versions = {v["id"]: v for v in c.get("/versions").json()}
        assert versions["v2"]["status"] == "failed" and versions["v1"]["active"]


def test_the_only_version_damaged_says_what_to_do(tmp_path, ingest, lore_for):
    settings = Settings.of(home=tmp_path / "home", reload_seconds=0.0)
    ingest(settings, corpus(tmp_path / "a", "twenty"), True)
    (next((settings.home / "index" / "v1" / "segments").iterdir()) / "segment.json").write_text(
        "{garbage")
    with TestClient(create_app(settings, lore_for(settings))) as c:
        ready = c.get("/readyz")
        assert ready.status_code == 503 and "v1 cannot be read" in ready.json()["detail"]
        assert "no active index version yet" not in ready.json()["detail"]
        r = c.post("/ask", json=ASK)
        assert r.status_code == 503 and "rebuild" in r.json()["detail"]
