"""How much context recall any row could reach: the reference context itself, cut to the budget.

The budget a row gets for passages (the same plan as every row) is smaller than most reference
contexts, so even a retriever that found exactly the reference text could place only a window
of it. The best such window, slid along the reference in STEP-token steps, bounds every row
that places runs of text. An oracle picking the reference's sentences anywhere, greedily by new
reference words per token, shows how much higher a selection knowing the reference could go.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from quality_rows import budget_for
from quality_score import HIT_RECALL

from context.render import Count
from core.tokenizer import Tiktoken, WordPieces
from evaluation import EvalItem, context_recall, mean, token_f1
from evaluation.text import content_words, tokens

Offsets = WordPieces | Tiktoken  # a tokenizer that can cut text at a token count
# Fine enough that a finer slide moves the mean by well under a point; coarse enough to be quick.
STEP = 16
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Ceiling:
    fits: float  # mean share of a reference context's tokens the passage budget can hold
    recall: float  # mean context recall of the best window of the reference itself
    hit: float  # share of questions whose best window reaches HIT_RECALL
    sentences: float  # mean context recall of the greedy sentence oracle
    answer: float  # mean answer F1 of the best 1-2 adjacent reference-context sentences


def best_window(contexts: Sequence[str], limit: int, tokenizer: Offsets) -> float:
    text = " ".join(contexts)
    spans = tokenizer.offsets(text)
    if len(spans) <= limit:
        return context_recall(contexts, text) or 0.0
    last = len(spans) - limit
    return max(
        context_recall(contexts, text[spans[i][0] : spans[i + limit - 1][1]]) or 0.0
        for i in [*range(0, last, STEP), last]
    )


def best_sentences(contexts: Sequence[str], limit: int, count: Count) -> float:
    """Greedy set cover: the sentence adding the most reference words per token, until the
    budget is spent (headers not counted, as for the window)."""
    wanted = set(content_words(" ".join(contexts)))
    if not wanted:
        return 0.0
    pool = [(set(tokens(s)) & wanted, count(s)) for c in contexts for s in _SENTENCE.split(c)]
    got: set[str] = set()
    room = limit
    while True:
        fits = [(len(words - got) / n, i) for i, (words, n) in enumerate(pool) if 0 < n <= room]
        gain, best = max(fits, default=(0.0, -1))
        if gain <= 0:
            return len(got) / len(wanted)
        got |= pool[best][0]
        room -= pool[best][1]


def best_answer(contexts: Sequence[str], reference: str) -> float:
    """The answer F1 an extractive answer could reach quoting the reference context: its best
    sentence, or two adjacent ones."""
    parts = [s for c in contexts for s in _SENTENCE.split(c) if s.strip()]
    spans = [*parts, *(f"{a} {b}" for a, b in pairwise(parts))]
    return max((token_f1(s, reference) for s in spans), default=0.0)


def ceiling(items: Sequence[EvalItem], total: int, tokenizer: Offsets) -> Ceiling:
    count: Count = tokenizer.count
    measured = [it for it in items if it.reference_contexts]
    limits = [budget_for(it.question, total, count).context for it in measured]
    sizes = [count(" ".join(it.reference_contexts)) for it in measured]
    best = [best_window(it.reference_contexts, n, tokenizer) for it, n in zip(measured, limits,
                                                                              strict=True)]
    return Ceiling(
        fits=mean(min(1.0, n / size) for n, size in zip(limits, sizes, strict=True)) or 0.0,
        recall=mean(best) or 0.0,
        hit=mean(float(b >= HIT_RECALL) for b in best) or 0.0,
        sentences=mean(best_sentences(it.reference_contexts, n, count)
                       for it, n in zip(measured, limits, strict=True)) or 0.0,
        answer=mean(best_answer(it.reference_contexts, it.reference_answer or "")
                    for it in measured if it.reference_answer) or 0.0,
    )
