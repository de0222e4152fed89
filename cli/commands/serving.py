"""How `lore serve --workers N` shares one home between processes.

Each worker is a process of its own (uvicorn's supervisor spawns it and imports
`api.app:factory`): it loads the query encoder and opens the index once, and reads its
settings from the environment set here. What must agree between workers lives under LORE_HOME,
where every process (and every replica on other hosts sharing the folder) reads it:

- which version serves, and the canary's share: the registry, whose stamp every worker polls
  (index/active.py), so a promote, canary or rollback reaches all of them within
  LORE_RELOAD_SECONDS; a sticky canary key hashes to the same side in every process;
- serving statistics (stats.sqlite) and rate limits (limits.sqlite): SQLite in WAL mode, one
  connection per process, so counts and buckets are the deployment's, not a worker's;
- metrics: prometheus-client's multi-process mode, whose files go to
  PROMETHEUS_MULTIPROC_DIR (<home>/run/metrics-<host>-<port>, emptied at start; per host,
  since replicas may share the home): a /metrics route must collect them with
  `prometheus_client.multiprocess.MultiProcessCollector`.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from ingestion.encoders import cores
from lore.settings import Settings

__all__ = ["cores", "worker_environment"]


def worker_environment(settings: Settings, workers: int, port: int) -> dict[str, str]:
    """The variables every worker process starts with (set ones are left alone)."""
    home = settings.home.resolve()
    env = {"LORE_HOME": str(home)}
    if "LORE_QUERY_THREADS" not in os.environ:
        # The cores split between the workers: N workers never run more encoder threads than
        # there are cores, which would only make them wait on each other.
        env["LORE_QUERY_THREADS"] = str(max(1, cores() // workers))
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        folder = home / "run" / f"metrics-{socket.gethostname()}-{port}"
        env["PROMETHEUS_MULTIPROC_DIR"] = str(fresh(folder))
    return env


def fresh(folder: Path) -> Path:
    """An empty folder: files of a previous run's (dead) workers would count as live ones."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
