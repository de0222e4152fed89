"""The answer cache over the real sample index and encoder: hits for repeats and paraphrases,
never across versions, generators or keys, and not for a near miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from lore.compose import Lore
from pipeline.cache_store import AnswerCache
from pipeline.state import Query, State

QUESTION = "How many PTO days do new employees get per year?"


@pytest.fixture
def fresh(sample_index, lore_for, tmp_path: Path) -> Lore:
    """A query side of its own over the sample index: an empty cache."""
    settings, _ = sample_index
    return lore_for(settings)


def names(trace) -> set[str]:
    return {s.name for s in trace.spans}


def test_a_repeat_is_answered_from_the_cache_without_retrieval(fresh: Lore) -> None:
    first, t1 = fresh.ask(Query(QUESTION, principal="key:a"))
    again, t2 = fresh.ask(Query(" how many PTO days do NEW employees get per year ",
                                principal="key:a"))
    assert first.cache is None and again.cache == "exact"
    assert "retrieve" in names(t1) and not {"retrieve", "generate"} & names(t2)
    assert {"meter", "record"} <= names(t2)  # still counted and recorded
    assert again.answer == first.answer and again.version == first.version
    read = next(s for s in t2.spans if s.name == "cache_read")
    assert read.attributes == {"cache_hit": True, "cache_kind": "exact"}


def test_a_paraphrase_hits_semantically_and_a_near_miss_does_not(fresh: Lore) -> None:
    # Held-out pairs of benchmarks/cache-pairs.jsonl, over lore's own answer.
    first, _ = fresh.ask(Query("When is Fleet Manager 5.0 planned to be released?"))
    paraphrase, _ = fresh.ask(Query("What's the planned release date of Fleet Manager 5.0?"))
    other_ask, _ = fresh.ask(Query("What is new in Fleet Manager 5.0?"))
    other_number, _ = fresh.ask(Query("When is Fleet Manager 6.0 planned to be released?"))
    assert paraphrase.cache == "semantic" and paraphrase.answer == first.answer
    assert other_ask.cache is None and other_number.cache is None


def test_no_answer_crosses_a_key_a_version_or_a_history(fresh: Lore) -> None:
    fresh.ask(Query(QUESTION, principal="key:a"))
    assert fresh.ask(Query(QUESTION, principal="key:b"))[0].cache is None
    pinned = fresh.ask(Query(QUESTION, principal="key:a", version="v1"))[0]
    assert pinned.cache == "exact"  # v1 is the active version: the same scope
    follow = fresh.ask(Query(QUESTION, principal="key:a",
                             history=(fresh_turn("What about contractors?"),)))[0]
    assert follow.cache is None


def fresh_turn(text: str):
    from core.models import Turn

    return Turn("user", text)


def test_a_down_voted_answer_leaves_the_cache(fresh: Lore) -> None:
    _, trace = fresh.ask(Query(QUESTION))
    fresh.observer.on_down(trace.id)
    assert fresh.ask(Query(QUESTION))[0].cache is None


def test_entries_expire_and_the_least_recent_go_first() -> None:
    now = [0.0]
    cache = AnswerCache(max_entries=2, ttl_s=10, threshold=0.9, clock=lambda: now[0])
    from core.models import Answer

    for q in ("a", "b", "c"):
        cache.put("s", q, None, State(Query(q)), Answer(q, False), None)
    assert cache.exact("s", "a") is None and len(cache) == 2
    now[0] = 11
    assert cache.exact("s", "b") is None and cache.exact("s", "c") is None
