"""Whether a new question asks what a cached one asked: the semantic cache's decision.

The cosine of the two questions' embeddings alone cannot decide it. With all-MiniLM-L6-v2 a
paraphrase ("paid time off" for "PTO") scores 0.76 and a near miss ("carry over" for "get per
year") 0.89; a typo costs more than another product or the opposite verb ("backstge" for
"Backstage" 0.46, "GitLab" for "github" 0.79, "disable" for "enable" 0.86). A rule therefore
scores a pair from three signals:

- the cosine of the questions;
- their content terms (core.text's CONTENT analyzer, with typos, truncations and acronyms
  matched): a term only the new question has is something it asks that the cached one did not,
  and other figures, a negation on one side only or a word traded for its opposite veto it;
- the cached answer: a new term the answer uses is one it speaks to, and a new question that
  fits the answer less than the cached question did (cosine to the answer's embedding) asks
  something else.

Every constant was chosen on the tuning half of benchmarks/cache-pairs.jsonl (benchmarks/cache.py;
the curves are in docs/benchmarks.md, "Semantic cache").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from core.text import STOP_WORDS, Analyzer, figures, light_stem, names, negated, tokenize


class MatchRule(StrEnum):
    COSINE = "cosine"  # the questions' cosine alone
    TERMS = "terms"  # ... with the content terms of the questions compared
    ANSWER = "answer"  # ... and the cached answer's terms and embedding consulted


# A pair with a veto (other figures, a negation on one side, an opposite, no answer to fit a
# question that is not a rewrite) scores this.
NEVER = -1.0
# Added when every content term of each question is found in the other (a rewrite: typos,
# word order, acronyms spelled out). Of the tuning half, 28 paraphrases are rewrites, their
# cosine as low as 0.24 ("how do i create the backstge cr?" / "... the backstage custom
# resource?"), and no near miss is; 0.5 lets a rewrite hit from a cosine of 0.28 (at 0.78).
REWRITE_BONUS = 0.5
# Subtracted per content term only the new question has ("carry", "azure", "disable"). Any of
# 0.05-0.2 keeps 61-62% of the tuning paraphrases at <= 1% false hits (the threshold moves
# with it); 0.1 is the middle.
NEW_TERM_PENALTY = 0.10
# Times how much worse the new question fits the cached answer than the cached question does
# (cosines to the answer's embedding): a median of -0.01 for the tuning paraphrases, 0.15 for
# its near misses. Paraphrases hit at <= 1% false hits with weight 0: 47%, 1: 53%, 2: 58%,
# 3: 62%, 4-5: 60%.
MISFIT_PENALTY = 3.0
# Shorter terms are never typos of each other: "helm"/"help", "role"/"rule", "node"/"note".
MIN_FUZZY = 5
# Two edits apart is a typo from this length on, one below it ("instal", "inport", "backstge").
TWO_EDITS = 8
# A term at least this long that starts another is its truncation ("repo"/"repository").
MIN_PREFIX = 4
# Acronyms of up to this many consecutive words ("RHSSO": Red Hat Single Sign On).
MAX_ACRONYM = 5
# Words that ask the opposite of each other. A question that trades one for the other asks
# something else however much it shares: "enable" for "disable" kept a cosine of 0.92 and every
# other term, and "on"/"off" are not content terms at all ("turn on" = "turn off" to them).
# On the tuning half this vetoes 14 near misses and 1 paraphrase (which a figure vetoes too).
# fmt: off
OPPOSITES = tuple((light_stem(a), light_stem(b)) for a, b in (
    ("on", "off"), ("in", "out"), ("up", "down"), ("enable", "disable"), ("show", "hide"),
    ("install", "uninstall"), ("add", "remove"), ("import", "export"), ("push", "pull"),
    ("start", "stop"), ("open", "close"), ("allow", "deny"), ("include", "exclude"),
    ("upload", "download"), ("upgrade", "downgrade"), ("create", "delete"),
    ("provision", "deprovision"), ("activate", "deactivate"), ("connect", "disconnect"),
    ("increase", "decrease"), ("more", "less"), ("minimum", "maximum"), ("first", "last"),
    ("before", "after"), ("encrypt", "decrypt"), ("mount", "unmount"), ("lock", "unlock"),
))
# fmt: on


@dataclass(frozen=True)
class Terms:
    """What a text is about, in the form two texts are compared in."""

    terms: frozenset[str]  # core.text CONTENT terms
    plain: tuple[str, ...]  # its words in order (core.text PLAIN): acronyms, OPPOSITES
    names: frozenset[str]  # the terms of its capitalised words (products, places, teams)
    figures: frozenset[str]
    negated: bool


def terms_of(text: str) -> Terms:
    named = frozenset(t for n in names(text) for t in tokenize(n, Analyzer.CONTENT))
    return Terms(frozenset(tokenize(text, Analyzer.CONTENT)),
                 tuple(tokenize(text, Analyzer.PLAIN)), named, figures(text), negated(text))


def spelled(words: tuple[str, ...], acronym: str) -> frozenset[str] | None:
    """The terms of a run of `words` whose initials spell `acronym`, stop words skipped or not
    ("rhbk": Red Hat Build of Keycloak); None when no run does."""
    n = len(acronym)
    if not 2 <= n <= MAX_ACRONYM or not acronym.isalpha():
        return None
    for run in (words, tuple(w for w in words if w not in STOP_WORDS)):
        for i in range(len(run) - n + 1):
            if all(run[i + k][0] == acronym[k] for k in range(n)):
                return frozenset(tokenize(" ".join(run[i:i + n]), Analyzer.CONTENT))
    return None


@dataclass(frozen=True)
class Cached:
    """A cached question as the rules see it."""

    question: Terms
    vector: np.ndarray  # the question's embedding (unit length)
    answer: frozenset[str] | None  # its answer's content terms; None: it abstained
    answer_vector: np.ndarray | None  # the answer's embedding (unit length)


def cached(question: str, vector: np.ndarray, answer: str | None,
           answer_vector: np.ndarray | None) -> Cached:
    """A cached question with its answer's text (None: it abstained) and embedding."""
    if answer is None:
        return Cached(terms_of(question), vector, None, None)
    return Cached(terms_of(question), vector, frozenset(tokenize(answer, Analyzer.CONTENT)),
                  answer_vector)


