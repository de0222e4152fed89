"""Query latency at 10k, 100k and 1M chunks: per stage, /search over HTTP, a naive baseline,
fusion inside Qdrant Edge vs lore's Python fusion, and how build time, index size on disk and
the memory of `lore serve` grow with the corpus (a PNG in docs/).

    .venv/bin/python benchmarks/query.py [--sizes 10000,100000,1000000] [--queries 100] [--write]

The corpus is the rhdh manuals (../shared/datasets/rhdh) padded with marked copies up to each
size (see query_corpus.py: copies reuse their base chunk's vector plus noise). Questions are the
rhdh dev set's. Stages come from the ask flow in this process; /search is timed by an HTTP
client against `lore serve` in its own process on loopback. Built versions are kept in --home and
reused by later runs. Each size gets its own `lore serve --workers 1`, so its RSS is that
size's alone. The naive baseline runs up to BASELINE_MAX chunks (BM25Okapi holds every text in
Python). `--write` replaces the "Query latency" section of docs/benchmarks.md and writes
docs/scale-curve.png. Target: /search p50 <= 30 ms at 100k chunks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
from quality_score import write_section
from query_baseline import Baseline
from query_corpus import build_version, load_base, padded
from query_measure import (
    STAGES,
    Samples,
    baseline_samples,
    fusion_samples,
    search_samples,
    serving_samples,
    stage_samples,
)
from query_scale import Growth, disk_mib, growth_table, plot

from api.app import limit_query_threads
from core.tokenizer import get_tokenizer
from ingestion.cache import EmbeddingCache
from lore.compose import build
from lore.settings import Settings
from lore.stores import load_embedder
from retrieval.rerank import RerankWeights

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rhdh"
BENCH_ROOT = Path("/tmp/lore-bench")
WARM_UP = 10  # queries run first and not counted: lazy initialisation, caches, page faults
# Longest qdrant-client local-mode build attempted; beyond it the 10k numbers are extrapolated.
LOCAL_BUILD_BUDGET_S = 300.0
# BM25Okapi scores every document in Python (~1 s a query at 100k): fewer questions suffice.
BASELINE_QUERIES = 30
# Above this the baseline is not run: BM25Okapi's Python index of 1M texts alone needs ~10 GB.
BASELINE_MAX = 100_000


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def cell(values: list[float]) -> str:
    return f"{pct(values, 50):.1f} / {pct(values, 95):.1f}"


def retrieval(samples: Samples) -> list[float]:
    """Per query: dense + sparse + fuse, the part both lore and the baseline do."""
    return [a + b + c for a, b, c in zip(samples["dense"], samples["sparse"], samples["fuse"],
                                         strict=True)]


def label(n: int) -> str:
    return f"{n // 1000}k"


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.settings = Settings.of(home=args.home)
        self.embedder = load_embedder(self.settings)
        limit_query_threads()  # in-process stages run as `lore serve` runs them
        self.count = get_tokenizer(self.settings.ingest.embedding_model).count
        # Questions are embedded as `lore serve` embeds them (retrieval.query_encoder).
        self.app = build(self.settings)
        self.store, self.registry = self.app.store, self.app.registry
        rows = [json.loads(line) for line in (args.data / "qa-dev.jsonl").open()]
        self.questions = [r["question"] for r in rows][: WARM_UP + args.queries]
        self.vectors = self.embedder.embed(self.questions)
        self.notes: list[str] = []
        self.versions: dict[int, str] = {}
        self.stages: dict[int, Samples] = {}
        self.search: dict[int, Samples] = {}
        self.fusion: dict[int, Samples] = {}
        self.baseline: dict[int, Samples] = {}
        self.http: dict[int, list[float]] = {}
        self.growth: dict[int, Growth] = {}
        self.local_rate = 0.0  # qdrant-client local-mode build, points per second

    def measure_size(self, base, n: int) -> None:
        version, build_s = build_version(self.store, self.registry, self.settings.ingest,
                                         self.embedder.model_id, base, n, self.count)
        self.versions[n] = version
        self.growth[n] = Growth(n, build_s, disk_mib(self.args.home / "index" / version))
        built = f"built in {build_s:.0f} s" if build_s else "reused from --home"
        self.notes.append(f"{label(n)}: Edge version {version} ({n} chunks) {built}")
        q, warm = self.questions[WARM_UP:], self.questions[:WARM_UP]
        self.store.warm(version)  # as `lore serve` does before a version takes traffic
        stage_samples(self.app, version, warm)
        self.stages[n] = stage_samples(self.app, version, q)
        self.search[n] = search_samples(self.app, version, q)
        weights = RerankWeights.from_settings(self.settings.retrieval)
        k = self.settings.retrieval.dense_k
        self.fusion[n] = fusion_samples(self.store, version, self.vectors[WARM_UP:], q, weights, k)
        if n <= BASELINE_MAX:
            self.baseline[n] = self.run_baseline(padded(base, n, self.count), n)
        self.store.release(version)  # this process lets go; the next size has the memory

    def run_baseline(self, data, n: int) -> Samples:
        s = self.settings.retrieval
        baseline = Baseline(data, s.dense_k, s.sparse_k, s.rrf_k)
        self.notes.append(f"{label(n)}: BM25Okapi index built in {baseline.bm25_build_s:.0f} s")
        projected = n / self.local_rate if self.local_rate else 0.0
        if projected <= LOCAL_BUILD_BUDGET_S:
            baseline.build_dense(data.dense)
            self.local_rate = n / baseline.dense_build_s
            self.notes.append(f"{label(n)}: qdrant-client local mode built in "
                              f"{baseline.dense_build_s:.0f} s")
        else:
            self.notes.append(f"{label(n)}: qdrant-client local mode not built (projected "
                              f"{projected:.0f} s); its dense time is extrapolated")
        end = WARM_UP + BASELINE_QUERIES
        samples = baseline_samples(baseline, self.vectors[WARM_UP:end],
                                   self.questions[WARM_UP:end])
        if baseline.client is None:
            samples["dense"] = self.extrapolated_dense(n)
        return samples

    def extrapolated_dense(self, n: int) -> list[float]:
        """Local mode searches exhaustively: time grows linearly with the point count."""
        small = min(self.baseline)
        return [v * n / small for v in self.baseline[small]["dense"]]

    def measure_http(self) -> None:
        """Per size, its own `lore serve`: /search latency, then the server's memory."""
        for n, version in sorted(self.versions.items()):
            self.registry.promote(version)
            self.http[n], self.growth[n].rss = serving_samples(
                self.args.home, version, self.questions[:WARM_UP], self.questions[WARM_UP:])


