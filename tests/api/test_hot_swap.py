"""Promote under load: no request fails, and answers switch to the new version.

v1 and v2 are built in a private home; v2 adds one document that v1 lacks, so every answer
shows which version produced it. A stream of /ask requests runs against uvicorn on loopback
while v2 is promoted through the API, then v1 again from another process (`lore promote`).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.app import create_app
from lore.settings import Settings

QUESTION = "Where are visitor badges printed, and when must they be returned?"
NEW_DOC = "notes/visitors.txt"
DOCS = {
    "notes/parking.txt": (
        "Parking at the Eindhoven office is in the Strijp-S garage. Permits are handed out by "
        "Facilities. Bicycles go in the basement rack next to the lifts."
    ),
    "notes/lunch.txt": (
        "Lunch is served in the canteen on floor 3 between 12:00 and 13:30. Vegetarian meals "
        "are available every day; order special diets a day ahead."
    ),
}
VISITORS = (
    "Visitor badges are printed at the reception desk on floor 1. Visitors must return their "
    "badge at reception by 18:00 on the day of the visit."
)
WORKERS = 3
# Requests served in each phase (v1, v2 after the API promote, v1 after the CLI promote):
# 100-150 in all, enough to catch an occasional failure around a swap.
PER_PHASE = 30
# Hard cap on requests: the stream normally stops itself once the last phase is complete.
MAX_REQUESTS = 400
# Bound on each wait for the stream to reach a phase; far above the ~1 s a phase takes.
PHASE_WAIT_S = 30.0
RELOAD_S = 0.2  # how often the API re-reads the registry written by another process


@dataclass(frozen=True)
class Sample:
    start: float
    end: float
    status: int
    version: str | None
    sources: frozenset[str]
    error: str | None = None


class Stream:
    """WORKERS threads posting /ask until stopped or MAX_REQUESTS were sent."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.samples: list[Sample] = []
        self.sent = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run) for _ in range(WORKERS)]

    def _take(self) -> bool:
        with self.lock:
            if self.stop.is_set() or self.sent >= MAX_REQUESTS:
                return False
            self.sent += 1
            return True

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30.0) as client:
            while self._take():
                self._record(self._one(client))

    def _one(self, client: httpx.Client) -> Sample:
        start = time.monotonic()
        try:
            r = client.post("/ask", json={"question": QUESTION})
        except httpx.HTTPError as exc:
            return Sample(start, time.monotonic(), 0, None, frozenset(), repr(exc))
        body = r.json() if r.status_code == 200 else {}
        sources = frozenset(c["source"] for c in body.get("citations", []))
        error = None if r.status_code == 200 else r.text
        return Sample(start, time.monotonic(), r.status_code, body.get("version"), sources, error)

    def _record(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def wait_for(self, what: str, ok, count: int = 1) -> Sample:
        """The first of `count` responses matching `ok`, once that many have arrived."""
        deadline = time.monotonic() + PHASE_WAIT_S
        while time.monotonic() < deadline:
            with self.lock:
                found = [s for s in self.samples if ok(s)]
                sent = self.sent
            if len(found) >= count:
                return found[0]
            assert sent < MAX_REQUESTS, f"request cap reached before {count} responses {what}"
            time.sleep(0.02)
        raise AssertionError(f"fewer than {count} responses {what} within {PHASE_WAIT_S} s")

    def __enter__(self) -> Stream:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(PHASE_WAIT_S)


def _write(root: Path, docs: dict[str, str]) -> Path:
    for name, text in docs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n")
    return root


def _cli_promote(home: Path, version: str, cwd: Path) -> None:
    lore = Path(sys.executable).parent / "lore"
    done = subprocess.run([str(lore), "promote", version, "--home", str(home)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_promote_under_load_fails_nothing(tmp_path, lore_for, ingest, serve) -> None:
    settings = Settings.of(home=tmp_path / "home", reload_seconds=RELOAD_S)
    docs = _write(tmp_path / "docs", DOCS)
    v1 = ingest(settings, docs, True).version
    v2 = ingest(settings, _write(docs, {NEW_DOC: VISITORS}), False).version
    app = create_app(settings, lore_for(settings))
    with serve(app) as base, Stream(base) as stream:
        stream.wait_for("from v1", lambda s: s.version == v1, PER_PHASE)
        r = httpx.post(f"{base}/versions/{v2}/promote", timeout=30.0)
        assert r.status_code == 200 and r.json()["active"], r.text
        promoted = time.monotonic()
        stream.wait_for("after the API promote", lambda s: s.start > promoted, PER_PHASE)
        cli_start = time.monotonic()
        _cli_promote(settings.home, v1, tmp_path)
        cli_done = time.monotonic()
        back = stream.wait_for("from v1 again", lambda s: s.start > cli_done and s.version == v1)
        stream.wait_for("after the switch back", lambda s: s.start > back.end, PER_PHASE)
    samples = stream.samples
    assert [s.error for s in samples if s.status != 200] == []
    assert len(samples) <= MAX_REQUESTS
    for s in samples:  # each answer comes wholly from the version it names
        assert (NEW_DOC in s.sources) == (s.version == v2), s
    # The API promote is synchronous: every request that began after it was answered by v2.
    assert {s.version for s in samples if promoted < s.start and s.end < cli_start} == {v2}
    # Once one request saw the other process's promote, no later one went back to v2.
    assert {s.version for s in samples if s.start > back.end} == {v1}
