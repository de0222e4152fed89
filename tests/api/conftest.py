"""The HTTP API over real components: the shared sample index, or private homes for writers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from ingestion.report import RunReport
from ingestion.runner import Job, run_job
from lore.promotion import unattended
from lore.settings import Settings
from lore.stores import ingestor, open_registry, open_store

# Generous bound for a loopback server thread to start or stop; only reached on a hang.
SERVER_WAIT_S = 30.0


@pytest.fixture(scope="session")
def client(sample_index, sample_lore) -> Iterator[TestClient]:
    """Read-only client over the shared sample index; no keys, so every route is open."""
    settings, _ = sample_index
    with TestClient(create_app(settings, sample_lore)) as c:
        yield c


@pytest.fixture(scope="session")
def ingest(embedder) -> Callable[[Settings, Path, bool], RunReport]:
    """Build a version of `root` in `settings.home` with the pipeline itself."""

    def run(settings: Settings, root: Path, promote: bool = False) -> RunReport:
        build = ingestor(settings, embedder)
        try:
            return build.run(root, promote=promote)
        finally:
            build.close()

    return run


def build(settings: Settings, root: Path, embedder) -> str:
    """One `lore ingest` run (recorded under runs/, as the CLI records it), not promoted."""
    store, registry = open_store(settings), open_registry(settings)
    try:
        record = run_job(Job(settings.ingest, settings.home, root), store, registry,
                         lambda: embedder, unattended(settings))
    finally:
        store.close()
    assert record.version is not None
    return record.version


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn on a free loopback port in a thread; yields the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port: no race with other tests
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + SERVER_WAIT_S
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(SERVER_WAIT_S)
        sock.close()


@pytest.fixture(scope="session")
def serve() -> Callable[[FastAPI], object]:
    return serving
