"""API reference questions over the Python 3.11 library reference (Debian's python3.11-doc).

    apt-get install -y python3.11-doc
    .venv/bin/python benchmarks/apidocs.py [--write] [--docs /usr/share/doc/python3.11/html/library]

Ingests the library reference's HTML pages once (cached under /tmp/lore-bench, like the quality
benchmark) and asks every question of benchmarks/python-apidocs.jsonl: how-do-I questions that
do not name the API they are after, each with the page that documents it and the API name(s)
("a|b": either counts, as a whole word: `names_api`). Scores the right page among the top 5 hits
(target >= 90%) and answers that name the API (target >= 70%; an abstention names nothing),
through lore's evaluate flow.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The repository root first: the packages, whatever this folder holds.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quality_score import write_section
from quality_setup import bench_settings, ensure_index

from lore.compose import build
from lore.stores import load_embedder
from pipeline.runner import run
from pipeline.state import Query, State, need

ROOT = Path(__file__).resolve().parents[1]
DOCS = Path("/usr/share/doc/python3.11/html/library")
QUESTIONS = ROOT / "benchmarks" / "python-apidocs.jsonl"
SECTION = "API reference answers (python3.11-doc)"
TOP = 5


def names_api(answer: str, api: str) -> bool:
    """Whether the answer names one of the APIs as a whole word, not inside a longer one
    ("choice" is not named by "random.choices", "environ" not by "EnvironmentVarGuard"). A name
    that is also an English word is listed qualified in the questions file ("shutil.which",
    "itertools.chain"): "The variants which include ..." names nothing."""
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", answer) for name in api.split("|"))


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--write", action="store_true",
                    help=f"update '{SECTION}' in docs/benchmarks.md")
    args = ap.parse_args(argv)
    settings = bench_settings(args.docs, {})
    embedder = load_embedder(settings)
    version = ensure_index(settings, args.docs, embedder)
    app = build(settings, encoder=embedder)
    items = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    pages = named = abstained = 0
    misses, lost = [], []
    for item in items:
        state, _ = run(app.flows.evaluate, State(Query(item["question"])))
        top = [h.chunk.source for h in need(state.retrieval, "retrieval").hits[:TOP]]
        answer = need(state.answer, "answer")
        pages += item["page"] in top
        if item["page"] not in top:
            lost.append(f"{item['id']} ({item['page']}): {', '.join(Path(t).name for t in top)}")
        named += names_api(answer.text, item["api"])
        abstained += answer.abstained
        if not names_api(answer.text, item["api"]):
            misses.append(f"{item['id']} ({item['api']}): {answer.reason or answer.text[:100]}")
    n = len(items)
    chunks = app.store.count(version)
    text = f"""| Measure | Value | Target |
| --- | ---: | ---: |
| Right page in the top {TOP} | {pages / n:.1%} ({pages}/{n}) | >= 90% |
| Answers naming the API asked for | {named / n:.1%} ({named}/{n}) | >= 70% |
| Abstained | {abstained / n:.1%} ({abstained}/{n}) | |

{n} how-do-I questions of `benchmarks/{QUESTIONS.name}` over {args.docs} ({chunks} chunks,
definitions read as sections of their own by ingestion/html_parser.py), asked through lore's
evaluate flow with the extractive answerer and the evidence step at their defaults.

Command: `.venv/bin/python benchmarks/apidocs.py{' --write' if args.write else ''}`
"""
    print(text)
    print("Right page not in the top 5:\n  " + "\n  ".join(lost))
    print("Answers not naming the API:\n  " + "\n  ".join(misses))
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", SECTION, text)
    app.close()


if __name__ == "__main__":
    main(sys.argv[1:])