def tables(run: Run) -> str:
    sizes = sorted(run.versions)
    head = "| stage | " + " | ".join(f"{label(n)} p50 / p95 (ms)" for n in sizes) + " |"
    rule = "|---" * (len(sizes) + 1) + "|"
    lines = [head, rule]
    for stage in STAGES:
        name = "ask total (in process)" if stage == "total" else stage
        lines.append(f"| {name} | " + " | ".join(cell(run.stages[n][stage]) for n in sizes) + " |")
    lines.append("| search in process, wall | " + " | ".join(cell(run.search[n]["wall"])
                                                             for n in sizes) + " |")
    lines.append("| search in process, CPU time | " + " | ".join(cell(run.search[n]["cpu"])
                                                                 for n in sizes) + " |")
    lines.append("| **/search over HTTP** | " + " | ".join(f"**{cell(run.http[n])}**"
                                                          for n in sizes) + " |")
    lines += ["", "| size | part | baseline p50 (ms) | lore p50 (ms) | baseline / lore |",
              "|---|---|---|---|---|"]
    for n in sorted(run.baseline):
        lore, base = run.stages[n], run.baseline[n]
        parts = [("sparse (BM25Okapi vs Edge)", base["sparse"], lore["sparse"]),
                 ("dense (local mode vs Edge HNSW)", base["dense"], lore["dense"]),
                 ("fuse (RRF)", base["fuse"], lore["fuse"]),
                 ("dense + sparse + fuse", retrieval(base), retrieval(lore))]
        for name, b, all_ours in parts:
            ours = all_ours[: len(b)]  # the same questions the baseline answered
            ratio = pct(b, 50) / max(pct(ours, 50), 1e-6)
            lines.append(f"| {label(n)} | {name} | {pct(b, 50):.1f} | {pct(ours, 50):.1f} | "
                         f"{ratio:.1f}x |")
    lines += ["", "| size | lore: 2 queries + Python RRF, p50 / p95 (ms) | Edge: prefetch x2 + "
              "Fusion.Rrf, p50 / p95 (ms) | Python / Edge |", "|---|---|---|---|"]
    for n in sizes:
        f = run.fusion[n]
        ratio = pct(f["python"], 50) / pct(f["edge"], 50)
        lines.append(f"| {label(n)} | {cell(f['python'])} | {cell(f['edge'])} | {ratio:.2f} |")
    lines += ["", growth_table([run.growth[n] for n in sizes], run.http)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--home", type=Path, default=BENCH_ROOT / "query")
    parser.add_argument("--cache", type=Path, default=BENCH_ROOT / "embeddings.sqlite")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    run = Run(args)
    base = load_base(args.data / "docs", run.settings.ingest, run.embedder,
                     EmbeddingCache(args.cache))
    docs = os.path.relpath(args.data / "docs", ROOT)
    run.notes.insert(0, f"{len(base.chunks)} base chunks from {docs}")
    for n in sorted(int(s) for s in args.sizes.split(",")):
        run.measure_size(base, n)
    run.measure_http()
    run.notes.append(f"{args.queries} questions per measurement after {WARM_UP} warm-up "
                     f"(baseline: the first {BASELINE_QUERIES}); torch threads 1 as in the API; "
                     f"{os.cpu_count()} cores; load average {load:.1f} at start, "
                     f"{os.getloadavg()[0]:.1f} at end; {time.perf_counter() - started:.0f} s")
    body = tables(run) + "\n\n" + "\n".join(f"- {note}" for note in run.notes)
    print(body)
    if args.write:
        command = "`.venv/bin/python benchmarks/query.py " + " ".join(sys.argv[1:]) + "`"
        write_section(ROOT / "docs" / "benchmarks.md", "Query latency",
                      f"Command: {command}\n\n{body}")
        plot([run.growth[n] for n in sorted(run.versions)], run.http,
             ROOT / "docs" / "scale-curve.png")


if __name__ == "__main__":
    main()
