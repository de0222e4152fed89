"""Answer or abstain, before any generator runs: pure functions over measured signals.

Two signals decide (fitted on the rhdh dev set, 255 answerable questions, against 45
unanswerable ones; docs/abstention.md has the trade-off curve and the held-out figures):
- a name the question asks about that the index never holds ("VPN", "PagerDuty", "Velero"):
  a capitalised word inside the question, an acronym, a name with a digit, which no indexed
  chunk contains and which is no misspelling of a word the context holds; likewise a release
  number the question names ("Fleet Manager 4.3") that no passage found states;
- how close the context comes to the question: the best cosine of the question to a context
  sentence (read as written and under its section's name), the retriever's cosine to its top
  hit, and the lexical coverage of the question by the sentences an extractive answer would
  quote, blended into one score in 0..1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from answer.relevance import Embed
from core.models import Context, Passage
from core.text import CONTENT_STOP_WORDS, surface_words
from retrieval.spelling import closest

# The blend, swept on the dev sets (docs/abstention.md): the sentence cosine carries most of
# the semantic say (AUC 0.92 alone, answerable against unanswerable rhdh questions), the top
# hit's cosine steadies it (0.88), lexical coverage (0.74) separates passages about the topic
# from ones that answer; blended: 0.948.
SENTENCE_WEIGHT = 0.75
LEXICAL_WEIGHT = 0.2
# Below this blended score the context does not answer. Swept on rhdh dev + the 83 unanswerable
# questions of benchmarks/rhdh-unanswerable*.jsonl (benchmarks/abstention.py): 7.1% of the
# answerable questions refused, 7.2% of the unanswerable ones answered; 0.56 refuses 5.9% and
# answers 9.6%, 0.60 refuses 9.4% and answers 6.0%.
THRESHOLD = 0.58
# Sentences also read under their section's name, the closest first: the 5 closest give nearly
# the AUC of reading all of them (0.948 against 0.949 on rhdh) for about 40 ms more on a context
# the memo has not seen (the 10 closest: 0.949 for about twice that; all 29 of a median rhdh
# context embedded twice: 2.3 times the step's time).
HEADED = 5
# Parts of a compound question read on their own: a new clause opens with a question word or
# an auxiliary after "and"/"or"/"but". Swept on the harvested verdicts (rhdh dev: 52 compound
# questions, AUC unchanged at 0.948; the sample set: one more answerable question answered,
# "What is the minimum password length, and ...?" 0.57 -> 0.62); the worst part counts, so
# a compound question is answered only when every part is.
_PART_BREAK = re.compile(
    r"\?\s+|;\s+|,?\s+(?:and|or|but)\s+(?=(?:do|does|did|is|are|was|can|could|should|will|"
    r"would|must|may|how|what|which|who|when|where|why|i|we|my)\b)", re.IGNORECASE)
MIN_PART_WORDS = 3
# A release number pins what is asked: passages about 4.2 and 5.0 do not answer "Fleet Manager
# 4.3". Dotted digits as written ("4.3", "1.8.0"), not a figure with its unit ("2.5 GB"), which
# a rule may answer without stating it. On the harvested verdicts (rhdh dev + 83 unanswerable,
# the sample sets, python3.11-doc) the 3 unanswerable questions naming a release were all
# answered; 2 are refused now (the third names 1.8 and 1.7, both stated), and the 5 answerable
# ones naming a release all find it stated (docs/abstention.md).
_RELEASE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)+(?!\w|\.\w)(?!\s?(?:%|[kmgt]i?b|kg|g|mm|cm|km|m|ms|s|h|x|seconds?|"
    r"minutes?|hours?|days?|weeks?|months?|years?|euros?|dollars?|percent|times)\b)",
    re.IGNORECASE)
# Sources listed under an abstention, never as an answer.
SEE_ALSO = 3


@dataclass(frozen=True)
class Signals:
    absent: tuple[str, ...]  # names of the question no indexed chunk holds
    similarity: float  # best cosine to a context sentence, as written or under its section
    retrieval: float  # the retriever's cosine of the question to its top hit, 0..1
    coverage: float  # share of the question the quotable sentences hold (lexical evidence)
    unstated: tuple[str, ...] = ()  # release numbers of the question no passage found states

    @property
    def score(self) -> float:
        semantic = SENTENCE_WEIGHT * self.similarity + (1 - SENTENCE_WEIGHT) * self.retrieval
        return (1 - LEXICAL_WEIGHT) * semantic + LEXICAL_WEIGHT * self.coverage


@dataclass(frozen=True)
class Verdict:
    answer: bool
    score: float
    reason: str = ""  # why not, in one line a user understands
    see_also: tuple[str, ...] = ()  # the closest sources, when abstaining
    absent: tuple[str, ...] = ()  # the names that decided it, when they did


def names(question: str) -> list[str]:
    """Words of the question that name something: capitalised inside it, an acronym, with a
    digit ("Okta", "VPN", "s390x"); question words and the sentence opening are left out."""
    out = []
    for word, start, _ in surface_words(question):
        if word.casefold() in CONTENT_STOP_WORDS or len(word) < 2 or word[0].isdigit():
            continue  # a figure asked about ("1,500 euros") need not be in the documents
        opening = start == 0 or question[:start].rstrip()[-1:] in ".?!"
        capital = word[0].isupper() and not opening
        if capital or sum(c.isupper() for c in word) >= 2 or any(c.isdigit() for c in word):
            out.append(word)
    return list(dict.fromkeys(out))


def unstated_releases(question: str, passages: Sequence[Passage]) -> tuple[str, ...]:
    """The release numbers the question names that no passage states, in its text or headings
    ("4.3" is stated by "4.3" and "4.3.1", not by "14.3" or "4.30")."""
    text = "\n".join(part for p in passages for part in (p.title, *p.breadcrumbs, p.text))
    return tuple(dict.fromkeys(
        v for v in _RELEASE.findall(question)
        if not re.search(rf"(?<![\w.]){re.escape(v)}(?!\d)", text)))


def absent_names(question: str, context_words: Iterable[str],
                 indexed: Callable[[str], bool]) -> tuple[str, ...]:
    """The question's names that the index never holds (`indexed(word)`) and that are no
    misspelling of a context word."""
    known = {w.casefold() for w in context_words}
    out = []
    for name in names(question):
        low = name.casefold()
        # A misspelt name ("Cloudwathc") still names what the context holds.
        if low in known or indexed(name) or closest(low, known) is not None:
            continue
        out.append(name)
    return tuple(out)


def decide(signals: Signals, context: Context, threshold: float = THRESHOLD) -> Verdict:
    score = signals.score
    if signals.absent:
        return Verdict(False, score, f"The documents never mention {_listed(signals.absent)}.",
                       see_also(context), signals.absent)
    if signals.unstated:
        return Verdict(False, score, "None of the passages found mentions version "
                       f"{_listed(signals.unstated)}.", see_also(context), signals.unstated)
    if score < threshold:
        about = topic(context)
        reason = (f"The closest passages are about {about}, but they do not clearly answer this."
                  if about else "Nothing in the documents answers this.")
        return Verdict(False, score, reason, see_also(context))
    return Verdict(True, score)


def topic(context: Context) -> str:
    """What the best passage is about: its section, else its title."""
    best = max(context.passages, key=lambda p: p.score, default=None)
    return "" if best is None else best.section


def see_also(context: Context) -> tuple[str, ...]:
    ranked = sorted(context.passages, key=lambda p: -p.score)
    return tuple(dict.fromkeys(p.source for p in ranked))[:SEE_ALSO]


def _listed(words: Sequence[str]) -> str:
    return " or ".join(words[:2])


def asked_parts(question: str) -> list[str]:
    """The questions a compound question asks, when it asks more than one ("What is the minimum
    password length, and do I have to change my password every 90 days?"): cut after a "?",
    at a semicolon, and at "and"/"or"/"but" opening a new question or clause. A part of fewer
    than MIN_PART_WORDS words is no question of its own ("and why"), so it stays whole."""
    cut = [p.strip(" ?,.") for p in _PART_BREAK.split(question)]
    parts = [p for p in cut if len(p.split()) >= MIN_PART_WORDS]
    return parts if len(parts) >= 2 else []


def similarity(question: str, sentences: Sequence[str], sections: Sequence[str],
               embed: Embed) -> float:
    """The best cosine of the question to one of the sentences, clipped to 0..1, each of the
    closest also read under the name of its section ("shutil.disk_usage: Return disk usage
    statistics ..."), as the retriever read its chunk under its heading: a sentence often does
    not repeat what its section is about ("Returns the number of seconds." under "Session
    timeout"; every definition of an API reference).

    A compound question is also read part by part: when one sentence answers each part, no
    sentence is close to the whole, so the worst-answered part's best cosine counts too."""
    if not sentences:
        return 0.0
    asked = [question, *asked_parts(question)]
    vecs = embed([*asked, *sentences])
    queries, cosine = vecs[: len(asked)], np.clip(vecs[len(asked):] @ vecs[: len(asked)].T, 0, 1)
    near = sorted({int(i) for row in cosine.T for i in np.argsort(-row, kind="stable")[:HEADED]})
    headed = embed([f"{sections[i]}: {sentences[i]}" for i in near])
    best = np.maximum(cosine.max(axis=0), np.clip(headed @ queries.T, 0, 1).max(axis=0))
    return float(max(best[0], best[1:].min())) if len(best) > 1 else float(best[0])
