"""Latency samples for the query benchmark: in-process stages, HTTP, fusion, baseline."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import qdrant_edge as qe
from machine import rss_mib
from query_baseline import Baseline

from index.base import DENSE, SPARSE
from index.bm25 import index_terms, query_vector
from index.edge import EdgeStore
from index.payload import from_payload
from lore.compose import Lore
from pipeline.state import Query
from retrieval.rerank import RerankWeights, fused_scores

Samples = dict[str, list[float]]  # stage -> one ms value per query
STAGES = ("embed", "dense", "sparse", "fuse", "rerank", "assemble", "generate", "verify",
          "total")
# Bound on the API process start (model load + first shard open) and on one request.
START_WAIT_S = 180.0
REQUEST_TIMEOUT_S = 30.0


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def stage_samples(app: Lore, version: str, questions: Sequence[str]) -> Samples:
    """The ask flow on one version, in process: the pipeline's own span timings."""
    out: Samples = {s: [] for s in STAGES}
    for q in questions:
        timings = app.ask(Query(q, version=version))[1].timings_ms()
        for stage in STAGES:  # a step that did not run (an early abstention) took no time
            out[stage].append(timings.get(stage, 0.0))
    return out


def search_samples(app: Lore, version: str, questions: Sequence[str]) -> Samples:
    """The search flow in process: wall time, and CPU time of this process, which on a busy
    host approximates what the wall time would be on an idle one."""
    out: Samples = {"wall": [], "cpu": []}
    for q in questions:
        wall, cpu = time.perf_counter(), time.process_time()
        app.search(Query(q, version=version))
        out["cpu"].append((time.process_time() - cpu) * 1000)
        out["wall"].append(_ms(wall))
    return out


def fusion_samples(store: EdgeStore, version: str, vectors: np.ndarray,
                   questions: Sequence[str], weights: RerankWeights, k: int) -> Samples:
    """Dense + BM25 fused by lore in Python vs by Edge in one query (prefetch + RRF)."""
    shard = store._shard(version)  # the benchmark needs the raw Edge query API
    out: Samples = {"python": [], "edge": []}
    for vector, q in zip(vectors, questions, strict=True):
        sparse = query_vector(index_terms(q))
        started = time.perf_counter()
        dense_hits = store.search_dense(version, vector, k)
        sparse_hits = store.search_sparse(version, sparse, k)
        fused_scores(dense_hits, sparse_hits, weights)
        out["python"].append(_ms(started))
        started = time.perf_counter()
        request = qe.QueryRequest(
            limit=2 * k,  # the union python fusion scores: at most k from each list
            prefetches=[
                qe.Prefetch(limit=k, query=qe.Query.Nearest(vector.tolist(), using=DENSE)),
                qe.Prefetch(limit=k, query=qe.Query.Nearest(
                    qe.SparseVector(list(sparse.indices), list(sparse.values)), using=SPARSE)),
            ],
            query=qe.Fusion.Rrf(k=weights.rrf_k),  # type: ignore[arg-type]  # stub lacks Rrf
            with_payload=True, with_vector=False,
        )
        [from_payload(p.id, p.payload or {}) for p in shard.query(request)]
        out["edge"].append(_ms(started))
    return out


def baseline_samples(baseline: Baseline, vectors: np.ndarray,
                     questions: Sequence[str]) -> Samples:
    out: Samples = {"sparse": [], "dense": [], "fuse": []}
    for vector, q in zip(vectors, questions, strict=True):
        started = time.perf_counter()
        sparse = baseline.sparse(index_terms(q))
        out["sparse"].append(_ms(started))
        started = time.perf_counter()
        dense = baseline.dense(vector) if baseline.client is not None else []
        out["dense"].append(_ms(started))
        started = time.perf_counter()
        baseline.fuse(dense, sparse)
        out["fuse"].append(_ms(started))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def api_server(home: Path, workers: int = 1) -> Iterator[tuple[str, int]]:
    """`lore serve` on loopback in its own process, as deployed; yields its URL and pid."""
    port = _free_port()
    lore = Path(sys.executable).parent / "lore"
    command = [str(lore), "serve", "--home", str(home), "--port", str(port), "--workers",
               str(workers)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=os.environ)
    try:
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        proc.terminate()
        proc.wait(60)


def serving_samples(home: Path, version: str, warm: Sequence[str],
                    questions: Sequence[str]) -> tuple[list[float], dict[str, float]]:
    """/search latency of a fresh `lore serve --workers 1` serving `version`, and its memory
    (MiB: VmRSS, RssAnon, RssFile) after the questions."""
    with api_server(home) as (base, pid):
        wait_serving(base, version)
        http_samples(base, warm, version)
        samples = http_samples(base, questions, version)
        return samples, rss_mib(pid)


def wait_serving(base: str, version: str) -> None:
    deadline = time.monotonic() + START_WAIT_S
    while time.monotonic() < deadline:
        try:
            r = httpx.get(f"{base}/readyz", timeout=REQUEST_TIMEOUT_S)
            if r.status_code == 200 and r.json().get("version") == version:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base} did not serve {version} within {START_WAIT_S} s")


def http_samples(base: str, questions: Sequence[str], version: str) -> list[float]:
    """Client-side wall time of POST /search, one request at a time over keep-alive."""
    out = []
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        for q in questions:
            started = time.perf_counter()
            r = client.post("/search", json={"question": q})
            out.append(_ms(started))
            r.raise_for_status()
            assert r.json()["version"] == version
    return out


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return _ms(started) / 1000
