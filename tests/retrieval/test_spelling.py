"""Misspelt question words: which are suspect, what they are corrected to, where."""

from __future__ import annotations

from core.models import Passage
from retrieval.spelling import closest, corrected, corrections, suspects, words_of

KNOWN = {"backstage", "custom", "config", "author", "default", "might", "time", "helm",
         "extensions", "policy", "password"}


def never(word: str) -> bool:
    return False


def test_a_misspelt_word_becomes_the_passage_word_it_is_closest_to() -> None:
    question = "How do I auther a Backstge CR with my custm config?"
    words = suspects(question, KNOWN, never)
    assert words == ["auther", "Backstge", "custm"]
    fixes = corrections(words, KNOWN)
    assert fixes == [("auther", "author"), ("Backstge", "backstage"), ("custm", "custom")]
    assert corrected(question, fixes) == "How do I author a backstage CR with my custom config?"


def test_words_something_vouches_for_are_left_as_written() -> None:
    # "night" is no typo of "might": a word the reader's vocabulary or the index vouches for
    # stays, and so do short words, stop words, identifiers and the passages' own words.
    vouched = {"night", "uptime", "shown"}.__contains__
    question = "Is the uptime at night shown in the helm chart for v1beta1 and s390x?"
    assert suspects(question, KNOWN, vouched) == ["chart"]
    assert corrections(["chart"], KNOWN) == []  # nothing close enough: not corrected


def test_nothing_close_enough_is_no_correction() -> None:
    assert closest("pasword", KNOWN) == "password"
    assert closest("kubernetes", KNOWN) is None
    assert closest("hlm", KNOWN) is None  # too short to tell from other words


def test_ties_go_the_same_way_in_every_process() -> None:
    # "tabel" is as close to "table" as to "label": the first in sorted order, whatever the
    # iteration order of the set (salted per process).
    assert closest("tabel", {"table", "label"}) == closest("tabel", {"label", "table"}) == "label"


def test_every_place_a_word_stands_is_corrected() -> None:
    fixes = [("polcy", "policy")]
    assert corrected("polcy? the polcy.", fixes) == "policy? the policy."


def test_what_is_known_includes_titles_and_section_paths() -> None:
    passage = Passage(source="a.md", title="Install Guide", breadcrumbs=("Helm", "TLS Setup"),
                      page=None, chunk_ids=("c1",), text="Run the Operator.", score=1.0, tokens=5,
                      position=0)
    assert words_of([passage]) == {"install", "guide", "helm", "tls", "setup", "run", "the",
                                   "operator"}
