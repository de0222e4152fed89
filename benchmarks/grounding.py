"""How well the verify step's support rule tells faithful claims from fabricated ones.

    .venv/bin/python benchmarks/grounding.py

Scores answer.grounding.supported on benchmarks/grounding-labelled.jsonl (a passage, a claim
citing it, and whether the claim is faithful to it) at several MIN_SUPPORT values: the share of
faithful claims kept and of fabricated ones dropped, per kind of fabrication. The figures are
quoted where the constant is set (answer/grounding.py).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from answer.grounding import MIN_SUPPORT, supported
from core.models import Passage

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "benchmarks" / "grounding-labelled.jsonl"
THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0)


def passage(text: str) -> Passage:
    return Passage("labelled.md", "labelled", (), None, ("c0",), text, 1.0, 0, 0, (0,))


def main() -> None:
    items = [json.loads(line) for line in LABELLED.read_text().splitlines() if line.strip()]
    faithful = [i for i in items if i["faithful"]]
    fabricated = [i for i in items if not i["faithful"]]
    kinds = Counter(i["kind"] for i in fabricated)
    print(f"{len(faithful)} faithful, {len(fabricated)} fabricated ({dict(kinds)})")
    print("| MIN_SUPPORT | faithful kept | fabricated dropped | dropped, by kind |")
    print("| ---: | ---: | ---: | --- |")
    for t in THRESHOLDS:
        kept = sum(supported(i["claim"], passage(i["passage"]), t) for i in faithful)
        dropped = [i for i in fabricated if not supported(i["claim"], passage(i["passage"]), t)]
        by_kind = Counter(i["kind"] for i in dropped)
        mark = " (default)" if t == MIN_SUPPORT else ""
        shares = f"{kept / len(faithful):.0%} | {len(dropped) / len(fabricated):.0%}"
        print(f"| {t:.2f}{mark} | {shares} "
              f"| {', '.join(f'{k} {by_kind[k]}/{n}' for k, n in kinds.items())} |")


if __name__ == "__main__":
    main()
