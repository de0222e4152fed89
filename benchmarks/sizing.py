"""Memory per million chunks on Qdrant Edge, by storage layout: what docs/deploy.md's sizing
table is measured from.

    .venv/bin/python benchmarks/sizing.py [--chunks 100000] [--json OUT]

Builds one shard per layout from the padded rhdh corpus (benchmarks/query_corpus.py: copies
of the 28 manuals, each copy's vectors its base chunk's plus noise), with lore's vectors, BM25
vectors and payload indexes. Each shard is then opened by a fresh process that runs
QUESTIONS searches as lore does (dense 50 + BM25 50 + the payload of the hits) and reports
its memory: anonymous (the process's own, must be RAM) and file-backed (mmap'd index files in
the page cache, which the kernel can evict at the cost of disk reads), less the same
process's memory before it opened the shard. Figures scale linearly, so per million chunks =
measured x 1e6 / chunks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import qdrant_edge as qe
from machine import rss_mib
from query_corpus import copies, load_base, mean_length
from query_scale import disk_mib

from core.tokenizer import get_tokenizer
from index.base import DENSE, SPARSE
from index.bm25 import doc_vector, index_terms, query_vector
from index.edge import _INDEXES, EdgeStore, _point
from ingestion.cache import EmbeddingCache
from lore.settings import Settings
from lore.stores import load_embedder

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rhdh"
QUESTIONS = 200
M = qe.Memory


def layouts(dim: int) -> dict[str, qe.EdgeConfig]:
    """lore's Edge layout (index/edge.py) and the alternatives docs/deploy.md weighs."""
    sparse = {SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)}
    int8 = qe.ScalarQuantizationConfig(type=qe.ScalarType.Int8, quantile=0.99, memory=M.Pinned)

    def config(vectors: qe.Memory, payload: qe.Memory, quantized: bool = False) -> qe.EdgeConfig:
        params = qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine, memory=vectors,
                                     quantization_config=int8 if quantized else None)
        return qe.EdgeConfig(vectors={DENSE: params}, sparse_vectors=sparse,
                             payload_memory=payload, wal_enabled=False)

    return {
        "lore (vectors cached, payload on disk)": config(M.Cached, M.Cold),
        "payload in RAM too": config(M.Cached, M.Cached),
        "vectors on disk": config(M.Cold, M.Cold),
        "int8 in RAM, float32 on disk": config(M.Cold, M.Cold, quantized=True),
    }


def build(path: Path, config: qe.EdgeConfig, base, n: int, count) -> float:
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    shard = qe.EdgeShard.create(str(path), config)
    for name, schema in _INDEXES:
        shard.update(qe.UpdateOperation.create_field_index(name, schema))
    avgdl = mean_length(base, n)
    for part in copies(base, n, count):
        sparse = [doc_vector(t, avgdl, 1.2, 0.75) for t in part.terms]
        points = list(map(_point, part.chunks, part.dense, sparse))
        for i in range(0, len(points), 256):
            shard.update(qe.UpdateOperation.upsert_points(points[i:i + 256]))
    shard.flush()
    shard.optimize()
    shard.flush()
    shard.close()
    return time.perf_counter() - started


def probe(shard: Path, vectors: Path, questions: Path) -> None:
    """In a fresh process: memory before, open and search, memory after (JSON on stdout)."""
    before = rss_mib(os.getpid())
    store = EdgeStore(shard.parent)
    qs = json.loads(questions.read_text())
    dense = np.load(vectors)
    ms = []
    for vector, q in zip(dense, qs, strict=True):
        started = time.perf_counter()
        hits = store.search_dense(shard.name, vector, 50)
        hits += store.search_sparse(shard.name, query_vector(index_terms(q)), 50)
        store.get(shard.name, [h.chunk.id for h in hits[:8]])
        ms.append((time.perf_counter() - started) * 1000)
    after = rss_mib(os.getpid())
    print(json.dumps({"anon": after["RssAnon"] - before["RssAnon"],
                      "file": after["RssFile"] - before["RssFile"],
                      "p50_ms": float(np.percentile(ms, 50))}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--root", type=Path, default=Path("/tmp/lore-bench/sizing"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/lore-bench/embeddings.sqlite"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--probe", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        return probe(*args.probe)
    settings = Settings.of(home=args.root / "home")
    embedder = load_embedder(settings)
    base = load_base(DATA / "docs", settings.ingest, embedder, EmbeddingCache(args.cache))
    count = get_tokenizer(settings.ingest.embedding_model).count
    questions = [json.loads(x)["question"] for x in (DATA / "qa-dev.jsonl").open()][:QUESTIONS]
    args.root.mkdir(parents=True, exist_ok=True)
    (args.root / "questions.json").write_text(json.dumps(questions))
    np.save(args.root / "vectors.npy", embedder.embed(questions))
    rows = []
    for i, (name, config) in enumerate(layouts(base.vectors.shape[1]).items()):
        shard = args.root / "shards" / f"layout{i}"
        seconds = build(shard, config, base, args.chunks, count)
        done = subprocess.run([sys.executable, __file__, "--probe", str(shard),
                               str(args.root / "vectors.npy"), str(args.root / "questions.json")],
                              capture_output=True, text=True, check=True)
        got = json.loads(done.stdout.strip().splitlines()[-1])
        scale = 1e6 / args.chunks / 1024  # MiB measured -> GiB per million chunks
        rows.append({"layout": name, "build_s": seconds, "disk_gib_per_m": disk_mib(shard) * scale,
                     "anon_gib_per_m": got["anon"] * scale, "file_gib_per_m": got["file"] * scale,
                     "p50_ms": got["p50_ms"]})
        print(rows[-1], flush=True)
    print("| layout | build (s) | disk GiB / 1M | anonymous GiB / 1M | page cache GiB / 1M | "
          "search p50 (ms) |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['layout']} | {r['build_s']:.0f} | {r['disk_gib_per_m']:.2f} | "
              f"{r['anon_gib_per_m']:.2f} | {r['file_gib_per_m']:.2f} | {r['p50_ms']:.1f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
