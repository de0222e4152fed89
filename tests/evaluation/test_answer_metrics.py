import pytest

from evaluation.answer_metrics import (
    abstained_correctly,
    abstention_rate,
    citation_precision,
    rouge_l,
    token_f1,
)
from lore.models import Answer, Citation


def _citation(n: int, text: str) -> Citation:
    return Citation(n=n, source=f"doc{n}.md", title="t", page=None, chunk_id=f"c{n}", text=text)


def test_token_f1_hand_computed():
    # articles and punctuation go: [cat sat on mat] both sides -> 1.0
    assert token_f1("The cat sat on the mat", "A cat sat on a mat.") == 1.0
    # [bulk import feature] vs [bulk import page]: overlap 2, P = R = 2/3 -> F1 = 2/3
    assert token_f1("Bulk Import feature", "the Bulk Import page") == pytest.approx(2 / 3)


def test_token_f1_counts_duplicates_once_per_match():
    # pred yes x3, ref yes x1 + no: overlap min(3, 1) = 1; P = 1/3, R = 1/2
    # F1 = 2 * (1/3) * (1/2) / (1/3 + 1/2) = (1/3) / (5/6) = 0.4
    assert token_f1("yes yes yes", "yes no") == pytest.approx(0.4)


def test_token_f1_squad_deletes_punctuation_inside_words():
    # SQuAD removes '-' without a space: "kuberneteslabel" shares nothing with "kubernetes label"
    assert token_f1("kubernetes-label", "kubernetes label") == 0.0


def test_token_f1_empty_inputs():
    assert token_f1("", "") == 1.0
    assert token_f1("the", "a") == 1.0  # both empty after normalisation
    assert token_f1("", "answer") == 0.0
    assert token_f1("answer", "") == 0.0
    assert token_f1("alpha", "beta") == 0.0


def test_rouge_l_hand_computed():
    # [police kill gunman] vs [police killed gunman]: LCS = police gunman = 2
    # P = R = 2/3 -> F = 2/3
    assert rouge_l("police kill the gunman", "police killed the gunman") == pytest.approx(2 / 3)
    # [w x y z] vs [w y]: LCS 2, P = 2/4, R = 2/2 -> F = 2 * 0.5 * 1 / 1.5 = 2/3
    assert rouge_l("w x y z", "w y") == pytest.approx(2 / 3)


def test_rouge_l_order_matters_unlike_token_f1():
    # [gunman killed police] vs [police killed gunman]: LCS 1 -> P = R = 1/3 -> F = 1/3
    prediction, reference = "the gunman killed police", "police killed the gunman"
    assert rouge_l(prediction, reference) == pytest.approx(1 / 3)
    assert token_f1(prediction, reference) == 1.0


def test_rouge_l_empty_inputs():
    assert rouge_l("", "") == 1.0
    assert rouge_l("x", "") == 0.0
    assert rouge_l("", "x") == 0.0


def test_citation_precision_hand_computed():
    answer = Answer(
        text=(
            "Bulk Import onboards GitLab projects [1]. It tracks status [2]. "
            "RHDH is great [1]. An uncited sentence."
        ),
        abstained=False,
        citations=(
            _citation(1, "The Bulk   Import\nonboards GitLab-projects, and more."),
            _citation(2, "It tracks import status."),
        ),
    )
    # sentence 1 is inside citation 1 (whitespace and '-' compared as tokens): supported
    # sentence 2 skips "import": not a contiguous run of citation 2 -> unsupported
    # sentence 3 is not in citation 1 -> unsupported; sentence 4 cites nothing, not counted
    # 1 supported / 3 cited
    assert citation_precision(answer) == pytest.approx(1 / 3)


def test_citation_precision_marker_forms():
    citations = (_citation(1, "alpha"), _citation(2, "Deploy the chart. Then wait."))
    after_stop = Answer(text="Deploy the chart. [2]", abstained=False, citations=citations)
    several = Answer(text="Deploy the chart [1, 2].", abstained=False, citations=citations)
    adjacent = Answer(text="Then wait [1][2].", abstained=False, citations=citations)
    assert citation_precision(after_stop) == 1.0
    assert citation_precision(several) == 1.0  # any cited text containing it is enough
    assert citation_precision(adjacent) == 1.0


def test_citation_precision_whole_tokens_and_dangling_markers():
    citations = (_citation(1, "It tracks import status."),)
    partial_word = Answer(text="port status [1].", abstained=False, citations=citations)
    dangling = Answer(text="It tracks import status [9].", abstained=False, citations=citations)
    assert citation_precision(partial_word) == 0.0
    assert citation_precision(dangling) == 0.0


def test_citation_precision_nothing_cited():
    assert citation_precision(Answer(text="I don't know.", abstained=True)) is None
    assert citation_precision(Answer(text="", abstained=False)) is None


def test_abstention():
    yes, no = Answer(text="", abstained=True), Answer(text="x", abstained=False)
    assert abstention_rate([yes, no, yes, no]) == 0.5
    assert abstention_rate([yes]) == 1.0
    assert abstention_rate([]) is None
    assert abstained_correctly(False, yes) is True
    assert abstained_correctly(False, no) is False
    assert abstained_correctly(True, yes) is None
