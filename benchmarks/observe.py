"""What tracing and metrics cost an /ask: the same questions, in one process, answered by two
query sides over one index, one keeping, counting and exporting every trace and one not.

    .venv/bin/python benchmarks/observe.py [--rounds 5] [--write]

Extractive path, answer cache off (every question answered in full), the sample corpus and
the questions of data/eval.jsonl; requests alternate between the two sides so load drifts
hit both alike. Target (issue 15): tracing on adds <= 5% to the /ask p50.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from quality_score import write_section

from lore import compose, stores
from lore.settings import Settings
from pipeline.state import Query

ROOT = Path(__file__).resolve().parents[1]
HOME = Path("/tmp/lore-bench/observe")
SECTION = "Instrumentation overhead"


def side(tracing: bool, encoder) -> compose.Lore:
    settings = Settings.of(home=HOME, trust_file=ROOT / "data" / "trust.yaml",
                           cache_exact=False, tracing=tracing)
    return compose.build(settings, encoder=encoder)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    base = Settings.of(home=HOME, trust_file=ROOT / "data" / "trust.yaml")
    encoder = stores.load_query_embedder(base)
    if stores.open_registry(base).active() is None:
        ingest = stores.ingestor(base, stores.load_embedder(base))
        ingest.run(ROOT / "data" / "corpus", promote=True)
        ingest.close()
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "data" / "eval.jsonl").read_text().splitlines() if line.strip()]
    on, off = side(True, encoder), side(False, encoder)
    times: dict[str, list[float]] = {"on": [], "off": []}
    for q in questions[:3]:  # warm-up: lazy initialisation is not a request's latency
        on.ask(Query(q))
        off.ask(Query(q))
    for r in range(args.rounds):
        for q in questions:
            order = (("on", on), ("off", off)) if r % 2 == 0 else (("off", off), ("on", on))
            for name, app in order:
                start = time.perf_counter()
                app.ask(Query(q))
                times[name].append((time.perf_counter() - start) * 1000)
    p50 = {k: statistics.median(v) for k, v in times.items()}
    ratio = p50["on"] / p50["off"]
    table = "\n".join([
        "| tracing | /ask p50 (ms) | requests |", "|---|---:|---:|",
        f"| on (trace store + metrics) | {p50['on']:.2f} | {len(times['on'])} |",
        f"| off | {p50['off']:.2f} | {len(times['off'])} |",
        f"| **on / off (target <= 1.05)** | **{ratio:.3f}** | |",
    ])
    load = os.getloadavg()[0]
    text = (f"Command: `.venv/bin/python benchmarks/observe.py --rounds {args.rounds}`; load "
            f"average {load:.1f} on {os.cpu_count()} cores while measured.\n\n{table}\n\n"
            "Extractive path with the answer cache off; the two query sides share one index "
            "and one encoder and take turns per question.")
    print(text)
    on.close()
    off.close()
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", SECTION, text)


if __name__ == "__main__":
    main(sys.argv[1:])
