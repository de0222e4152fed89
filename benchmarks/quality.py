"""Retrieval and context quality at one token budget: reference retrievers, lore, a stock peer.

    .venv/bin/python benchmarks/quality.py [--write] [--set chunk_tokens=160 ...]
        [--set packing=score] [--set reach=N] [--rows bm25,dense,rrf,lore,haystack] [--sweep]

Scores the rhdh dev set (../shared/datasets/rhdh) by default: context recall of the reference
contexts in the packed context, hit@0.5, answer token F1 and p50 retrieval+packing latency.
`--set` overrides Settings fields for lore (and the chunking every lore-chunk row uses);
`--write` replaces the benchmark's section of docs/benchmarks.md. The lore index and all
embeddings are cached under /tmp/lore-bench, so only the first run with a chunking ingests.
Needs the `bench` extra (haystack-ai, sentence-transformers-haystack) for the peer row.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from dataclasses import asdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The repository root first: the packages, whatever this folder holds.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from quality_ceiling import Ceiling, ceiling
from quality_haystack import haystack_row
from quality_rows import RRF_K, ChunkIndex, Row, baseline_rows, lore_row
from quality_score import Outcome, Summary, outcome, sweep_table, table, write_section
from quality_setup import CACHE, bench_settings, ensure_index, lore_app

from answer.base import GenerationInput, Generator
from answer.extractive import DEFAULT_THRESHOLD, coverage
from answer.grounding import ground
from core.tokenizer import reader_tokenizer
from evaluation import EvalItem, load_eval_set
from ingestion.cache import EmbeddingCache
from lore.stores import load_embedder

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT.parent / "shared" / "datasets" / "rhdh"
SECTION = "Retrieval quality (rhdh dev set)"
# Written for this benchmark, checked against the manuals: benchmarks/rhdh-unanswerable.md
# (45, the evidence step's tuning set) and benchmarks/rhdh-unanswerable-2.md (38, held out).
UNANSWERABLE = (ROOT / "benchmarks" / "rhdh-unanswerable.jsonl",
                ROOT / "benchmarks" / "rhdh-unanswerable-2.jsonl")
ROWS = ("bm25", "dense", "rrf", "lore", "haystack")
NAMES = {
    "bm25": "1. BM25 alone (rank_bm25 over lore's chunks)",
    "dense": "2. Dense alone (MiniLM cosine over lore's chunks)",
    "rrf": f"3. Hybrid RRF (k={RRF_K}) of rows 1 and 2",
    "lore": "4. lore full path (QAService.search)",
    "haystack": "5. Haystack hybrid (BM25 + MiniLM, RRF joiner, 200-word splits)",
}
# From "always answer" to well past the default: where abstaining starts to cost answers.
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.52, 0.54, 0.56, 0.58, 0.6, 0.65)


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=Path, default=DATASET / "docs")
    ap.add_argument("--dev", type=Path, default=DATASET / "qa-dev.jsonl")
    ap.add_argument("--unanswerable", type=Path, nargs="*", default=list(UNANSWERABLE),
                    help="questions the corpus does not answer, asked too (abstention)")
    ap.add_argument("--budget", type=int, default=1024, help="total prompt tokens, every row")
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="a Settings field for lore, e.g. chunk_tokens=160 (repeatable)")
    ap.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated subset of {ROWS}")
    ap.add_argument("--limit", type=int, help="only the first N questions")
    ap.add_argument("--sweep", action="store_true", help="answer F1 per abstention threshold")
    ap.add_argument("--json", type=Path, help="write the per-question outcomes here")
    ap.add_argument("--write", action="store_true",
                    help=f"update '{SECTION}' in docs/benchmarks.md")
    return ap.parse_args(argv)


def overrides_of(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            sys.exit(f"--set wants KEY=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


def build_rows(args: argparse.Namespace,
               wanted: set[str]) -> tuple[dict[str, Row], float, str, Generator]:
    """The rows by display name, the abstention threshold, a one-line corpus description, and
    lore's offline answerer (it quotes for every row)."""
    settings = bench_settings(args.docs, overrides_of(args.overrides))
    embedder = load_embedder(settings)
    version = ensure_index(settings, args.docs, embedder)
    app = lore_app(settings, embedder)
    count = reader_tokenizer().count  # the extractive reader's, as lore's own row counts
    depth = max(settings.retrieval.dense_k, settings.retrieval.sparse_k)
    rows: dict[str, Row] = {}
    pairs = list(app.store.scan(version))
    ingest = settings.ingest
    index = ChunkIndex([c for c, _ in pairs], np.stack([v for _, v in pairs]), ingest.bm25_k1,
                       ingest.bm25_b)
    for key, row in baseline_rows(index, embedder, count, args.budget, depth).items():
        if key in wanted:
            rows[NAMES[key]] = row
    if "lore" in wanted:
        rows[NAMES["lore"]] = lore_row(app, args.budget)
    about = (f"{len(pairs)} lore chunks (chunk_tokens {ingest.chunk_tokens}, overlap "
             f"{ingest.chunk_overlap}), {depth} candidates per retriever")
    if "haystack" in wanted:
        row, n = haystack_row(args.docs, ingest.embedding_model, EmbeddingCache(CACHE), count,
                              args.budget, depth)
        rows[NAMES["haystack"]] = row
        about += f", {n} Haystack splits"
    return rows, settings.answer.min_evidence, about, app.generator


