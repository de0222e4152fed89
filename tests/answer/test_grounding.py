"""The verify step's rule (answer/grounding.py) on hand-written drafts, as a model writes them."""

from __future__ import annotations

from answer.base import Draft
from answer.grounding import NOT_FOUND, claims, ground, supported
from core.models import Context
from tests.answer.conftest import EXPENSES, LEAVE_CHUNKS


def test_a_quoted_claim_keeps_its_citation(context: Context) -> None:
    sentence = "Hotel stays are reimbursed up to EUR 180 per night in Europe and USD 250 per night"
    answer = ground(Draft(f"{sentence} in North America. [2]", abstained=False), context)
    assert not answer.abstained
    assert answer.text == f"{sentence} in North America. [1]"  # renumbered by first use
    (citation,) = answer.citations
    assert citation.source == "finance/expenses.pdf" and citation.page == 4
    assert citation.text in EXPENSES and sentence in citation.text


def test_a_fabricated_claim_under_a_valid_marker_is_dropped(context: Context) -> None:
    true = "Receipts must be uploaded within 30 days of the expense, or the claim is rejected."
    draft = Draft(f"{true} [2] Business class is allowed on every flight over two hours. [2]",
                  abstained=False)
    answer = ground(draft, context)
    assert answer.text == f"{true} [1]"
    assert len(answer.citations) == 1


def test_markers_outside_the_prompt_and_uncited_text_never_reach_the_user(
    context: Context
) -> None:
    draft = Draft("Sick leave does not count against annual leave. [9] Also see the wiki.",
                  abstained=False)
    answer = ground(draft, context)
    assert answer.abstained and answer.text == NOT_FOUND and answer.citations == ()


def test_a_faithful_paraphrase_is_supported_and_a_twisted_one_is_not(context: Context) -> None:
    leave = context.passages[0]
    assert supported("Full-time employees get 28 days of paid annual leave each calendar year.",
                     leave)
    assert not supported("Managers decide how many days of leave contractors receive.", leave)
    assert not supported("", leave)


def test_each_claim_may_cite_several_passages(context: Context) -> None:
    draft = Draft(f"{LEAVE_CHUNKS[1].split(';')[0]}. [3][1]", abstained=False)
    answer = ground(draft, context)
    assert answer.text.endswith("[1]") and [c.source for c in answer.citations] == [
        "handbook/leave.md"]  # passage 3 does not say it, so only passage 1 stays cited


def test_claims_are_split_at_marker_runs() -> None:
    parsed = claims("First one. [1] Second\n  one. [2] [1] trailing")
    assert [(c.text, c.cites) for c in parsed] == [("First one.", (1,)), ("Second one.", (2, 1))]


def test_an_abstaining_draft_stays_an_abstention(context: Context) -> None:
    answer = ground(Draft("Anything [1]", abstained=True, evidence=0.12), context)
    assert answer.abstained and answer.evidence == 0.12 and answer.citations == ()