def score(rule: MatchRule, asked: Terms, vector: np.ndarray, entry: Cached) -> float:
    """How surely the new question (its terms and embedding) is the cached one: a hit when at
    least the configured threshold; NEVER on a veto."""
    cosine = float(vector @ entry.vector)
    if rule is MatchRule.COSINE:
        return cosine
    known = entry.question
    if (known.figures != asked.figures or known.negated != asked.negated
            or opposed(known, asked)):
        return NEVER
    new = unknown(known, asked)
    if not new and not unknown(asked, known):
        return cosine + REWRITE_BONUS
    if rule is MatchRule.TERMS:
        return cosine - NEW_TERM_PENALTY * len(new)
    if entry.answer is None or entry.answer_vector is None:
        return NEVER
    # A new name is another product or place, even when the answer mentions it among others.
    unanswered = [t for t in new if t in asked.names or not _has(entry.answer, t)]
    misfit = float(entry.vector @ entry.answer_vector - vector @ entry.answer_vector)
    return cosine - NEW_TERM_PENALTY * len(unanswered) - MISFIT_PENALTY * max(0.0, misfit)


def opposed(a: Terms, b: Terms) -> bool:
    """Whether one text traded a word of the other for its opposite."""
    x_words, y_words = ({light_stem(w) for w in t.plain} for t in (a, b))
    return any((x in x_words and x not in y_words and y in y_words)
               or (y in x_words and y not in y_words and x in y_words) for x, y in OPPOSITES)


def unknown(known: Terms, other: Terms) -> list[str]:
    """The terms of `other` that `known` does not have, in any spelling or abbreviation."""
    spelled_out = {t for a in known.terms for t in spelled(other.plain, a) or ()}
    return sorted(t for t in other.terms if t not in spelled_out
                  and not _has(known.terms, t) and spelled(known.plain, t) is None)


def _has(terms: frozenset[str], term: str) -> bool:
    """Whether `terms` holds `term` in some spelling (see _same)."""
    return term in terms or any(_same(term, k) for k in terms if k[0] == term[0])


def _same(a: str, b: str) -> bool:
    """One term written two ways: equal, one a truncation of the other, or a typo apart."""
    if a == b:
        return True
    if a[0].isdigit() or b[0].isdigit():  # figures differ or they don't
        return False
    short = min(len(a), len(b))
    if short >= MIN_PREFIX and (a.startswith(b) or b.startswith(a)):
        return True
    return short >= MIN_FUZZY and _within(a, b, 2 if short >= TWO_EDITS else 1)


def _within(a: str, b: str, edits: int) -> bool:
    """Levenshtein distance of a and b at most `edits`."""
    if abs(len(a) - len(b)) > edits:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            row.append(min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(row) > edits:
            return False
        previous = row
    return previous[-1] <= edits
