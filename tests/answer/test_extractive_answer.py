from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from answer.base import Generator
from answer.citations import verify
from answer.extractive import ExtractiveAnswerer
from answer.grounding import NOT_FOUND
from answer.relevance import EMBED_WEIGHT
from core.models import Answer, Budget, Context
from core.text import squash
from tests.answer.conftest import answer_of


def cited(answer: Answer) -> list[tuple[str, int]]:
    """(sentence, marker) pairs of an answer, in order."""
    return [(squash(s), int(n)) for s, n in re.findall(r"(.+?)\s*\[(\d+)\]\s*", answer.text)]


def test_is_a_generator() -> None:
    generator: Generator = ExtractiveAnswerer()
    assert isinstance(generator, ExtractiveAnswerer)


def test_factual_question_quotes_the_answering_sentence(context: Context) -> None:
    answer = answer_of(ExtractiveAnswerer(),
        "How many days of paid annual leave do full-time employees get?", context
    )
    assert not answer.abstained
    sentence, n = cited(answer)[0]
    assert "28 days of paid annual leave" in sentence
    citation = answer.citations[n - 1]
    assert (citation.source, citation.chunk_id) == ("handbook/leave.md", "leave-0")
    assert sentence in squash(citation.text)
    assert verify(answer) == []
    assert 0.35 <= answer.evidence <= 1.0


def test_number_question_prefers_the_sentence_with_the_figure(context: Context) -> None:
    answer = answer_of(ExtractiveAnswerer(), "What is the hotel limit per night in Europe?",
                       context)
    sentence, n = cited(answer)[0]
    assert sentence.startswith("Hotel stays are reimbursed up to EUR 180")
    assert answer.citations[n - 1].page == 4
    assert verify(answer) == []


def test_list_item_answer_maps_to_the_chunk_holding_it(context: Context) -> None:
    answer = answer_of(ExtractiveAnswerer(), "Within how many hours must lost devices be reported?",
                                         context)
    sentence, n = cited(answer)[0]
    assert sentence == (
        "Lost devices must be reported to security@northwind.example within 24 hours."
    )
    assert answer.citations[n - 1].chunk_id == "sec-0"


def test_sentence_in_second_chunk_cites_that_chunk(context: Context) -> None:
    answer = answer_of(ExtractiveAnswerer(), "When do carried-over leave days expire?", context)
    sentence, n = cited(answer)[0]
    assert "expire on 31 March" in sentence
    assert answer.citations[n - 1].chunk_id == "leave-1"


@pytest.mark.parametrize("question", [
    "What is the capital of France?",
    "Who won the football World Cup in 2022?",
    "What is the parental leave policy in Germany?",
])
def test_off_topic_question_abstains(context: Context, question: str) -> None:
    answer = answer_of(ExtractiveAnswerer(), question, context)
    assert answer == Answer(NOT_FOUND, abstained=True, citations=(), evidence=answer.evidence)
    assert answer.evidence < 0.35
    assert verify(answer) == []


def test_empty_context_abstains() -> None:
    empty = Context(passages=(), tokens=0, budget=Budget(1024, 60, 0, 30, 200))
    answer = answer_of(ExtractiveAnswerer(), "How many days of leave?", empty)
    assert answer.abstained and answer.evidence == 0.0


def test_threshold_decides_abstention(context: Context) -> None:
    question = "How many days of paid annual leave do full-time employees get?"
    evidence = answer_of(ExtractiveAnswerer(), question, context).evidence
    assert not answer_of(ExtractiveAnswerer(threshold=evidence), question, context).abstained
    assert answer_of(ExtractiveAnswerer(threshold=evidence + 0.01), question, context).abstained


def test_same_passage_cited_twice_reuses_its_number(context: Context) -> None:
    answer = answer_of(ExtractiveAnswerer(max_sentences=2),
        "How many unused leave days can be carried over, and how far in advance must leave "
        "requests be submitted in Workday?", context,
    )
    pairs = cited(answer)
    assert [n for _, n in pairs] == [1, 1]
    assert len(answer.citations) == 1
    # Document order inside the passage; the citation quotes both.
    assert pairs[0][0].startswith("Leave requests must be submitted")
    assert pairs[1][0].startswith("Up to five unused days")
    assert answer.citations[0].chunk_id == "leave-0"
    assert verify(answer) == []


def test_citations_numbered_in_order_of_first_use(context: Context) -> None:
    answer = answer_of(ExtractiveAnswerer(max_sentences=2),
        "Within how many days must expense receipts be uploaded, and how many days in advance "
        "must leave requests be submitted?", context,
    )
    pairs = cited(answer)
    assert [n for _, n in pairs] == [1, 2]
    sources = {c.n: c.source for c in answer.citations}
    assert sources == {1: "finance/expenses.pdf", 2: "handbook/leave.md"} or sources == {
        1: "handbook/leave.md", 2: "finance/expenses.pdf"}
    for sentence, n in pairs:
        assert sentence in squash(answer.citations[n - 1].text)
    assert verify(answer) == []


def test_answer_is_bounded(context: Context) -> None:
    answer = answer_of(ExtractiveAnswerer(max_sentences=2, max_words=40),
        "What must employees do about leave, expenses, receipts, laptops and VPN?", context
    )
    assert len(cited(answer)) <= 2
    assert len(re.sub(r"\[\d+\]", "", answer.text).split()) <= 40
    assert verify(answer) == []


