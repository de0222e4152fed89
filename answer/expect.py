"""What kind of thing a question asks for, and whether a sentence holds one."""

from __future__ import annotations

import re
from enum import StrEnum

# Question openings that ask for a figure or date, and for a named thing.
_ASKS_NUMBER = re.compile(
    r"\b(how (many|much|long|often|old|large|big|far|soon)|when|what (year|date|time|day|"
    r"percentage|percent|amount|number|size|limit|version)|by what date)\b",
    re.IGNORECASE,
)
_ASKS_ENTITY = re.compile(r"\b(which|who|whom|whose|where)\b", re.IGNORECASE)
# Asking for a thing one types: an API, a command, a setting ("which function copies a tree").
_ASKS_CODE = re.compile(
    r"\b(function|method|class|module|command|api|call|setting|option|parameter|flag|key|"
    r"attribute|exception|decorator|field|variable)s?\b", re.IGNORECASE)
# A call or signature "copytree(src, dst)", a dotted name "os.path.join", a snake_case or
# camelCase identifier, a command-line flag "--force".
_HAS_CODE = re.compile(r"\w\(|\b\w+\.\w+\.?\w*\b|\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z]\w*|(?<!\w)--?\w")
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|"
    r"hundred|thousand|million|half|once|twice|daily|weekly|monthly|quarterly|annually|yearly|"
    r"january|february|march|april|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_HAS_NUMBER = re.compile(rf"\d|\b({_NUMBER_WORDS})\b", re.IGNORECASE)
# A capitalised word that does not open the sentence: a name, product or team.
_HAS_ENTITY = re.compile(r"(?<=[\w,;:)] )[A-Z][\w-]+|\d")


class Expect(StrEnum):
    NUMBER = "number"
    CODE = "code"
    ENTITY = "entity"
    ANY = "any"


def expectation(question: str) -> Expect:
    if _ASKS_NUMBER.search(question):
        return Expect.NUMBER
    if _ASKS_CODE.search(question) and _ASKS_ENTITY.search(question):
        return Expect.CODE
    return Expect.ENTITY if _ASKS_ENTITY.search(question) else Expect.ANY


def is_code(sentence: str) -> bool:
    """Whether the sentence names something typed: a call, a dotted name, a flag."""
    return bool(_HAS_CODE.search(sentence))


def satisfies(expect: Expect, sentence: str) -> bool:
    """Whether the sentence holds the kind of thing the question asks for."""
    if expect is Expect.NUMBER:
        return bool(_HAS_NUMBER.search(sentence))
    if expect is Expect.ENTITY:
        return bool(_HAS_ENTITY.search(sentence))
    if expect is Expect.CODE:
        return is_code(sentence)
    return False
