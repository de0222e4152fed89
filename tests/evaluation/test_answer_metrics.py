import pytest

from answer.citations import verify
from answer.extractive import ExtractiveAnswerer
from core.models import Answer, Budget, Citation, Context, Passage
from evaluation.answer_metrics import (
    abstained_correctly,
    abstention_rate,
    citation_precision,
    rouge_l,
    token_f1,
)
from tests.answer.conftest import answer_of


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
            "Bulk Import onboards GitLab projects. [1] It tracks status. [2] "
            "RHDH is great. [1] An uncited closing sentence."
        ),
        abstained=False,
        citations=(
            _citation(1, "The Bulk   Import\nonboards GitLab projects. And more."),
            _citation(2, "It tracks import status."),
        ),
    )
    # claim 1 is inside citation 1 once whitespace is normalised: supported
    # claim 2 skips "import": not a substring of citation 2 -> unsupported
    # claim 3 is not in citation 1 -> unsupported; the trailing text cites nothing, not counted
    # 1 supported / 3 cited
    assert citation_precision(answer) == pytest.approx(1 / 3)


def test_citation_precision_marker_runs():
    citations = (_citation(1, "Deploy the chart. Then wait."), _citation(2, "Then wait."))
    # "[1] [2]" is one run: the claim must be in both cited texts
    both = Answer(text="Then wait. [1] [2]", abstained=False, citations=citations)
    one_lacks = Answer(text="Deploy the chart. [1][2]", abstained=False, citations=citations)
    # a run cites all text since the previous run, two sentences here
    spans = Answer(text="Deploy the chart. Then wait. [1]", abstained=False, citations=citations)
    assert citation_precision(both) == 1.0
    assert citation_precision(one_lacks) == 0.0
    assert citation_precision(spans) == 1.0


def test_citation_precision_is_literal_and_counts_broken_markers():
    citations = (_citation(1, "It tracks import status."),)
    case_changed = Answer(text="it tracks import status. [1]", abstained=False, citations=citations)
    dangling = Answer(text="It tracks import status. [9]", abstained=False, citations=citations)
    # "[1]" first: an empty claim, then a supported one -> 1/2
    no_claim = Answer(text="[1] It tracks import status. [1]", abstained=False, citations=citations)
    assert citation_precision(case_changed) == 0.0
    assert citation_precision(dangling) == 0.0
    assert citation_precision(no_claim) == 0.5


def test_citation_precision_nothing_cited():
    assert citation_precision(Answer(text="I don't know.", abstained=True)) is None
    assert citation_precision(Answer(text="", abstained=False)) is None


def _containment_problems(answer: Answer) -> list[str]:
    wanted = ("is not in the text of citation", "has no citation", "follows no sentence")
    return [p for p in verify(answer) if any(w in p for w in wanted)]


@pytest.mark.parametrize(
    "text",
    [
        "Deploy the chart. [1] Then wait. [2]",
        "Deploy the chart. [1][2]",
        "Deploy the chart. [3]",
        "Deploy it now. [1]",
        "[1] Deploy the chart. [1]",
    ],
)
def test_citation_precision_agrees_with_verify(text):
    citations = (_citation(1, "Deploy the chart. Then wait."), _citation(2, "Then wait."))
    answer = Answer(text=text, abstained=False, citations=citations)
    assert (citation_precision(answer) == 1.0) == (_containment_problems(answer) == [])


def test_citation_precision_of_a_real_extractive_answer():
    text = (
        "Employees may claim reasonable expenses through the Expensify app. Hotel stays are "
        "reimbursed up to EUR 180 per night in Europe. Receipts must be uploaded within 30 days."
    )
    passage = Passage(
        source="finance/expenses.md",
        title="Expenses",
        breadcrumbs=(),
        page=None,
        chunk_ids=("c0",),
        text=text,
        score=0.03,
        tokens=40,
        position=0,
    )
    budget = Budget(total=1024, system=60, history=0, question=30, reserve=200)
    context = Context(passages=(passage,), tokens=40, budget=budget)
    answer = answer_of(ExtractiveAnswerer(), "What is the hotel limit per night in Europe?",
                       context)
    assert not answer.abstained
    assert citation_precision(answer) == 1.0


def test_abstention():
    yes, no = Answer(text="", abstained=True), Answer(text="x", abstained=False)
    assert abstention_rate([yes, no, yes, no]) == 0.5
    assert abstention_rate([yes]) == 1.0
    assert abstention_rate([]) is None
    assert abstained_correctly(False, yes) is True
    assert abstained_correctly(False, no) is False
    assert abstained_correctly(True, yes) is None
