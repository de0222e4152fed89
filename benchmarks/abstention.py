"""The evidence step's trade-off curve: answerable questions refused against unanswerable ones
answered, per threshold, on the rhdh manuals and on the sample corpus.

    .venv/bin/python benchmarks/abstention.py [--write] [--set spell_correct=false ...]

Every question goes through lore's evaluate flow (the input guard off, so that every question
reaches the evidence step); the signals the step measured are kept and the threshold is swept
over them, which is what `LORE_MIN_EVIDENCE` would decide. rhdh: the dev set (answerable), the
45 questions of benchmarks/rhdh-unanswerable.jsonl (tuning) and the 38 of
benchmarks/rhdh-unanswerable-2.jsonl (held out, 18 of them "vocabulary-present"). Sample:
data/eval.jsonl and data/eval-unanswerable.jsonl. `--write` replaces the curve in
docs/abstention.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from quality_score import write_section
from quality_setup import bench_settings, ensure_index

from answer.evidence import THRESHOLD, Verdict
from lore.compose import build
from lore.stores import load_embedder
from pipeline.runner import run
from pipeline.state import Query, State

ROOT = Path(__file__).resolve().parents[1]
RHDH = ROOT.parent / "shared" / "datasets" / "rhdh"
SAMPLE = ROOT / "data"
SECTION = "Trade-off curve, measured"
THRESHOLDS = (0.0, 0.40, 0.44, 0.48, 0.50, 0.52, 0.54, 0.56, 0.58, 0.60, 0.62, 0.66)



@dataclass(frozen=True)
class Row:
    group: str  # answerable / tuning / held / vocabulary / unanswerable
    verdict: Verdict | None  # None: no evidence step ran (nothing retrieved)

    def answers(self, threshold: float) -> bool:
        v = self.verdict
        return v is not None and not v.absent and v.score >= threshold


def measure(docs: Path, sets: dict[str, Path], overrides: dict[str, str]) -> list[Row]:
    """Each question's evidence verdict, by the group its file puts it in; a held-out question
    with `"kind": "vocabulary-present"` counts in that group too."""
    settings = bench_settings(docs, {"guard_input": "off", **overrides})
    embedder = load_embedder(settings)
    ensure_index(settings, docs, embedder)
    app = build(settings, encoder=embedder)
    out = []
    try:
        for group, path in sets.items():
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                item = json.loads(line)
                state, _ = run(app.flows.evaluate, State(Query(item["question"])))
                # An unanswerable question inside an answerable set counts as unanswerable.
                label = ("answerable" if item.get("answerable", True)
                         else "unanswerable" if group == "answerable" else group)
                out.append(Row(label, state.evidence))
                if item.get("kind") == "vocabulary-present":
                    out.append(Row("vocabulary", state.evidence))
    finally:
        app.close()
    return out


def share(rows: list[Row], group: str, threshold: float, answered: bool) -> str:
    """Of the group's rows, the share answered (or refused) at `threshold`, and how many."""
    picked = [r.answers(threshold) == answered for r in rows if r.group == group]
    return f"{100 * float(np.mean(picked)):.1f}%" if picked else "-"


def count(rows: list[Row], group: str) -> int:
    return sum(r.group == group for r in rows)


def curve(rhdh: list[Row], sample: list[Row]) -> str:
    lines = [f"| Threshold | rhdh answerable refused ({count(rhdh, 'answerable')}) | rhdh "
             f"unanswerable answered ({count(rhdh, 'tuning')}, tuning) | held out: answered "
             f"({count(rhdh, 'held')}) | of which vocabulary-present "
             f"({count(rhdh, 'vocabulary')}) | sample answerable refused "
             f"({count(sample, 'answerable')}) | sample unanswerable answered "
             f"({count(sample, 'unanswerable')}) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for t in THRESHOLDS:
        cells = [share(rhdh, "answerable", t, False), share(rhdh, "tuning", t, True),
                 share(rhdh, "held", t, True), share(rhdh, "vocabulary", t, True),
                 share(sample, "answerable", t, False), share(sample, "unanswerable", t, True)]
        bold = "**" if abs(t - THRESHOLD) < 1e-9 else ""
        lines.append(f"| {bold}{t:.2f}{bold} | " + " | ".join(f"{bold}{c}{bold}" for c in cells)
                     + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--write", action="store_true",
                    help=f"update '{SECTION}' in docs/abstention.md")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
    args = ap.parse_args(argv)
    overrides = dict(pair.split("=", 1) for pair in args.set)
    bench = ROOT / "benchmarks"
    rhdh = measure(RHDH / "docs", {"answerable": RHDH / "qa-dev.jsonl",
                                   "tuning": bench / "rhdh-unanswerable.jsonl",
                                   "held": bench / "rhdh-unanswerable-2.jsonl"}, overrides)
    sample = measure(SAMPLE / "corpus", {"answerable": SAMPLE / "eval.jsonl",
                                         "unanswerable": SAMPLE / "eval-unanswerable.jsonl"},
                     {"trust_file": str(SAMPLE / "trust.yaml"), **overrides})
    flags = "".join(f" --set {p}" for p in args.set)
    text = (f"{curve(rhdh, sample)}\n\nCommand: `.venv/bin/python "
            f"benchmarks/abstention.py{flags}{' --write' if args.write else ''}`\n")
    print(text)
    if args.write:
        write_section(ROOT / "docs" / "abstention.md", SECTION, text)


if __name__ == "__main__":
    main(sys.argv[1:])
