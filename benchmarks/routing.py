"""Where the router sends the rhdh dev questions, and how well each route answers.

    .venv/bin/python benchmarks/routing.py [--model-questions 40] [--write]

Every dev question goes through lore's evaluate flow with the router on (pipeline/route.py,
rules at their defaults). Run 1: every chain is the extractive answerer, so each route's
answer F1 is what quoting gives there. Run 2: the cheap and strong chains are the local test
model (SmolLM2-135M under llama.cpp, gateway/local.py), asked the first --model-questions
questions the router sends to a model. The
local model is far too small to answer well: its row shows what the route costs and that its
answers go through the verify step, not what a real model would score. `--write` writes the
table to docs/routing.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml
from quality_setup import bench_settings, ensure_index

from answer.grounding import MARKER
from evaluation import load_eval_set
from evaluation.answer_metrics import token_f1
from gateway.local import serve_local
from lore.compose import Lore, build
from lore.stores import load_embedder
from pipeline.route import Rules
from pipeline.runner import run
from pipeline.state import Query, State

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT.parent / "shared" / "datasets" / "rhdh"
ORDER = ("reply", "extractive", "cheap", "strong", "abstained (evidence step)",
         "input guard's extractive fallback")


def answer(app: Lore, rules: Rules, question: str) -> tuple[str, str, str, float, float]:
    """(route, rule, text, ms, model tokens) of one question through the evaluate flow. With
    the extractive chains alone the router has nothing to choose, so the route is what its
    rules decide on the evidence the flow measured; a question answered before the route
    step is labelled by what answered it."""
    started = time.perf_counter()
    state, _ = run(app.flows.evaluate, State(Query(question)))
    ms = (time.perf_counter() - started) * 1000
    a, route, usage = state.answer, state.route, state.draft.usage if state.draft else None
    text, tokens = (a.text if a else ""), (usage.input_tokens + usage.output_tokens
                                           if usage else 0)
    # The evidence step runs before the guard's fallback: a flagged question it refused is
    # an abstention, the fallback's row holds the flagged questions answered by quoting.
    if state.evidence is not None and not state.evidence.answer:
        return "abstained (evidence step)", "evidence", text, ms, tokens
    if state.guard_in is not None and state.guard_in.action == "extractive":
        return "input guard's extractive fallback", "flagged", text, ms, tokens
    if route is not None and route.rule != "no_model":
        return route.target, route.rule, text, ms, tokens
    decided = rules.decide(question, 0, state.evidence.score if state.evidence else None)
    return decided.target, decided.rule, text, ms, tokens


def table(rows: Rows, n: int) -> list[str]:
    lines = ["| route | share | rules that fired | answer F1 | p50 ms | model tokens / answer |",
             "|---|---:|---|---:|---:|---:|"]
    for route in (*ORDER, *sorted(set(rows) - set(ORDER))):
        got = rows.get(route, [])
        if not got:
            continue
        rules = Counter(r for r, _, _, _ in got)
        f1 = sum(f for _, f, _, _ in got) / len(got)
        ms = sorted(m for _, _, m, _ in got)[len(got) // 2]
        tokens = sum(t for _, _, _, t in got) / len(got)
        lines.append(f"| {route} | {len(got) / n:.1%} ({len(got)}) | "
                     f"{', '.join(f'{k} {v}' for k, v in rules.most_common())} | {f1:.3f} | "
                     f"{ms:.0f} | {tokens:.0f} |")
    return lines


Rows = dict[str, list[tuple[str, float, float, float]]]  # route -> (rule, F1, ms, tokens)


def measure(app: Lore, rules: Rules, items: list) -> tuple[Rows, list[str]]:
    """The rows, and each question's route in order."""
    rows: Rows = defaultdict(list)
    routes = []
    for item in items:
        route, rule, text, ms, tokens = answer(app, rules, item.question)
        rows[route].append((rule, token_f1(MARKER.sub("", text), item.reference_answer or ""),
                            ms, tokens))
        routes.append(route)
    return rows, routes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=Path, default=DATASET / "docs")
    ap.add_argument("--dev", type=Path, default=DATASET / "qa-dev.jsonl")
    ap.add_argument("--model-questions", type=int, default=40)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    settings = bench_settings(args.docs, {"routing": "on", "cache_exact": "false",
                                          "cache_semantic": "false"})
    embedder = load_embedder(settings)
    ensure_index(settings, args.docs, embedder)
    items = [i for i in load_eval_set(args.dev) if i.answerable]
    rules = Rules.of(settings.route)
    extractive, routes = measure(build(settings, encoder=embedder), rules, items)
    to_model = [i for i, r in zip(items, routes, strict=True)
                if r in ("cheap", "strong")][:args.model_questions]
    with serve_local() as llm, tempfile.TemporaryDirectory() as tmp:
        providers = Path(tmp) / "providers.yaml"
        providers.write_text(yaml.safe_dump({
            "providers": [llm.entry("local")], "routes": {"cheap": ["local"],
                                                          "strong": ["local"]}}))
        local = build(settings.changed(providers=providers), encoder=embedder)
        modelled, _ = measure(local, rules, to_model)
        local.close()
    n = len(items)
    text = "\n".join([
        "# Routing on the rhdh dev set", "",
        f"`.venv/bin/python benchmarks/routing.py --model-questions {args.model_questions}"
        f"{' --write' if args.write else ''}`: the {n} answerable questions of qa-dev.jsonl "
        "through the evaluate flow, router on with its default rules (pipeline/config.py "
        "RouteSettings), answer F1 against the reference answers (markers removed).", "",
        "**Every chain the extractive answerer** (what each route's questions get by quoting; "
        "the route is what the router's rules decide on the measured evidence):",
        "", *table(extractive, n), "",
        f"**Cheap and strong chains the local test model** (SmolLM2-135M, llama.cpp; the "
        f"first {len(to_model)} questions the router sends to a model, each answered by it):",
        "",
        *table(modelled, sum(len(v) for v in modelled.values())), "",
        "The local model is a test provider, far too small to answer: its F1 is what the "
        "verify step leaves of its drafts (most become abstentions), not what a real model "
        "would score. What the table shows is the lever: the share of questions that need no "
        "model at all, and what the model routes cost in tokens.", ""])
    print(text)
    if args.write:
        (ROOT / "docs" / "routing.md").write_text(text)


if __name__ == "__main__":
    main()
