"""Content terms of a text: lowercased, stop words removed, lightly stemmed.

Deterministic and dependency-free so the extractive answerer works offline; the same function
runs on the question and on the context, so over-stemming costs nothing as long as it is
consistent.
"""

from __future__ import annotations

import re

# Numbers keep their decimal part ("3.5", "1,000") so a figure matches only itself.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")

# Function words plus question words (they say how to ask, not what about), and the letters
# that apostrophes split off ("it's" → it, s).
_STOP = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves how many much
    get gets got tell please also may might must shall us within without per via upon among
    far long often soon
    s t d ll re ve m
"""
STOP_WORDS = frozenset(_STOP.split())

# Suffixes stripped in order, with the shortest stem each may leave (shorter stems collide).
_SUFFIXES = (
    ("ies", "y", 3), ("ied", "y", 3), ("sses", "ss", 3), ("ing", "", 3), ("ed", "", 3),
    ("s", "", 3),
)
# Endings where a final "s" is part of the word, not a plural.
_KEEP_S = ("ss", "us", "is")
# Doubled before -ing/-ed ("submitted", "planned"); l, s, z double in the base word too.
_UNDOUBLE = re.compile(r"([b-df-hj-km-rtv-y])\1$")


def stem(word: str) -> str:
    """Light suffix stripping: policies→policy, submitted→submit, requires/required→requir."""
    if word[0].isdigit():
        return word
    for suffix, repl, min_stem in _SUFFIXES:
        if suffix == "s" and word.endswith(_KEEP_S):
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            word = word[: len(word) - len(suffix)] + repl
            if suffix in ("ing", "ed"):
                word = _UNDOUBLE.sub(r"\1", word)
            break
    # "require"/"requir(ed)" must meet; a trailing e is the usual difference.
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def terms(text: str) -> list[str]:
    """Stemmed content words of `text`, in order, repeats kept."""
    words = (w for w in _TOKEN.findall(text.lower()) if w not in STOP_WORDS)
    return [stem(w) for w in words]


def words(text: str) -> int:
    """How many words a reader sees (for the answer length bound)."""
    return len(text.split())
