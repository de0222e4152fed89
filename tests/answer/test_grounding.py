"""The verify step's rule (answer/grounding.py) on hand-written drafts, as a model writes them."""

from __future__ import annotations

from answer.base import Draft
from answer.grounding import NOT_FOUND, UNSUPPORTED, claims, ground, supported
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


def test_a_paraphrase_with_a_changed_figure_name_or_negation_is_dropped() -> None:
    """Each twist keeps most of the passage's words: the share of terms alone would pass it."""
    from tests.answer.conftest import passage

    text = ("Access to production systems requires a FIDO2 hardware key (YubiKey 5); SMS codes "
            "are not accepted as a second factor. Lost laptops must be reported within 1 hour.")
    p = passage("security.md", "Security", ("s#0",), text, 1.0)
    assert supported("Production access needs a FIDO2 hardware key such as a YubiKey 5.", p)
    assert supported("SMS codes are not accepted as a second factor.", p)
    assert not supported("Lost laptops must be reported within 4 hours.", p)  # figure
    assert not supported("Lost laptops must be reported within one hour to Okta.", p)  # name
    assert not supported("SMS codes are accepted as a second factor.", p)  # negation dropped
    assert not supported("Production systems never require a FIDO2 hardware key.", p)  # added


def test_a_draft_with_no_supported_sentence_abstains_saying_why(context: Context) -> None:
    answer = ground(Draft("Employees get a company car after one year. [1]", False), context)
    assert answer.abstained and answer.citations == ()
    assert answer.reason == UNSUPPORTED
