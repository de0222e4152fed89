from __future__ import annotations

from dataclasses import replace

import pytest

from answer.citations import verify
from answer.extractive import ExtractiveAnswerer
from answer.grounding import NOT_FOUND
from core.models import Answer, Citation, Context
from tests.answer.conftest import answer_of

QUOTE = ("Up to five unused days may be carried over into the next year;\ncarried-over days "
         "expire on 31 March. Sick leave does not count against annual leave.")


def cite(n: int, text: str = QUOTE) -> Citation:
    return Citation(n=n, source="handbook/leave.md", title="Leave policy", page=None,
                    chunk_id="leave-1", text=text)


GOOD = Answer(
    text="Up to five unused days may be carried over into the next year; carried-over days "
         "expire on 31 March. [1] Sick leave does not count against annual leave. [1]",
    abstained=False, citations=(cite(1),), evidence=0.8,
)


def test_good_answer_passes() -> None:
    assert verify(GOOD) == []


def test_abstention_passes_and_abstention_with_citations_fails() -> None:
    abstention = Answer(NOT_FOUND, abstained=True)
    assert verify(abstention) == []
    assert verify(replace(abstention, citations=(cite(1),))) != []


@pytest.mark.parametrize(("tampered", "problem"), [
    (replace(GOOD, text=GOOD.text.replace("[1]", "[2]", 1)), "marker [2] has no citation"),
    (replace(GOOD, text=GOOD.text.replace("31 March", "30 April")), "is not in the text"),
    (replace(GOOD, citations=(cite(1), cite(2))), "citation [2] is never used"),
    (replace(GOOD, text=GOOD.text + " Managers may grant more."), "uncited text"),
    (replace(GOOD, text="[1] " + GOOD.text), "follows no sentence"),
    (replace(GOOD, text="Sick leave is unlimited."), "cites nothing"),
    (replace(GOOD, citations=(cite(2),)), "numbered 1..1"),
    (replace(GOOD, text="Sick leave does not count against annual leave. [2] Up to five "
             "unused days may be carried over into the next year; carried-over days expire on "
             "31 March. [1]", citations=(cite(1), cite(2))), "order of first use"),
])
def test_tampered_answer_is_caught(tampered: Answer, problem: str) -> None:
    problems = verify(tampered)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("question", [
    "How many days of paid annual leave do full-time employees get?",
    "What is the hotel limit per night in Europe?",
    "Which VPN client version is required on laptops?",
    "How many unused leave days can be carried over, and how far in advance must leave requests "
    "be submitted?",
    "Within how many days must receipts be uploaded, and how much is a hotel in North America?",
])
def test_answers_verify_and_every_citation_quotes_its_passage(context: Context,
                                                             question: str) -> None:
    answer = answer_of(ExtractiveAnswerer(), question, context)
    assert not answer.abstained
    assert verify(answer) == []
    texts = {p.source: p.text for p in context.passages}
    for c in answer.citations:
        assert c.text in texts[c.source]
