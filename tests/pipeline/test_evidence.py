"""The evidence step over the real sample index and encoder: it abstains, saying why, on what
the documents never say, and lets the generator answer what they do."""

from __future__ import annotations

import pytest

from answer.grounding import NOT_FOUND
from core.models import Answer
from lore.compose import Lore
from pipeline.state import Query

# The corpus never mentions a VPN: asked several ways, as a new user would.
VPN = (
    "Who do I call when the VPN is down at night?",
    "How do I connect to the VPN from a hotel when I travel?",
    "My VPN connection keeps dropping. Who can help me?",
    "Which VPN client should I install to reach internal systems from home?",
)
# Every word is in the corpus, the answer is not (data/eval-unanswerable.jsonl).
NOT_SAID = (
    "Who is our dental insurance provider?",
    "Does the company match pension contributions?",
    "What is the capital of Australia?",
)
# The release notes and the roadmap name Fleet Manager 4.0.0 to 4.2.0 and 5.0, never 4.3.
UNRELEASED = (
    "When will Fleet Manager 4.3 be released and what is new in it?",
    "What is new in Fleet Manager 4.3?",
)
# (question, cited source, its page)
SAID = (
    ("How many days a week am I allowed to work from home?", "handbook/employee-handbook.pdf", 1),
    ("What is the price of the Atlas 150?", "product/price-list.csv", None),
    ("Which PostgreSQL version does Fleet Manager require?", "product/release-notes.md", None),
    ("When is Fleet Manager 5.0 planned to be released?", "product/roadmap-2025.pptx", 3),
)


def asked(app: Lore, question: str) -> tuple[Answer, set[str]]:
    state, trace = app.ask(Query(question))
    assert state.answer is not None
    return state.answer, {s.name for s in trace.spans}


@pytest.mark.parametrize("question", VPN)
def test_a_topic_the_documents_never_mention_is_named(sample_lore: Lore, question: str) -> None:
    answer, steps = asked(sample_lore, question)
    assert answer.abstained and answer.text == NOT_FOUND
    assert answer.reason == "The documents never mention VPN."
    assert answer.citations == ()  # the closest sources are pointers, not an answer
    assert answer.see_also and all("/" in s for s in answer.see_also)
    assert "evidence" in steps and "generate" not in steps  # no generator was asked


@pytest.mark.parametrize("question", NOT_SAID)
def test_a_question_the_passages_do_not_answer_is_refused(sample_lore: Lore,
                                                          question: str) -> None:
    answer, steps = asked(sample_lore, question)
    assert answer.abstained and answer.citations == ()
    assert answer.reason.startswith(("The closest passages are about", "The documents never"))
    assert "generate" not in steps


@pytest.mark.parametrize("question", UNRELEASED)
def test_a_release_no_passage_states_is_refused(sample_lore: Lore, question: str) -> None:
    answer, steps = asked(sample_lore, question)
    assert answer.abstained and answer.citations == ()
    assert answer.reason == "None of the passages found mentions version 4.3."
    assert "generate" not in steps


@pytest.mark.parametrize(("question", "source", "page"), SAID)
def test_an_answered_question_cites_its_page(sample_lore: Lore, question: str, source: str,
                                             page: int | None) -> None:
    answer, steps = asked(sample_lore, question)
    assert not answer.abstained, answer.reason
    assert answer.reason == "" and answer.see_also == ()
    assert {"evidence", "generate", "verify"} <= steps
    cited = {(c.source, c.page) for c in answer.citations}
    assert (source, page) in cited
