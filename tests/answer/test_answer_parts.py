"""Units under the answerer: content terms, question types, chunk mapping, quote windows."""

from __future__ import annotations

from answer.expect import Expect, expectation, satisfies
from answer.grounding import chunk_for, window
from core.models import Passage
from core.text import Analyzer, sentences, tokenize


def terms(text: str) -> list[str]:
    return tokenize(text, Analyzer.CONTENT)


def test_terms_drop_function_words_and_merge_inflections() -> None:
    assert terms("How many days are required?") == terms("the day it requires") == ["day", "requir"]
    assert terms("Requests were submitted") == terms("request submit") == ["request", "submit"]
    assert terms("It's the policies") == ["policy"]
    assert terms("Version 3.5 costs 1,000 EUR") == ["version", "3.5", "cost", "1,000", "eur"]


def test_question_types() -> None:
    assert expectation("How many days of leave?") is Expect.NUMBER
    assert expectation("When do days expire?") is Expect.NUMBER
    assert expectation("Which team approves?") is Expect.ENTITY
    assert expectation("Why is encryption required?") is Expect.ANY
    assert satisfies(Expect.NUMBER, "Days expire on 31 March.")
    assert satisfies(Expect.NUMBER, "Reviews happen quarterly.")
    assert not satisfies(Expect.NUMBER, "Reviews happen regularly.")
    assert satisfies(Expect.ENTITY, "Requests go to the Facilities team.")
    assert not satisfies(Expect.ENTITY, "Requests go to the facilities team.")


def make(text: str, ids: tuple[str, ...], starts: tuple[int, ...] = ()) -> Passage:
    return Passage(source="s", title="t", breadcrumbs=(), page=None, chunk_ids=ids, text=text,
                   score=1.0, tokens=0, position=0, chunk_starts=starts)


def test_chunk_for_uses_the_chunk_starts() -> None:
    text = "First chunk.\nStill first.\nSecond chunk.\nThird chunk."
    p = make(text, ("c0", "c1", "c2"), (0, text.index("Second"), text.index("Third")))
    assert [chunk_for(p, text.index(w)) for w in ("Still", "Second", "Third")] == [
        "c0", "c1", "c2"]


def test_chunk_for_falls_back_to_the_first_chunk_without_starts() -> None:
    p = make("Heading\nLine one.\nLine two.", ("c0", "c1"))
    assert chunk_for(p, p.text.index("Line two")) == "c0"


def test_window_widens_the_quote_by_one_sentence_each_side() -> None:
    text = "One is here. Two is here. Three is here. Four is here. Five is here."
    spans = sentences(text)
    assert window(text, [spans[2]]) == "Two is here. Three is here. Four is here."
    assert window(text, [spans[0], spans[1]]) == "One is here. Two is here. Three is here."
    assert window(text, [spans[4]]) == "Four is here. Five is here."
