"""The spell step over the real sample index: a misspelt question is searched, judged and
answered as the word it misspells, and the user's question stays as typed."""

from __future__ import annotations

import pytest

from lore.compose import Lore
from pipeline.runner import run
from pipeline.state import Query, State

# (as typed, as corrected, the source that answers it)
TYPED = (
    ("What is the pasword polcy?", "What is the password policy?",
     "policies/security-policy.docx"),
    ("What is the expence limit for meals?", "What is the expense limit for meals?",
     "handbook/employee-handbook.pdf"),
)


@pytest.mark.parametrize(("typed", "meant", "source"), TYPED)
def test_a_misspelt_question_is_answered_as_meant(sample_lore: Lore, typed: str, meant: str,
                                                  source: str) -> None:
    state, trace = sample_lore.ask(Query(typed))
    assert state.standalone == meant and state.query.question == typed
    assert state.answer is not None and not state.answer.abstained
    assert state.answer.citations[0].source == source
    spell = next(s for s in trace.spans if s.name == "spell")
    assert spell.attributes["corrected"] >= 1


def test_without_the_step_the_typo_is_refused(sample_index, lore_for) -> None:
    """What the step is for: the same question searched as typed finds nothing that answers."""
    settings, _ = sample_index
    app = lore_for(settings.model_copy(update={
        "retrieval": settings.retrieval.model_copy(update={"spell_correct": False})}))
    state, trace = app.ask(Query(TYPED[0][0]))
    assert state.answer is not None and state.answer.abstained
    assert "spell" not in {s.name for s in trace.spans}


def test_a_question_typed_right_is_searched_once(sample_lore: Lore) -> None:
    # The evaluate flow: no answer cache, which other tests may have filled with this question.
    state, trace = run(sample_lore.flows.evaluate,
                       State(Query("What is the price of the Atlas 150?")))
    assert state.standalone == "What is the price of the Atlas 150?"
    assert sum(s.name == "dense" for s in trace.spans) == 1  # no second search
