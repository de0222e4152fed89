"""Offline evaluation: eval-set loading and deterministic metrics."""

from evaluation.answer_metrics import (
    abstained_correctly,
    abstention_rate,
    citation_precision,
    rouge_l,
    token_f1,
)
from evaluation.dataset import EvalItem, load_eval_set
from evaluation.judge import Judge
from evaluation.retrieval_metrics import context_recall, matches, mrr, ndcg_at_k, source_hit_at_k
from evaluation.stats import mean, percentile, summarise_latencies

__all__ = [
    "EvalItem",
    "Judge",
    "abstained_correctly",
    "abstention_rate",
    "citation_precision",
    "context_recall",
    "load_eval_set",
    "matches",
    "mean",
    "mrr",
    "ndcg_at_k",
    "percentile",
    "rouge_l",
    "source_hit_at_k",
    "summarise_latencies",
    "token_f1",
]
