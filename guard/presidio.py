"""Presidio's parts as lore configures them; imported only when the PII scanner first runs
(guard/pii.py), since Presidio pulls in torch and transformers."""

from __future__ import annotations

from collections.abc import Sequence

import spacy
import tldextract
from presidio_analyzer import EntityRecognizer
from presidio_analyzer.nlp_engine import NlpEngine, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UkNinoRecognizer,
    UsSsnRecognizer,
)
from spacy.language import Language
from spacy.tokens import Doc

from guard.secrets import secret_recognizers

# The public suffix list as tldextract ships it: its default fetches a fresh copy from the
# network on first use (and prints a traceback offline before falling back).
SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class _Email(EmailRecognizer):
    def validate_result(self, pattern_text: str) -> bool:
        return SUFFIXES(pattern_text).fqdn != ""


@Language.component("lore_lowercase_lemmas")
def _lowercase_lemmas(doc: Doc) -> Doc:
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class _Tokenised(SpacyNlpEngine):
    """spaCy's English tokeniser and nothing else (PiiEngine.PATTERNS)."""

    def load(self) -> None:
        nlp = spacy.blank("en")
        nlp.add_pipe("lore_lowercase_lemmas")
        self.nlp = {"en": nlp}  # type: ignore[assignment]  # Presidio declares it None


def nlp_engine(with_model: bool, model: str) -> NlpEngine:
    models = [{"lang_code": "en", "model_name": model}]
    engine = SpacyNlpEngine(models=models) if with_model else _Tokenised(models)
    engine.load()
    return engine


def recognizers(with_names: bool, regions: Sequence[str],
                names: Sequence[str]) -> list[EntityRecognizer]:
    found: list[EntityRecognizer] = [
        _Email(), PhoneRecognizer(supported_regions=tuple(regions)), CreditCardRecognizer(),
        IbanRecognizer(), UsSsnRecognizer(), UkNinoRecognizer(), *secret_recognizers(),
    ]
    if with_names:
        found.append(SpacyRecognizer(supported_entities=list(names)))
    return found
