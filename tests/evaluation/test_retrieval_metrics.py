import math

import pytest

from core.errors import BadInput
from evaluation.retrieval_metrics import (
    context_recall,
    matches,
    mrr,
    ndcg_at_k,
    source_hit_at_k,
)

RETRIEVED = ["guide/intro.md", "docs/rbac/roles.md", "docs/rbac/roles.md", "faq.md"]


def test_matches_exact_glob_and_literal_brackets():
    assert matches("docs/a.md", "docs/a.md")
    assert matches("docs/a.md", "docs/?.md")
    assert matches("docs/sub/x.md", "docs/*.md")  # fnmatch: '*' crosses '/'
    assert matches("docs/a[1].md", "docs/a[1].md")  # equality before glob syntax
    assert not matches("Docs/a.md", "docs/a.md")  # case-sensitive everywhere
    assert not matches("docs/a.md.bak", "docs/*.md")


def test_source_hit_at_k_with_glob():
    assert source_hit_at_k(RETRIEVED, ["docs/rbac/*"], k=1) == 0.0
    assert source_hit_at_k(RETRIEVED, ["docs/rbac/*"], k=2) == 1.0
    assert source_hit_at_k(RETRIEVED, ["nothing.md", "faq.md"], k=4) == 1.0
    assert source_hit_at_k([], ["faq.md"], k=3) == 0.0


def test_no_expected_sources_is_not_measured():
    assert source_hit_at_k(RETRIEVED, [], k=3) is None
    assert mrr(RETRIEVED, []) is None
    assert ndcg_at_k(RETRIEVED, []) is None


def test_k_below_one_is_rejected():
    for call in (
        lambda: source_hit_at_k(RETRIEVED, ["faq.md"], k=0),
        lambda: mrr(RETRIEVED, ["faq.md"], k=0),
        lambda: ndcg_at_k(RETRIEVED, ["faq.md"], k=0),
    ):
        with pytest.raises(BadInput, match="k must be at least 1"):
            call()


def test_mrr_first_relevant_rank():
    assert mrr(RETRIEVED, ["faq.md"]) == pytest.approx(1 / 4)  # first match at rank 4
    assert mrr(RETRIEVED, ["docs/**", "faq.md"]) == pytest.approx(1 / 2)  # rank 2 wins
    assert mrr(RETRIEVED, ["faq.md"], k=3) == 0.0  # rank 4 is past the cut-off
    assert mrr(RETRIEVED, ["missing.md"]) == 0.0


def test_ndcg_counts_a_repeated_source_once():
    # sources  : x.md  a.md  a.md  b.md     expected a.md, b.md
    # gains    : 0     1     0     1        (the second a.md is a duplicate, gains 0)
    # DCG      = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068 = 1.06161
    # ideal: 2 relevant at ranks 1, 2: IDCG = 1 + 1/log2(3) = 1.63093
    # nDCG     = 1.06161 / 1.63093 = 0.65092
    score = ndcg_at_k(["x.md", "a.md", "a.md", "b.md"], ["a.md", "b.md"])
    assert score == pytest.approx(0.65092, abs=1e-5)


def test_ndcg_perfect_and_empty():
    assert ndcg_at_k(["a.md", "b.md", "x.md"], ["b.md", "a.md"]) == pytest.approx(1.0)
    assert ndcg_at_k([], ["a.md"]) == 0.0
    assert ndcg_at_k(["x.md", "y.md"], ["a.md"]) == 0.0


def test_ndcg_cut_off():
    # relevant at rank 2 only: k=1 sees nothing; k=2: DCG = 1/log2(3) = 0.63093, IDCG = 1
    assert ndcg_at_k(["x.md", "a.md"], ["a.md"], k=1) == 0.0
    assert ndcg_at_k(["x.md", "a.md"], ["a.md"], k=2) == pytest.approx(1 / math.log2(3))


def test_ndcg_glob_matching_several_sources():
    # one pattern, two relevant sources found: the ideal holds max(1 pattern, 2 found) = 2.
    # ranks 1, 2 relevant: DCG = IDCG = 1 + 1/log2(3)  ->  1.0
    assert ndcg_at_k(["docs/a", "docs/b", "x"], ["docs/*"]) == pytest.approx(1.0)
    # same sources one rank lower, k=2: DCG = 1/log2(3) = 0.63093 (docs/b at rank 3 is cut),
    # ideal min(k=2, 2) = 2: IDCG = 1.63093; nDCG = 0.38685
    score = ndcg_at_k(["x", "docs/a", "docs/b"], ["docs/*"], k=2)
    assert score == pytest.approx(0.38685, abs=1e-5)


def test_context_recall_hand_computed():
    # content words of the references (set): kubernetes label selector annotation wins -> 5
    # context tokens hold kubernetes, label, selector -> 3/5
    references = ["The kubernetes-label-selector annotation.", "Label selector wins."]
    assert context_recall(references, "Kubernetes label\nselector takes precedence") == 0.6


def test_context_recall_punctuation_and_whole_words():
    assert context_recall(["kubernetes label selector"], "kubernetes-label-selector") == 1.0
    assert context_recall(["label"], "labels") == 0.0
    # contexts are joined with a space: "alpha" + "beta" must not become "alphabeta"
    assert context_recall(["alpha", "beta"], "alpha beta") == 1.0


def test_context_recall_set_semantics_tolerates_overlapping_references():
    # two adjacent chunks share "beta gamma": a deduplicated context still scores 4/4
    overlapping = ["alpha beta gamma", "beta gamma delta"]
    assert context_recall(overlapping, "alpha beta gamma delta") == 1.0


def test_context_recall_independent_of_chunk_boundaries():
    words = ("install the operator then configure the catalog and enable rbac plugins " * 3).split()
    half = words[: len(words) // 2]
    chunked = {
        size: "\n\n".join(" ".join(half[i : i + size]) for i in range(0, len(half), size))
        for size in (2, 5, 50)
    }
    scores = {context_recall([" ".join(words)], text) for text in chunked.values()}
    assert len(scores) == 1
    references_split = [" ".join(words[:7]), " ".join(words[7:])]
    assert context_recall(references_split, chunked[5]) == scores.pop()


def test_context_recall_nothing_to_measure():
    assert context_recall([], "anything") is None
    assert context_recall(["the of and to"], "anything") is None  # stop words only
    assert context_recall(["alpha"], "") == 0.0
