"""core/text.py: the one place terms, normal forms and sentence boundaries are defined."""

from __future__ import annotations

from core.text import (
    Analyzer,
    jaccard,
    normalise,
    sentence_ends,
    sentences,
    shingles,
    squash,
    surface_words,
    tokenize,
)


def test_analyzers_differ_only_where_they_say() -> None:
    text = "Configuring the Helm charts, v1.2 and k8s_nodes!"
    assert tokenize(text, Analyzer.PLAIN) == ["configuring", "the", "helm", "charts", "v1", "2",
                                              "and", "k8s", "nodes"]
    assert tokenize(text, Analyzer.STOPWORDS) == ["configuring", "helm", "charts", "v1", "2",
                                                  "k8s", "nodes"]
    assert tokenize(text, Analyzer.STEM) == ["configur", "helm", "chart", "v1", "2", "k8s", "node"]
    # Figures stay whole and question words go: what a sentence must share with a question.
    assert tokenize("How many of the 3.5 GB are configured?", Analyzer.CONTENT) == [
        "3.5", "gb", "configur"]


def test_normal_forms() -> None:
    assert squash("  two\n lines\t here ") == "two lines here"
    assert normalise("Copy_of: The SAME text!") == "copy of the same text"
    a, b = shingles("one two three four five"), shingles("one two three four six")
    assert 0 < jaccard(a, b) < 1 and jaccard(a, a) == 1.0


def test_surface_words_keep_names_whole() -> None:
    assert [w for w, _, _ in surface_words("Use C++ or node.js (v1.2).")] == [
        "Use", "C++", "or", "node.js", "v1.2"]


def test_a_sentence_knows_where_its_line_and_its_words_start() -> None:
    text = "Steps:\n- Install the chart.\n  2. Run it now."
    found = sentences(text)
    assert [s.text for s in found] == ["Steps:", "Install the chart.", "Run it now."]
    assert [text[s.lead : s.start] for s in found] == ["", "- ", "2. "]


def test_wrapped_lines_join_unless_asked_not_to() -> None:
    text = "The policy applies to all\nstaff hired after 2020. Next."
    assert [s.text for s in sentences(text)] == ["The policy applies to all\nstaff hired after "
                                                 "2020.", "Next."]
    apart = [s.text for s in sentences(text, join_wrapped=False)]
    assert apart == ["The policy applies to all", "staff hired after 2020.", "Next."]


def test_sentence_ends_are_the_cuts_short_of_the_end() -> None:
    text = "One here. Two here. Three here."
    assert [text[:n] for n in sentence_ends(text)] == ["One here.", "One here. Two here."]
