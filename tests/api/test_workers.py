"""`lore serve --workers 2`: two processes over one home follow a promote and a rollback.

v1 and v2 are built in a private home and the real CLI serves it with two workers on loopback.
Every request opens its own connection, so the kernel hands it to whichever worker accepts
first; each response names its worker (`x-lore-worker`). Requests go on until both workers have
answered from the version just made active, by another process (`lore promote`, `lore
rollback`), as operators do it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from lore.settings import Settings

LORE = Path(sys.executable).parent / "lore"
WORKERS = 2
DOCS = {
    "notes/parking.txt": "Parking at the Eindhoven office is in the Strijp-S garage.",
    "notes/lunch.txt": "Lunch is served in the canteen on floor 3 between 12:00 and 13:30.",
}
NEW = {"notes/visitors.txt": "Visitor badges are printed at the reception desk on floor 1."}
QUESTION = "Where are visitor badges printed?"
# Requests per phase at most: each lands on one of 2 workers, so both have answered after a
# handful; the bound only stops a broken server from looping forever.
MAX_REQUESTS = 300
# Bounds that only a hang reaches: start-up (two model loads, 120 s) and one request.
POLL_S = 0.2
START_POLLS = 600
REQUEST_TIMEOUT_S = 30.0
RELOAD_S = "0.2"  # how often each worker re-reads the registry


def _write(root: Path, docs: dict[str, str]) -> Path:
    for name, text in docs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n")
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def lore_serve(home: Path, workers: int, log: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "LORE_RELOAD_SECONDS": RELOAD_S}
    command = [str(LORE), "serve", "--home", str(home), "--port", str(port), "--workers",
               str(workers)]
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        _wait_ready(f"http://127.0.0.1:{port}", log)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the supervisor and its workers
        proc.wait(REQUEST_TIMEOUT_S)


def _cli(*args: str, home: Path) -> None:
    done = subprocess.run([str(LORE), *args, "--home", str(home)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _search(base: str) -> tuple[str, str | None]:
    """(worker pid, version) of one /search on a connection of its own."""
    r = httpx.post(f"{base}/search", json={"question": QUESTION}, timeout=REQUEST_TIMEOUT_S)
    assert r.status_code == 200, r.text
    return r.headers["x-lore-worker"], r.json()["version"]


def _wait_ready(base: str, log: Path) -> None:
    for _ in range(START_POLLS):
        try:
            if httpx.get(f"{base}/readyz", timeout=REQUEST_TIMEOUT_S).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(POLL_S)  # still loading the models
    raise AssertionError(f"lore serve did not become ready:\n{log.read_text()[-3000:]}")


def _until_all_serve(base: str, version: str) -> set[str]:
    """Search until WORKERS distinct workers answered from `version`; once a worker has, it
    must never answer from another version again. The workers that did."""
    switched: set[str] = set()
    for _ in range(MAX_REQUESTS):
        pid, got = _search(base)
        assert got == version or pid not in switched, f"worker {pid} went back to {got}"
        if got == version:
            switched.add(pid)
        if len(switched) == WORKERS:
            return switched
    raise AssertionError(f"only workers {switched} served {version} in {MAX_REQUESTS} requests")


def test_two_workers_follow_a_promote_and_a_rollback(tmp_path: Path, ingest) -> None:
    settings = Settings.of(home=tmp_path / "home")
    docs = _write(tmp_path / "docs", DOCS)
    v1 = ingest(settings, docs, True).version
    v2 = ingest(settings, _write(docs, NEW), False).version
    with lore_serve(settings.home, WORKERS, tmp_path / "serve.log") as base:
        workers = _until_all_serve(base, v1)
        _cli("promote", v2, home=settings.home)
        assert _until_all_serve(base, v2) == workers
        _cli("rollback", home=settings.home)
        assert _until_all_serve(base, v1) == workers
    assert len(workers) == WORKERS


def test_each_worker_gets_its_share_of_the_cores_and_a_fresh_metrics_folder(
    tmp_path: Path, monkeypatch
) -> None:
    from cli.commands.serving import cores, worker_environment

    monkeypatch.delenv("LORE_QUERY_THREADS", raising=False)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    settings = Settings.of(home=tmp_path / "home")
    env = worker_environment(settings, WORKERS, 8000)
    assert env["LORE_HOME"] == str(settings.home.resolve())
    assert int(env["LORE_QUERY_THREADS"]) == max(1, cores() // WORKERS)
    metrics = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    (metrics / "counter_123.db").write_bytes(b"a dead worker's numbers")
    again = Path(worker_environment(settings, WORKERS, 8000)["PROMETHEUS_MULTIPROC_DIR"])
    assert again == metrics and list(again.iterdir()) == []
    monkeypatch.setenv("LORE_QUERY_THREADS", "3")  # an operator's choice stands
    assert "LORE_QUERY_THREADS" not in worker_environment(settings, WORKERS, 8000)
