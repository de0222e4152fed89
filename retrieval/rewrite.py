"""Standalone queries from conversational follow-ups, offline and without a language model.

Heuristic, applied to the user turns in order so that a chain of follow-ups accumulates:

1. A follow-up is elliptical when it starts with a connective ("and ...", "what about ..."),
   has at most two content words, or has an anaphoric pronoun ("it", "them", "this", ...)
   and at most three content words. Anything else is standalone and is kept as it is.
2. The anchor is the standalone form of the previous user question. With the leading
   connective stripped, the follow-up fills a slot of the anchor, first rule that applies:
   a. it starts with a preposition the anchor also has: the anchor's phrase after that
      preposition is replaced ("deploy on GKE with Helm" + "and on EKS?" -> "deploy on EKS
      with Helm");
   b. it starts with another preposition: the phrase is appended to the anchor;
   c. its last word occurs in the anchor: the same number of anchor words ending there is
      replaced ("rotate API keys" + "what about admin keys?" -> "rotate admin keys");
   d. it is all names (capitalised, acronyms, digits) and the anchor has a run of names: the
      last such run is replaced ("install on Ubuntu" + "what about macOS?" -> "install on macOS");
   e. it has a pronoun: the first pronoun is replaced by the anchor's content words;
   f. otherwise: the content words of the anchor and the follow-up, each once.

Without part-of-speech tags, rule e carries the anchor's verbs along with its nouns ("where
are the API keys configured?" + "how often do I rotate them?" -> "... rotate API keys
configured"): good enough for BM25 and the dense model, not meant to be shown to users.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Turn
from core.text import surface_words

_PUNCT = re.compile(r"[?.!,;:()]")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PREPOSITIONS = _set(
    "on in for with from to at by into via under over about without inside behind using"
)
_CONNECTIVES = _set("and or but also")
_LEADS = (("what", "about"), ("how", "about"))
_PRONOUNS = _set("it its they them their this these those one ones")
# Words that end an anchor phrase besides punctuation and prepositions.
_CLAUSE = _set("and or but that which who when where if because so")
_STOP = (
    _PREPOSITIONS | _CONNECTIVES | _PRONOUNS | _CLAUSE
    | _set("""a an the of is are was were be been being am do does did have has had can could
    should would will shall may might must i me my we our you your he him his she her there here
    what whom whose why how whether than as not no please""")
)
_SHORT = 2  # content words: "and EKS?", "more detail?" cannot stand alone
_SHORT_WITH_PRONOUN = 3  # "how do I configure it?"; longer questions with "it" usually stand alone


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return self.text.casefold()

    @property
    def content(self) -> bool:
        return self.key not in _STOP

    @property
    def name(self) -> bool:
        t = self.text
        return t[0].isupper() or any(c.isdigit() for c in t) or any(c.isupper() for c in t[1:])


def standalone_query(query: str, history: Sequence[Turn]) -> str:
    """The query with what an elliptical follow-up leaves out filled in from the history."""
    anchor: str | None = None
    for turn in history:
        if turn.role == "user" and turn.content.strip():
            anchor = _resolve(turn.content, anchor)
    return _resolve(query, anchor)


def is_elliptical(query: str) -> bool:
    words = _words(query)
    content = sum(w.content for w in words)
    has_pronoun = any(w.key in _PRONOUNS for w in words)
    return (
        len(_strip_lead(words)) < len(words)
        or content <= _SHORT
        or (has_pronoun and content <= _SHORT_WITH_PRONOUN)
    )


def _resolve(query: str, anchor: str | None) -> str:
    if anchor is None or not is_elliptical(query):
        return query.strip()
    return _merge(anchor.strip(), query.strip())


def _merge(anchor: str, follow: str) -> str:
    a = _words(anchor)
    core = _strip_lead(_words(follow))
    if not core:
        return anchor
    phrase = follow[core[0].start : core[-1].end]
    for rule in (_same_preposition, _new_preposition, _shared_head, _names, _pronoun):
        merged = rule(anchor, a, core, phrase)
        if merged is not None:
            return merged
    return " ".join(dict.fromkeys(w.text for w in (*a, *core) if w.content))


def _same_preposition(anchor: str, a: list[_Word], core: list[_Word], phrase: str) -> str | None:
    if core[0].key not in _PREPOSITIONS:
        return None
    at = [i for i, w in enumerate(a) if w.key == core[0].key]
    if not at:
        return None
    i = at[-1]
    end = _phrase_end(anchor, a, i + 1)
    return _splice(anchor, a[i].start, a[end - 1].end if end > i + 1 else a[i].end, phrase)


def _new_preposition(anchor: str, a: list[_Word], core: list[_Word], phrase: str) -> str | None:
    if core[0].key not in _PREPOSITIONS:
        return None
    body = anchor.rstrip("?.! ")
    return f"{body} {phrase}{anchor[len(body):].strip()}"


def _shared_head(anchor: str, a: list[_Word], core: list[_Word], phrase: str) -> str | None:
    if not all(w.content for w in core):
        return None
    at = [i for i, w in enumerate(a) if w.key == core[-1].key]
    if not at or at[-1] + 1 < len(core):
        return None
    j = at[-1]
    start = j - len(core) + 1
    if not all(w.content for w in a[start : j + 1]):
        return None
    return _splice(anchor, a[start].start, a[j].end, phrase)


def _names(anchor: str, a: list[_Word], core: list[_Word], phrase: str) -> str | None:
    if not all(w.name and w.content for w in core):
        return None
    runs = [i for i, w in enumerate(a) if i > 0 and w.name and w.content]
    if not runs:
        return None
    end = runs[-1]
    start = end
    while start - 1 in runs and not _PUNCT.search(anchor[a[start - 1].end : a[start].start]):
        start -= 1
    return _splice(anchor, a[start].start, a[end].end, phrase)


def _pronoun(anchor: str, a: list[_Word], core: list[_Word], phrase: str) -> str | None:
    first = next((w for w in core if w.key in _PRONOUNS), None)
    if first is None:
        return None
    keys = {w.key for w in core}
    topic = " ".join(dict.fromkeys(w.text for w in a if w.content and w.key not in keys))
    offset = core[0].start
    return _splice(phrase, first.start - offset, first.end - offset, topic)


def _phrase_end(text: str, words: list[_Word], i: int) -> int:
    """Index after the last word of the phrase starting at words[i]."""
    j = i
    while j < len(words) and words[j].key not in _PREPOSITIONS | _CLAUSE:
        j += 1
        if j < len(words) and _PUNCT.search(text[words[j - 1].end : words[j].start]):
            break
    return j


def _strip_lead(words: list[_Word]) -> list[_Word]:
    while words:
        if words[0].key in _CONNECTIVES:
            words = words[1:]
        elif tuple(w.key for w in words[:2]) in _LEADS:
            words = words[2:]
        else:
            break
    return words


def _words(text: str) -> list[_Word]:
    return [_Word(*w) for w in surface_words(text)]


def _splice(text: str, start: int, end: int, insert: str) -> str:
    return f"{text[:start]}{insert}{text[end:]}"
