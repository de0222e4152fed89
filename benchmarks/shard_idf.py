"""BM25 on a sharded Qdrant collection: IDF counted per shard vs over the whole collection.

    .venv/bin/python benchmarks/shard_idf.py [--shards 2,3,6,12]

Qdrant's IDF modifier counts N and document frequencies within each shard, and a sharded
query merges the shards' hits by score. This replays that on lore's own BM25 vectors of the
rhdh manuals (1,713 distinct chunks; the query benchmark's padded copies would only measure
the order of ties), points spread over shards by a hash of their id as Qdrant does, and
compares the merged top 10 of the rhdh dev questions with the unsharded ranking. Fewer chunks
per shard is the harder case: a larger corpus on the same shards does at least as well.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import zlib
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from query_corpus import load_base

from index.bm25 import doc_vector, index_terms, query_vector
from ingestion.cache import EmbeddingCache
from lore.settings import Settings
from lore.stores import load_embedder

DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "rhdh"
TOP = 10


def idf(n: int, df: int) -> float:
    """Qdrant's (Lucene's) IDF, index/bm25.py."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def top(docs: list[dict[int, float]], members: list[list[int]], query: set[int]) -> list[int]:
    """The merged top hits when each group of `members` scores with its own IDF."""
    scored: list[tuple[float, int]] = []
    for group in members:
        df = Counter(t for i in group for t in docs[i] if t in query)
        for i in group:
            s = sum(idf(len(group), df[t]) * w for t, w in docs[i].items() if t in query)
            if s > 0:
                scored.append((s, i))
    return [i for _, i in sorted(scored, reverse=True)[:TOP]]


def compare(docs: list[dict[int, float]], ids: list[str], questions: list[str],
            shards: int) -> tuple[float, float]:
    members: list[list[int]] = [[] for _ in range(shards)]
    for i, point in enumerate(ids):
        members[zlib.crc32(point.encode()) % shards].append(i)
    overlap = same_first = 0.0
    for q in questions:
        query = set(query_vector(index_terms(q)).indices)
        whole, split = top(docs, [list(range(len(docs)))], query), top(docs, members, query)
        overlap += len(set(whole) & set(split)) / max(len(whole), 1)
        same_first += bool(whole) and bool(split) and whole[0] == split[0]
    return overlap / len(questions), same_first / len(questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shards", default="2,3,6,12")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/lore-bench/embeddings.sqlite"))
    args = parser.parse_args()
    settings = Settings.of(home=Path("/tmp/lore-bench/shard-idf"))
    base = load_base(DATA / "docs", settings.ingest, load_embedder(settings),
                     EmbeddingCache(args.cache))
    questions = [json.loads(x)["question"] for x in (DATA / "qa-dev.jsonl").open()]
    questions = questions[: args.questions]
    terms = [h + b for h, b in zip(base.heading_tokens, base.body_tokens, strict=True)]
    avgdl = sum(map(len, terms)) / len(terms)
    ingest = settings.ingest
    docs = [dict(zip(v.indices, v.values, strict=True)) for v in
            (doc_vector(t, avgdl, ingest.bm25_k1, ingest.bm25_b) for t in terms)]
    ids = [c.id for c in base.chunks]
    print(f"| shards | chunks per shard | top-{TOP} overlap with unsharded | same first hit |")
    print("|---|---|---|---|")
    for shards in (int(s) for s in args.shards.split(",")):
        overlap, first = compare(docs, ids, questions, shards)
        print(f"| {shards} | {len(docs) // shards:,} | {overlap:.3f} | {first:.2f} |", flush=True)


if __name__ == "__main__":
    main()
