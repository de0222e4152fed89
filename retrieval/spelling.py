"""Misspelt question words corrected against the words the retrieved passages hold.

Users type "backstge", "technolgy", "Develper": the encoder splits such a word into unrelated
word pieces and BM25 finds no term, so the question scores as if it were about something else
(on the rhdh dev set, misspellings were most of the answerable questions the evidence step
refused). A word is corrected only when nothing vouches for it as written: not a stop word,
not a word the passages hold, not one token of the reader's BPE (what a common word is, to a
BPE trained on the web: "night", "uptime"), not a term of the index; then the closest passage
word, when one is close enough, replaces it. Retrieval usually finds passages on the subject
despite the typo (the other words carry it), which is why their words are the candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import Protocol

from core.text import CONTENT_STOP_WORDS, Analyzer, surface_words, tokenize

# A misspelt word ("Cloudwathc", "OpnShft") is the known word it is at least this similar to
# (difflib ratio): on the rhdh dev questions every correction at 0.8 was the intended word.
TYPO_RATIO = 0.8
# Shorter words are too close to too many others ("tls" / "ttl") to be corrected or matched.
MIN_TYPO_LEN = 4
# A typo adds, drops or doubles a letter or two; a longer or shorter word is another word.
MAX_LENGTH_GAP = 2

Fix = tuple[str, str]  # (the word as written, the word it stands for)


class Headed(Protocol):
    """A chunk or a passage: text under a title and a section path."""

    @property
    def title(self) -> str: ...
    @property
    def breadcrumbs(self) -> tuple[str, ...]: ...
    @property
    def text(self) -> str: ...


def words_of(texts: Iterable[Headed]) -> set[str]:
    """The casefolded words of the texts, their titles and section paths: what is known."""
    return {w for t in texts
            for w in tokenize(" ".join([t.title, *t.breadcrumbs, t.text]), Analyzer.PLAIN)}


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word `word` misspells (casefolded), or None when none is close enough."""
    low = word.casefold()
    if len(low) < MIN_TYPO_LEN:
        return None
    best, best_ratio = None, TYPO_RATIO
    for k in known:
        if abs(len(k) - len(low)) > MAX_LENGTH_GAP:
            continue
        m = SequenceMatcher(None, low, k)
        # The quick ratios are upper bounds of the ratio: most words fail them cheaply.
        if m.real_quick_ratio() >= best_ratio and m.quick_ratio() >= best_ratio:
            ratio = m.ratio()
            # Ties go to the first word in sorted order: the same answer in every process.
            if ratio > best_ratio or (ratio == best_ratio and (best is None or k < best)):
                best, best_ratio = k, ratio
    return best


def suspects(question: str, known: set[str], vouched: Callable[[str], bool]) -> list[str]:
    """The question's words nothing vouches for, in reading order. `known`: the passages'
    words (casefolded); `vouched(word)`: right as written although the passages lack it (the
    reader's vocabulary, the index's)."""
    out = []
    for word, _, _ in surface_words(question):
        low = word.casefold()
        if len(low) < MIN_TYPO_LEN or low in CONTENT_STOP_WORDS or low in known:
            continue
        if any(c.isdigit() for c in low) or vouched(word):
            continue  # "s390x", "v1beta1": identifiers, not words to correct
        out.append(word)
    return list(dict.fromkeys(out))


def corrections(words: Iterable[str], known: set[str]) -> list[Fix]:
    """Each suspect word with the known word it misspells, where one is close enough."""
    return [(w, fix) for w in words if (fix := closest(w, known)) is not None]


def corrected(question: str, fixes: Iterable[Fix]) -> str:
    """The question with each misspelt word replaced where it stands."""
    wanted = dict(fixes)
    out, last = [], 0
    for word, start, end in surface_words(question):
        if word in wanted:
            out += [question[last:start], wanted[word]]
            last = end
    return "".join(out) + question[last:]
