"""Ingest throughput: raw embedding vs the whole pipeline, and an unchanged re-ingest.

    .venv/bin/python benchmarks/ingest.py [DOCS]    (default ../shared/datasets/rhdh/docs)

One process, one model load. Targets: pipeline >= 0.85 x raw embedding throughput on the same
chunk texts; a second ingest of the unchanged corpus >= 20x faster than the first.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from lore import compose
from lore.compose import load_embedder
from lore.settings import Settings

DEFAULT_DOCS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "rhdh" / "docs"


def main(docs: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.of(home=Path(tmp))
        embedder = load_embedder(settings)
        embedder.embed(["warm-up: first calls pay for lazy initialisation"] * 64)
        ingestor = compose.ingestor(settings, embedder)
        t0 = time.perf_counter()
        first = ingestor.run(docs, promote=True)
        t_first = time.perf_counter() - t0
        texts = [c.embed_text for c, _ in ingestor.store.scan(first.version)]
        t0 = time.perf_counter()
        embedder.embed(texts)
        t_raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = ingestor.run(docs, promote=True)
        t_second = time.perf_counter() - t0
    raw, pipe = len(texts) / t_raw, first.chunks / t_first
    rows = [
        ("documents / chunks", f"{first.documents} / {first.chunks}"),
        ("raw embedding (chunks/s)", f"{raw:.1f}"),
        ("pipeline, first ingest (chunks/s)", f"{pipe:.1f}"),
        ("pipeline / raw (target >= 0.85)", f"{pipe / raw:.2f}"),
        ("first ingest (s)", f"{t_first:.2f}"),
        (f"unchanged re-ingest (s), embedded {second.embedded}", f"{t_second:.2f}"),
        ("speed-up of re-ingest (target >= 20)", f"{t_first / t_second:.1f}x"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DOCS.resolve())
