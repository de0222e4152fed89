"""How far lore's own retrieval could carry context recall and answer F1, with the answer known.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/quality_bounds.py [--limit N] [--write]

Two bounds on the rhdh dev set, each taken from what lore itself retrieved for the question:
- packing: lore's candidates (the hits and their neighbour windows, as context assembly sees
  them) packed greedily by new reference-context words per token, with lore's own passage
  headers, gap lines and budget: what coverage packing could reach if it knew the reference;
- answer: the 1 to MAX_PICKS sentences of lore's packed context that together score the best
  token F1 against the reference answer (greedy): what sentence choice could reach if it knew
  the reference answer, whatever the answerer's features.

`--write` replaces the benchmark's section of docs/tuning.md.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quality_score import write_section
from quality_setup import bench_settings, ensure_index, lore_app

from answer.extractive import NOT_FOUND, candidates
from answer.grounding import MARKER
from context.assemble import pool
from context.packing import PackingOrder
from context.passages import reading_order
from context.render import Count, render_passages
from context.selection import Selection
from context.units import Unit, units_of
from core.models import Context, Passage, ScoredChunk
from core.text import squash
from evaluation import EvalItem, context_recall, load_eval_set, mean, token_f1
from evaluation.text import content_words, tokens
from lore.compose import Lore
from lore.stores import load_embedder
from pipeline.runner import run
from pipeline.state import Query, State, need

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT.parent / "shared" / "datasets" / "rhdh"
SECTION = "Bounds from lore's own retrieval"
BUDGET = 1024
# The answerer quotes up to 3 chosen sentences and their followers (answer/extractive.py).
PICKS = (1, 2, 3, 6)


def oracle_pack(pool: Sequence[ScoredChunk], wanted: set[str], limit: int,
                count: Count) -> str:
    """The rendered passages of the greedy reference-word cover of the candidates' sentences,
    recounted until the rendered text fits `limit` (a BPE can run a few tokens over the sum of
    the parts, as in context/assemble.py)."""
    units = [(u, set(tokens(u.chunk.text[u.span[0]:u.span[1]])) & wanted)
             for c in pool for u in units_of(c.chunk, count)]
    room = limit
    while True:
        text = render_passages(reading_order(_cover(units, pool, room, count)))
        if count(text) <= limit:
            return text
        room -= count(text) - limit


def _cover(units: list[tuple[Unit, set[str]]], pool: Sequence[ScoredChunk], limit: int,
           count: Count) -> list[Passage]:
    selection = Selection(limit, count, {c.chunk.id: c.score for c in pool})
    left, got = list(units), set[str]()
    while left:
        gain, best = max(((len(w - got) / (u.tokens + 1), i) for i, (u, w) in enumerate(left)),
                         default=(0.0, -1))
        if gain <= 0:
            break
        unit, words = left.pop(best)
        if selection.add(unit):
            got |= words
    return selection.passages()


def oracle_answers(context: Context, reference: str) -> list[float]:
    """Per entry of PICKS, the best F1 of that many of the context's quotable sentences
    (greedy), in reading order."""
    texts = [squash(p.sentence.text) for p in candidates(context)]
    chosen: list[int] = []
    best, out = 0.0, []
    for k in range(1, max(PICKS) + 1):
        scored = [(token_f1(" ".join(texts[j] for j in sorted([*chosen, i])), reference), i)
                  for i in range(len(texts)) if i not in chosen]
        f1, pick = max(scored, default=(0.0, -1))
        if f1 > best:
            best, chosen = f1, [*chosen, pick]
        if k in PICKS:
            out.append(best)
    return out


@dataclass(frozen=True)
class Bounds:
    recall: float  # lore's
    f1: float  # lore's, an abstention scoring the "not found" text
    packed: float  # the packing bound at lore's passage budget
    whole: float  # the same with the answer reserve given to passages too
    answers: list[float]  # the answer bound per entry of PICKS
    reserve: int


def measure(app: Lore, item: EvalItem, count: Count) -> Bounds:
    state, _ = run(app.flows.evaluate, State(Query(item.question, budget=BUDGET)))
    context = need(state.prompt, "prompt").context
    hits = need(state.retrieval, "retrieval")
    # What assembly chose among: the builder packs by coverage at the order's own reach.
    found = pool(hits.hits, partial(app.store.neighbours, state.version), hits.duplicates,
                 PackingOrder.COVERAGE, None)
    wanted = set(content_words(" ".join(item.reference_contexts)))
    budget = context.budget
    whole = replace(budget, reserve=0).context
    answer = need(state.answer, "answer")
    reference = item.reference_answer or ""
    refs = item.reference_contexts
    return Bounds(
        recall=context_recall(refs, render_passages(context.passages)) or 0.0,
        f1=token_f1(NOT_FOUND if answer.abstained else MARKER.sub("", answer.text), reference),
        packed=context_recall(refs, oracle_pack(found, wanted, budget.context, count)) or 0.0,
        whole=context_recall(refs, oracle_pack(found, wanted, whole, count)) or 0.0,
        answers=oracle_answers(context, reference),
        reserve=budget.reserve,
    )


def report(rows: list[Bounds]) -> str:
    def avg(values: Sequence[float]) -> str:
        return f"{mean(values) or 0.0:.3f}"

    lines = [
        "| Row | Context recall | Answer F1 |",
        "| --- | ---: | ---: |",
        f"| lore (this run) | {avg([r.recall for r in rows])} | {avg([r.f1 for r in rows])} |",
        f"| Oracle packing of lore's candidates, lore's budget | {avg([r.packed for r in rows])} "
        "| |",
        f"| The same, with the {rows[0].reserve}-token answer reserve packed too | "
        f"{avg([r.whole for r in rows])} | |",
        *(f"| Oracle answer: the best {k} sentence{'s' * (k > 1)} of lore's context "
          f"(greedy) | | {avg([r.answers[n] for r in rows])} |" for n, k in enumerate(PICKS)),
    ]
    command = "HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/quality_bounds.py " + shlex.join(
        sys.argv[1:])
    return "\n".join(lines) + f"""

{len(rows)} questions of the rhdh dev set at a {BUDGET}-token prompt budget. The packing rows
take lore's own candidates (hits and neighbour windows, context/coverage.py) and choose their
sentences knowing the reference context's words, with lore's headers, gap lines and budget:
no packing of what lore retrieved, however its sentences are weighed, scores much above them.
The answer rows choose sentences of lore's packed context knowing the reference answer; the
abstentions of lore's row are scored as "not found", the oracle answers every question.

Command: `{command}`
"""


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=Path, default=DATASET / "docs")
    ap.add_argument("--dev", type=Path, default=DATASET / "qa-dev.jsonl")
    ap.add_argument("--limit", type=int, help="only the first N questions")
    ap.add_argument("--write", action="store_true", help=f"update '{SECTION}' in docs/tuning.md")
    args = ap.parse_args(argv)
    settings = bench_settings(args.docs, {})
    embedder = load_embedder(settings)
    ensure_index(settings, args.docs, embedder)
    app = lore_app(settings, embedder)
    count = app.generator.tokenizer.count
    items = [i for i in load_eval_set(args.dev)[: args.limit] if i.reference_contexts]
    text = report([measure(app, item, count) for item in items])
    print(text)
    if args.write:
        write_section(ROOT / "docs" / "tuning.md", SECTION, text)


if __name__ == "__main__":
    main(sys.argv[1:])