@pytest.mark.parametrize(("question", "plain", "typed"), [
    ("When are expense reports reviewed?", "Expense reports are reviewed by the finance team.",
     "Expense reports are reviewed within 5 working days."),
    ("Who approves remote work requests?", "Remote work requests are approved by your manager.",
     "Remote work requests are approved by People Operations."),
])
def test_sentence_holding_what_the_question_asks_for_wins_a_tie(
    make_context: Callable[..., Context], question: str, plain: str, typed: str
) -> None:
    answer = answer_of(ExtractiveAnswerer(max_sentences=1), question, make_context(("a.md", plain),
                                                                               ("b.md", typed)))
    assert answer.text == f"{typed} [1]"


def test_duplicate_sentences_from_overlapping_chunks_are_quoted_once(
    make_context: Callable[..., Context],
) -> None:
    text = "Badges are issued by Facilities on the first day of work."
    ctx = make_context(("a.md", text), ("b.md", text))
    answer = answer_of(ExtractiveAnswerer(), "Who issues badges on the first day?", ctx)
    assert answer.text == f"{text} [1]"
    assert answer.citations[0].source == "a.md"


def test_sentence_that_looks_like_a_marker_is_never_quoted(
    make_context: Callable[..., Context],
) -> None:
    text = "The retention period is seven years [3] for invoices."
    ctx = make_context(("a.md", text))
    answer = answer_of(ExtractiveAnswerer(), "What is the retention period for invoices?", ctx)
    assert answer.abstained


def test_embedding_cosine_is_blended_into_the_evidence(context: Context) -> None:
    question = "How many days of paid annual leave do full-time employees get?"
    lexical = answer_of(ExtractiveAnswerer(max_sentences=1), question, context).evidence

    def same(texts: Sequence[str]) -> np.ndarray:
        return np.full((len(texts), 4), 0.5, dtype=np.float32)

    def apart(texts: Sequence[str]) -> np.ndarray:
        return np.eye(len(texts), dtype=np.float32)

    for embed, cosine in ((same, 1.0), (apart, 0.0)):
        blended = answer_of(ExtractiveAnswerer(max_sentences=1, embed=embed), question, context)
        assert blended.evidence == pytest.approx((1 - EMBED_WEIGHT) * lexical
                                                 + EMBED_WEIGHT * cosine)


def test_evidence_covers_both_parts_of_a_two_part_question(context: Context) -> None:
    question = "How far in advance must leave requests be submitted in Workday?"
    one_part = answer_of(ExtractiveAnswerer(), question, context).evidence
    both = answer_of(ExtractiveAnswerer(),
        question + " And how many unused days can be carried over?", context
    ).evidence
    assert one_part > 0.9 and both > 0.9
    lead_only = answer_of(ExtractiveAnswerer(max_sentences=1),
        question + " And how many unused days can be carried over?", context
    ).evidence
    assert lead_only < both - 0.2


def test_sentence_elsewhere_matching_only_the_leads_terms_is_not_support(
    make_context: Callable[..., Context],
) -> None:
    lead = "Fleet Manager 5.0 is planned for release on 15 September 2025."
    echo = "The Fleet Manager release fixed a crash when a floor plan was too large."
    # Unrelated sentences, so the lead's terms weigh about alike and the echo is nearly as relevant.
    other = ("z.md", "Robots dock at night. Batteries last eight hours. Maps load quickly.")
    question = "When is Fleet Manager 5.0 planned to be released?"
    elsewhere = make_context(("a.md", lead), ("b.md", echo), other)
    assert answer_of(ExtractiveAnswerer(), question, elsewhere).text == f"{lead} [1]"
    same_document = make_context(("a.md", f"{lead} {echo}"), other)
    assert answer_of(ExtractiveAnswerer(), question, same_document).text == f"{lead} [1] {echo} [1]"


def test_a_quote_from_a_definition_leads_with_its_signature(make_context) -> None:
    """An API reference section (ingestion/html_parser.py): the answer names the API."""
    from core.models import Passage

    text = ("shutil.copytree(src, dst, symlinks=False)\n"
            "Recursively copy an entire directory tree rooted at src to a directory named dst "
            "and return the destination directory.")
    p = Passage("shutil.html", "shutil", ("shutil", "shutil.copytree"), None, ("c#0",), text,
                1.0, 30, 0, (0,))
    ctx = Context((p,), 30, Budget(1024, 0, 0, 0, 0))
    answer = answer_of(ExtractiveAnswerer(), "How do I copy a whole directory tree?", ctx)
    assert answer.text.startswith("shutil.copytree(src, dst, symlinks=False) [1]")
    assert "Recursively copy an entire directory tree" in answer.text
    assert verify(answer) == []


def test_a_quoted_sentence_brings_the_one_that_finishes_it(make_context) -> None:
    ctx = make_context(("runbook.md",
        "When the dashboard shows every robot offline, restart the scheduler. "
        "Run sudo systemctl restart atlas-fleetd on the fleet host. "
        "Lunch is served in the canteen at noon every day."))
    answer = answer_of(ExtractiveAnswerer(), "What do I do when every robot shows offline?", ctx)
    assert "restart the scheduler" in answer.text and "systemctl restart" in answer.text
    assert "Lunch" not in answer.text
