"""Hand-written patterns of prompt injection, each with the name a verdict reports.

Direct rules look at what a user asks (a question, a history turn); document rules look at
indexed text for sentences that address the model instead of the reader (indirect injection).
Both run on the text as a reader sees it (`core.text.visible`), casefolded, with runs of
spaces squashed, so zero-width characters or odd spacing do not split a phrase. English and
German come first (the shared train split is both), with the override verbs of a few other
languages. A rule names a pattern a benign question has no reason to contain; the trained
classifier (guard/injection.py) judges the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.text import squash, visible

# "ignore"/"forget" in the languages of the train split and a few more.
_VERB = (
    r"\b(?:ignor|disregard|forget|vergiss|vergessen|missacht|olvid|oubli|ignora|dimentic"
    r"|забуд|игнорир)\w*"
)
# What an instruction override discards: said with "previous", "above", "all", "your"...
_QUALIFIER = (
    r"(?:previous|prior|above|earlier|preceding|foregoing|former|vorherig|bisherig|obig"
    r"|vorangehend|vorangegangen|vorig|anterior|précédent|precedent|предыдущ)\w*"
)
_MINE = r"(?:your|all|these|any|deine|alle|ihre|sämtliche|todas|toutes|tutte|все)"
_OBJECT = (
    r"(?:instruction|prompt|direction|rule|task|assignment|guideline|order|command|context"
    r"|information|text|message|conversation|anweisung|aufgabe|auftr[äa]g|befehl|angabe"
    r"|ausführung|informationen|instrucci|indicaci|consigne|istruzion|инструкц|задани)\w*"
)
_EVERYTHING = r"(?:everything|all (?:that|this|of that)|alles|todo|tout|всё|все)"


def _words(n: int) -> str:
    """Up to n words between two parts of a phrase ("ignore all of the above")."""
    return rf"\W+(?:\w+\W+){{0,{n}}}?"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]


def _rule(name: str, *patterns: str) -> Rule:
    return Rule(name, re.compile("|".join(f"(?:{p})" for p in patterns)))


OVERRIDE = _rule(
    "override previous instructions",
    _VERB + _words(5) + _QUALIFIER + _words(3) + _OBJECT,  # ignore all previous instructions
    _VERB + _words(2) + _MINE + _words(1) + _OBJECT,  # forget your instructions
    _VERB + r"(?:\W+about)?\W+" + _EVERYTHING + r"\b",  # forget everything before
    _VERB + r"\W+(?:the\W+)?above\b",  # ignore the above
    _QUALIFIER + _words(2) + _OBJECT + _words(2) + _VERB,  # die obigen Ausführungen ignorieren
    r"\b(?:start over|von vorne|von neu|neu anfangen)\b",
    r"\b(?:new|neue|weitere) (?:tasks?|instructions?|aufgaben?|anweisungen?)"
    r"(?: (?:follow|are|come|folgen|kommen))?\s*[:!]",
    r"\b(?:nun|jetzt) folgen (?:neue|weitere)\b|\bnow (?:further|new) tasks\b",
    r"\bdo not answer (?:this|the) question\b|\bbeantworte (?:diese|die) frage nicht\b",
)
ROLE = _rule(
    "role hijack",
    r"\b(?:you are|you're) now\b|\bnow you are\b|\bfrom now on,? you\b",
    # "pretend to be a/an/someone ...": "should I pretend to be confident?" is no hijack
    r"\bpretend (?:to be (?:a|an|the|my|some(?:one|body))|you are|that you)\b",
    r"\bi want you to act as\b",
    r"(?:^|[.!?:]\s*)act as (?:a|an)\b|\broleplay as\b",
    r"\b(?:jetzt|nun|ab jetzt|ab sofort) bist du\b|\bdu bist (?:jetzt|nun|ab jetzt)\b",
    r"\bstell dir vor,? du bist\b|\btu so,? als\b|\bich möchte,? dass (?:sie|du) als\b",
    r"\bdo anything now\b|\bevil (?:ai|bot|assistant)\b|\bböse ki\b",
)
REVEAL = _rule(
    "reveal the prompt",
    r"\b(?:show|print|reveal|output|repeat|display|spell|leak|tell|zeig|gib|nenn|wiederhol)\w*"
    + _words(3) + r"(?:(?:system|initial|original|ursprünglich|hidden|full|whole|complete|"
    r"gesamt|vollständig)\w* (?:prompt|instruction|message|anweisung)|prompt[- ]?text)",
    r"\bwhat (?:was|is) written (?:at the beginning|above|before)\b",
    r"\bwas steht (?:am anfang|oben|davor)\b|\btext above\b",
)
MARKUP = _rule(
    "chat markup",
    r"<\|(?:im_start|im_end|system|endoftext)\|>|\[/?inst\]|<</?sys>>|</?system>",
    r"(?:^|\n)\s*#{2,} ?(?:system|instruction|new instructions)\b",
    r"\bend of (?:the )?(?:prompt|instructions|system prompt)\b",
)

DIRECT = (OVERRIDE, ROLE, REVEAL, MARKUP)

# --- indirect: text in a document that speaks to the model ------------------------------
# Manuals tell their reader "you are now ready", "enter your credentials", "go to https://":
# these rules need the text to address the model, or the link to come with a lure.
IMPERSONATION = _rule(
    "system impersonation",
    r"(?:^|\n)\s*\[?(?:system|assistant|developer)\]?(?: (?:message|prompt|note))?\s*:",
    r"\byou are (?:now )?in (?:\w+ )?(?:maintenance|developer|debug|admin|god|unrestricted)"
    r" mode\b",
)
ADDRESS = _rule(
    "addresses the model",
    r"\b(?:dear|attention|note to(?: the)?|hey|hello),? (?:ai|llm|chatbot|assistant|"
    r"language model)s?\b",
    r"\bif you are an? (?:ai|llm|language model|assistant|chatbot)\b",
    r"\b(?:ai|llm|assistant|chatbot|language model)s? (?:must|should) (?:always|never|now|only)\b",
    r"\b(?:answer|respond|reply)(?: only)?(?: with)? [\"'“‘][^\"'”’\n]{1,40}[\"'”’]",
)
EXFILTRATE = _rule(
    "asks for secrets",
    r"\b(?:reveal|leak|disclose|expose|print|output|send|email|post)\w*" + _words(1)
    + r"(?:your|the assistant's|the system's|all|any)" + _words(1)
    + r"(?:api[ -]?keys?|passwords?|secrets?|credentials|tokens?|system prompt|environment"
    r" variables)\b",
)
VISIT = _rule(
    "sends the reader to a link",
    r"\b(?:tell|ask|instruct|direct|send|redirect|refer|point|urge)\w*" + _words(1)
    + r"(?:users?|readers?|customers?|everyone|them)" + _words(2)
    + r"(?:visit|go to|open|click|log ?in|sign ?in|verify|https?://)",
    r"\b(?:include|add|insert|append|embed)\w*" + _words(4) + r"(?:link|url|https?://)"
    + r"[^\n]{0,80}\b(?:answer|response|reply|output)\b",
    r"\b(?:verify|confirm|re-?enter|validate)\b[^.\n]{0,60}\b(?:password|credentials"
    r"|account)\b[^\n]{0,60}https?://",
    r"https?://[^\s/]*xn--",  # a punycode host: letters that look like another domain's
)

INDIRECT = (OVERRIDE, IMPERSONATION, ADDRESS, EXFILTRATE, VISIT, REVEAL, MARKUP)


def prepared(text: str) -> str:
    """What rules read: the visible text, compatibility forms folded, casefolded, lines kept."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "\n".join(squash(visible(line)) for line in folded.splitlines())


def fired(text: str, rules: tuple[Rule, ...]) -> Rule | None:
    """The first rule that matches `text` (already `prepared`), if any."""
    return next((r for r in rules if r.pattern.search(text)), None)
