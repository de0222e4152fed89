"""The answer-or-abstain decision as pure functions over the signals."""

from __future__ import annotations

import pytest

from answer.evidence import (
    THRESHOLD,
    Signals,
    absent_names,
    asked_parts,
    decide,
    names,
    similarity,
    unstated_releases,
)
from answer.extractive import coverage
from core.models import Budget, Context, Passage


def context(*sources: str) -> Context:
    passages = tuple(
        Passage(s, s, ("Leave policy",), None, (f"{s}#0",), "Staff get 28 days.", 1.0 - i / 10,
                5, 0)
        for i, s in enumerate(sources))
    return Context(passages, 10, Budget(1024, 0, 0, 0, 0))


def test_names_are_capitalised_inside_the_question_acronyms_or_with_digits() -> None:
    assert names("Who do I call when the VPN is down?") == ["VPN"]
    assert names("How do I set up Okta and s390x nodes?") == ["Okta", "s390x"]
    assert names("Can I buy a 1,500 euro chair? Where do I ask?") == []  # openings, figures


def test_a_misspelt_name_is_the_word_the_context_holds() -> None:
    never = lambda word: False  # noqa: E731 - an index that holds nothing
    assert absent_names("How do I use Cloudwathc logs?", ["cloudwatch"], never) == ()
    assert absent_names("How do I page with PagerDuty?", ["page"], never) == ("PagerDuty",)
    assert absent_names("Is Okta supported?", [], lambda w: w == "Okta") == ()


def test_an_absent_name_abstains_whatever_the_score() -> None:
    ctx = context("a.md", "b.md", "c.md", "d.md")
    verdict = decide(Signals(("VPN",), 0.9, 0.9, 1.0), ctx)
    assert not verdict.answer and verdict.reason == "The documents never mention VPN."
    assert verdict.see_also == ("a.md", "b.md", "c.md")  # the closest, best first


def passage(text: str, section: str = "Release notes") -> Passage:
    return Passage("notes.md", "Fleet Manager", (section,), None, ("notes.md#0",), text, 1.0, 5,
                   0)


def test_a_release_the_passages_never_state_is_unstated() -> None:
    found = [passage("Fleet Manager 4.2 adds fleet maps. Version 4.3.1 fixes sync."),
             passage("Planned for Q3.", "Fleet Manager 5.0")]
    ask = "When will Fleet Manager {} be released?".format
    assert unstated_releases(ask("4.4"), found) == ("4.4",)
    assert unstated_releases(ask("4.2"), found) == ()
    assert unstated_releases(ask("4.3"), found) == ()  # 4.3.1 is a 4.3 release
    assert unstated_releases(ask("5.0"), found) == ()  # stated by a section heading
    assert unstated_releases(ask("14.2"), found) == ("14.2",)  # not by 4.2
    assert unstated_releases(ask("4.20"), found) == ("4.20",)
    # A figure with its unit may be answered by a rule that never states it.
    assert unstated_releases("Is a 2.5 GB upload allowed? Do 1.5 hours count?", found) == ()


def test_an_unstated_release_abstains_whatever_the_score() -> None:
    verdict = decide(Signals((), 0.9, 0.9, 1.0, unstated=("4.3",)), context("a.md"))
    assert not verdict.answer
    assert verdict.reason == "None of the passages found mentions version 4.3."
    assert verdict.absent == ("4.3",) and verdict.see_also == ("a.md",)


def test_a_low_score_says_what_the_closest_passages_are_about() -> None:
    ctx = context("a.md")
    low = Signals((), 0.3, 0.3, 0.2)
    assert low.score < THRESHOLD
    verdict = decide(low, ctx)
    assert not verdict.answer and "Leave policy" in verdict.reason
    assert decide(Signals((), 0.8, 0.7, 0.6), ctx).answer
    assert not decide(Signals((), 0.0, 0.0, 0.0), context()).answer  # nothing retrieved


def test_a_definition_is_read_under_its_name(embedder) -> None:
    """API reference sentences rarely repeat what they define ("Return disk usage statistics
    ..." under "shutil.disk_usage"); read under the section's name as well, as the retriever
    read its chunk, the sentence comes closer to a question about it."""
    text = "Return the statistics about the given path as a named tuple, in bytes."
    ctx = Context((Passage("shutil.html", "shutil", ("shutil", "Disk usage"), None, ("s#0",),
                           text, 1.0, 20, 0),), 20, Budget(1024, 0, 0, 0, 0))
    question = "How much disk usage is left?"
    _, quotable, sections = coverage(question, ctx)
    assert (quotable, sections) == ([text], ["Disk usage"])
    plain = similarity(question, quotable, [""], embedder.embed)
    headed = similarity(question, quotable, sections, embedder.embed)
    assert headed > plain + 0.05
    assert headed == pytest.approx(float(embedder.embed([question, f"Disk usage: {text}"])
                                         .prod(axis=0).sum()), abs=1e-5)


def test_a_compound_question_is_cut_where_a_new_question_opens() -> None:
    assert asked_parts("Where is the new office, and when do we move in?") == [
        "Where is the new office", "when do we move in"]
    assert asked_parts("What is the limit? How do I raise it?") == [
        "What is the limit", "How do I raise it"]
    assert asked_parts("Do the birth parent and the partner get paid leave?") == []  # one asked
    assert asked_parts("How do I enable the plugin and why") == []  # "why" asks nothing alone


def test_a_compound_question_counts_when_every_part_is_answered(embedder) -> None:
    """No one sentence is close to a two-part question; its worse-answered part's best cosine
    counts, so two sentences that answer a part each score above either alone."""
    question = ("What is the minimum password length, and do I have to change my password every "
                "90 days?")
    length = "Passwords must be at least 14 characters long."
    expiry = "Passwords do not expire; change yours only when you suspect it was exposed."
    both = similarity(question, [length, expiry], ["Passwords"] * 2, embedder.embed)
    assert both > max(similarity(question, [s], ["Passwords"], embedder.embed)
                      for s in (length, expiry)) + 0.02
    worse = min(similarity(part, [length, expiry], ["Passwords"] * 2, embedder.embed)
                for part in asked_parts(question))
    assert both == pytest.approx(worse, abs=1e-5)
