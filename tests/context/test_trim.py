from __future__ import annotations

import pytest

from context.trim import MIN_WORDS, trim_to_fit, word_cuts
from core.text import sentence_ends

TEXT = "Nodes need 4 GiB. Use gp3 volumes! Is IAM set? Yes.\nLast line here"


def test_sentence_ends() -> None:
    cuts = sentence_ends(TEXT)
    assert [TEXT[:c] for c in cuts] == [
        "Nodes need 4 GiB.",
        "Nodes need 4 GiB. Use gp3 volumes!",
        "Nodes need 4 GiB. Use gp3 volumes! Is IAM set?",
        "Nodes need 4 GiB. Use gp3 volumes! Is IAM set? Yes.",
    ]


def test_decimal_points_are_not_sentence_ends() -> None:
    assert sentence_ends("Version 3.14 is out. Upgrade now.") == [len("Version 3.14 is out.")]


@pytest.mark.parametrize("limit", range(0, len(TEXT) + 5))
def test_trim_takes_longest_sentence_prefix(limit: int) -> None:
    out = trim_to_fit(TEXT, lambda t: len(t) <= limit)
    fitting = [TEXT[:c] for c in sentence_ends(TEXT) if c <= limit]
    if fitting:
        assert out == fitting[-1]
    elif out is not None:  # word fallback: whole words only, at least MIN_WORDS of them
        assert TEXT.startswith(out) and TEXT[len(out)].isspace()
        assert len(out.split()) >= MIN_WORDS


def test_word_fallback_never_cuts_mid_word() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve"
    out = trim_to_fit(text, lambda t: len(t) <= 50)
    assert out == "one two three four five six seven eight nine ten"
    assert text[len(out)] == " "


def test_word_fallback_needs_enough_words() -> None:
    text = "one two three four five six seven eight nine ten"
    assert trim_to_fit(text, lambda t: len(t) <= 20) is None
    assert len(word_cuts(text)) == 9