def thresholds(rows: dict[str, Row], lore: float) -> dict[str, float]:
    """lore's row abstains at its evidence step's threshold, the others at the extractive
    answerer's own on its lexical evidence."""
    return {name: lore if name == NAMES["lore"] else DEFAULT_THRESHOLD for name in rows}


def score(rows: dict[str, Row], items: list[EvalItem],
          answerer: Generator) -> dict[str, list[Outcome]]:
    """Every row's answer as if never abstaining (`answerer` never does: abstention is applied
    offline, f1_at), with the score its abstention compares: lore's evidence step's (0 for a
    name the index lacks), the other rows' lexical evidence."""
    results: dict[str, list[Outcome]] = {}
    for name, row in rows.items():
        row(items[0].question)  # warm-up: lazy initialisation is not a query's latency
        results[name] = []
        for item in items:
            got = row(item.question)
            answer = ground(answerer.generate(
                GenerationInput(item.question, (), got.context, item.question)), got.context)
            if got.answer is not None and not got.answer.abstained:
                answer = got.answer
            # The other rows abstain on the lexical evidence of what the answer leads with.
            evidence = coverage(item.question, got.context)[0] if got.evidence is None \
                else got.evidence
            results[name].append(outcome(item, got, answer, evidence))
        print(f"  scored {name}", file=sys.stderr)
    return results


def report(args: argparse.Namespace, threshold: dict[str, float], about: str, n: int,
           results: dict[str, list[Outcome]], bound: Ceiling) -> str:
    refusals = [o for o in next(iter(results.values()), []) if not o.answerable]
    summaries = {name: Summary.of(o, threshold[name]) for name, o in results.items()}
    blank = " |" * 8
    top = (f"| Ceiling: the best window of the reference context itself | {bound.recall:.3f} "
           f"| {bound.hit:.3f} |{blank}\n"
           f"| Oracle: the reference's own sentences, picked for its words | "
           f"{bound.sentences:.3f} | |{blank}\n"
           f"| Oracle answer: the best 1-2 adjacent reference-context sentences | | "
           f"| {bound.answer:.3f} |" + " |" * 7)
    command = "HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/quality.py " + shlex.join(
        a for a in sys.argv[1:])
    notes = f"""
{n} questions of `{args.dev.name}`, {about}; and {len(refusals)} questions the manuals do not
answer ({", ".join(f"`{u.name}`" for u in args.unanswerable)}, written for this benchmark and
checked against the manuals: benchmarks/rhdh-unanswerable*.md), which count only in the false
answers column. Every row packs into the same budget: the {args.budget}-token prompt total less
system prompt, question and answer reserve (lore's plan_budget), each passage counted as lore
renders it, in the reader's tokens: {reader_tokenizer().name} (core/tokenizer.py). Rows 1-3
and 5 pack their top chunks greedily (whole, best
first, skipping any that no longer fits), each chunk under its full header; row 4 is lore's
own assembler, coverage packing (context/coverage.py): the sentences of the hits and of the
chunks out to 4 positions around them, taken greedily by new words per token weighted by
their chunk's score, in reading order, a section's left-out sentences marked by a "…" line,
later passages of a document under a short continuation header "[… > section]". The peer is
stock Haystack: DocumentSplitter(word, 200, overlap 20), InMemoryBM25Retriever +
InMemoryEmbeddingRetriever (the same local all-MiniLM-L6-v2, unit-length embeddings) joined by
DocumentJoiner(reciprocal_rank_fusion).

Answer F1 is SQuAD token F1 against the reference answer (citation markers removed), a refusal
scoring the F1 of the "not found" text; "answered" is F1 over the answerable questions the row
answered. Row 4 answers through lore's evaluate flow, whose evidence step abstains at
{threshold[NAMES["lore"]]} (answer/evidence.py); the other rows quote with the same extractive
answerer on their packed context turned into a Context (one Passage per chunk) and abstain
at its lexical threshold {DEFAULT_THRESHOLD} (answer/extractive.py coverage), so F1 compares
retrieval and context, not answer writers. "Refused" is the share of answerable questions
abstained on, "false answers" the share of unanswerable ones answered. Latency is the
p50 of retrieval + packing per question on this machine (2 CPU cores, shared with other jobs
while measured), after one warm-up query.

Ceiling: the passage budget holds on average {bound.fits:.0%} of a reference context's tokens;
the Ceiling row is the best contiguous window of the reference text itself that fits the budget
(without passage headers): no row placing whole runs of text can score above it. The Oracle row
picks the reference's sentences anywhere, greedily by new reference words per token: coverage
packing with the reference's words known, the bound for row 4, which picks sentences without
them. See docs/tuning.md for the tuning log.

Command: `{command}`
"""
    return table(summaries) + "\n" + top + "\n" + notes


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    wanted = set(args.rows.split(","))
    dev = load_eval_set(args.dev)[: args.limit]
    items = dev + [i for path in args.unanswerable for i in load_eval_set(path)]
    rows, lore_threshold, about, answerer = build_rows(args, wanted)
    results = score(rows, items, answerer)
    bound = ceiling(dev, args.budget, reader_tokenizer())
    text = report(args, thresholds(rows, lore_threshold), about, len(dev), results, bound)
    print(text)
    if args.sweep:
        print(sweep_table(results, THRESHOLDS))
    if args.json:
        args.json.write_text(json.dumps({k: [asdict(o) for o in v] for k, v in results.items()}))
    if args.write:
        write_section(ROOT / "docs" / "benchmarks.md", SECTION, text)


if __name__ == "__main__":
    main(sys.argv[1:])
