"""/ask throughput of `lore serve` with 1 and N workers, against the machine's limit.

    .venv/bin/python benchmarks/throughput.py [--configs 1x2,1x1,2x1] [--clients 1,4,16,64]
                                              [--json OUT]

The index is the 28 rhdh manuals (built once into --home by the ingest pipeline); questions
are the rhdh dev set's, cycled. For each configuration WxT, `lore serve --workers W` runs with
T encoder threads per worker (LORE_QUERY_THREADS; `lore serve` gives each of N workers
cores/N) in its own process tree on loopback, with the answer caches off (repeated questions
would measure the cache, benchmarks/cache.py does that). Every question is asked W times first
(a worker's sentence-vector cache warms as in service), then for each client count that many
clients each send one /ask at a time (benchmarks/http_load.py, a connection per request unless
--keep-alive) for --warm s, then --seconds s measured. Reported per cell: questions/s, p50/p99
latency, the server's CPU time per question (supervisor and workers, from /proc), the load
generator's, and the share of the limit reached: questions/s / (cores / server CPU s per
question). Targets: N workers >= 1.7x one worker at 16 clients on 2 cores, and >= 0.8 of the
limit.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import httpx
import numpy as np
from http_load import request, run
from machine import Load, rss_mib, tree_cpu_seconds

from lore import stores
from lore.settings import Settings
from lore.stores import load_ingest_embedder

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rhdh"
LORE = Path(sys.executable).parent / "lore"
START_WAIT_S = 300.0  # workers load the encoder and open the index; only a hang takes longer
NO_ANSWER_CACHE = {"LORE_CACHE_EXACT": "false", "LORE_CACHE_SEMANTIC": "false"}
PRIME_CLIENTS = 8


def ensure_index(home: Path, docs: Path) -> str:
    settings = Settings.of(home=home)
    registry = stores.open_registry(settings)
    active = registry.active()
    if active is not None:
        return active.id
    build = stores.ingestor(settings, load_ingest_embedder(settings))
    try:
        return build.run(docs, promote=True).version
    finally:
        build.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, home: Path, workers: int, threads: int) -> None:
        self.port, self.workers, self.threads = free_port(), workers, threads
        command = [str(LORE), "serve", "--home", str(home), "--port", str(self.port),
                   "--workers", str(workers)]
        env = {**os.environ, "LORE_QUERY_THREADS": str(threads), **NO_ANSWER_CACHE}
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=env)
        self.base = f"http://127.0.0.1:{self.port}"

    def wait(self) -> set[str]:
        """Until every worker has answered a /search (each loads its own model)."""
        seen: set[str] = set()
        deadline = time.monotonic() + START_WAIT_S
        while len(seen) < self.workers and time.monotonic() < deadline:
            try:
                r = httpx.post(f"{self.base}/search", json={"question": "warm-up"}, timeout=60)
                if r.status_code == 200:
                    seen.add(r.headers["x-lore-worker"])
            except httpx.TransportError:
                time.sleep(0.5)
        if len(seen) < self.workers:
            raise RuntimeError(f"only {len(seen)} of {self.workers} workers answered")
        return seen

    def prime(self, questions: list[str]) -> None:
        """Each question asked once per worker (the kernel spreads them over the workers)."""
        def ask(q: str) -> None:
            httpx.post(f"{self.base}/ask", json={"question": q}, timeout=120)

        with ThreadPoolExecutor(PRIME_CLIENTS) as pool:
            list(pool.map(ask, questions * self.workers))

    def cpu(self) -> float:
        return tree_cpu_seconds(self.proc.pid)

    def rss(self) -> float:
        from machine import descendants

        return sum(rss_mib(p)["VmRSS"] for p in [self.proc.pid, *descendants(self.proc.pid)])

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(60)


def cell(server: Server, bodies: list[bytes], clients: int, args: argparse.Namespace) -> dict:
    cpu = time.process_time()
    tally = run("127.0.0.1", server.port, bodies, clients, args.warm, args.seconds,
                args.keep_alive, server.cpu)
    n = len(tally.latencies_ms)
    server_cpu = (tally.probes[1] - tally.probes[0]) / max(n, 1)
    qps = n / args.seconds
    limit = (os.cpu_count() or 1) / server_cpu if server_cpu else float("nan")
    return {
        "workers": server.workers, "threads": server.threads, "clients": clients,
        "requests": n, "errors": tally.errors,
        "qps": qps, "p50_ms": float(np.percentile(tally.latencies_ms, 50)),
        "p99_ms": float(np.percentile(tally.latencies_ms, 99)),
        "server_cpu_ms": 1000 * server_cpu,
        "client_cpu_ms": 1000 * (time.process_time() - cpu) / max(n, 1),
        "limit_qps": limit, "of_limit": qps / limit,
        "split": sorted(tally.workers.values(), reverse=True),
    }


def table(cells: list[dict]) -> str:
    head = ("| workers | threads each | clients | questions/s | p50 ms | p99 ms | server CPU ms/q "
            "| client CPU ms/q | limit q/s | of limit | answers per worker |")
    lines = [head, "|" + "---|" * 11]
    for c in cells:
        lines.append(
            f"| {c['workers']} | {c['threads']} | {c['clients']} | {c['qps']:.1f} | "
            f"{c['p50_ms']:.1f} | "
            f"{c['p99_ms']:.1f} | {c['server_cpu_ms']:.1f} | {c['client_cpu_ms']:.2f} | "
            f"{c['limit_qps']:.1f} | {c['of_limit']:.2f} | {' / '.join(map(str, c['split']))} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cores = os.cpu_count() or 1
    parser.add_argument("--configs", default=f"1x{cores},1x1,{cores}x1",
                        help="WORKERSxTHREADS, comma-separated")
    parser.add_argument("--clients", default="1,4,16,64")
    parser.add_argument("--warm", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--keep-alive", action="store_true")
    parser.add_argument("--home", type=Path, default=Path("/tmp/lore-bench/throughput"))
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    version = ensure_index(args.home, args.data / "docs")
    questions = [json.loads(line)["question"] for line in (args.data / "qa-dev.jsonl").open()]
    bodies = [request("/ask", {"question": q}, args.keep_alive) for q in questions]
    cells, notes = [], []
    with Load() as load:
        for config in args.configs.split(","):
            workers, threads = (int(n) for n in config.split("x"))
            server = Server(args.home, workers, threads)
            try:
                server.wait()
                server.prime(questions)
                for clients in (int(c) for c in args.clients.split(",")):
                    cells.append(cell(server, bodies, clients, args))
                    print(table(cells[-1:]).splitlines()[-1], flush=True)
                notes.append(f"{workers} worker(s) x {threads} thread(s): "
                             f"RSS {server.rss():.0f} MiB in all")
            finally:
                server.stop()
    body = table(cells) + "\n\n" + "\n".join(f"- {n}" for n in notes)
    body += (f"\n- version {version} of {args.data / 'docs'}; {args.warm:.0f} s warm-up + "
             f"{args.seconds:.0f} s per cell; connection per request: {not args.keep_alive}"
             f"\n- {load.note()}")
    print(body)
    if args.json:
        args.json.write_text(json.dumps(cells, indent=2))


if __name__ == "__main__":
    main()
