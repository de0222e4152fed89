"""PII and secrets with Presidio, offline: precision and recall on a labelled file, masking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard.pii import PII_TYPES, PiiScanner, mask, placeholder
from guard.secrets import SECRET_TYPES

CASES = [json.loads(line) for line in
         Path(__file__).with_name("pii_cases.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def scanner() -> PiiScanner:
    return PiiScanner()


def spans(case: dict) -> set[tuple[str, int, int]]:
    text = case["text"]
    return {(t, text.index(s), text.index(s) + len(s)) for t, s in case["pii"]}


def test_precision_and_recall_on_the_labelled_file(scanner: PiiScanner) -> None:
    """Exact spans and types; docs/guardrails.md reports the figures."""
    tp = fp = fn = 0
    for case in CASES:
        want = spans(case)
        got = {(s.type, s.start, s.end) for s in scanner.find(case["text"])}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    assert tp / (tp + fp) >= 0.95 and tp / (tp + fn) >= 0.95, (tp, fp, fn)


def test_every_type_is_covered_by_the_file() -> None:
    labelled = {t for case in CASES for t, _ in case["pii"]}
    assert labelled == set(PII_TYPES)


def test_numbers_that_are_not_pii_are_left_alone(scanner: PiiScanner) -> None:
    for case in CASES:
        if not case["pii"]:
            assert scanner.find(case["text"]) == (), case["text"]


def test_masking_keeps_the_words_around(scanner: PiiScanner) -> None:
    text = "Mail jane.doe@example.com, password: Tr0ub4dor&3 and key AKIAIOSFODNN7EXAMPLE."
    masked = mask(text, scanner.find(text))
    assert masked == ("Mail <EMAIL_ADDRESS>, password: <SECRET> and key <AWS_ACCESS_KEY>.")


def test_only_the_types_asked_for(scanner: PiiScanner) -> None:
    text = "Mail jane.doe@example.com with key AKIAIOSFODNN7EXAMPLE."
    assert {s.type for s in scanner.find(text, SECRET_TYPES)} == {"AWS_ACCESS_KEY"}
    assert placeholder("US_SSN") == "<US_SSN>"


def test_email_validation_reads_the_bundled_suffix_list(scanner: PiiScanner) -> None:
    """tldextract's default fetches the public suffix list from the network on first use;
    offline it would print a traceback first. The bundled snapshot knows real suffixes."""
    from guard.presidio import SUFFIXES as _SUFFIXES

    assert _SUFFIXES.suffix_list_urls == ()
    assert [s.type for s in scanner.find("write to ops@northwind.co.uk")] == ["EMAIL_ADDRESS"]
    assert scanner.find("write to ops@northwind.invalidtld") == ()


def test_the_spacy_engine_adds_names(scanner: PiiScanner) -> None:
    from guard.pii import PiiEngine

    names = PiiScanner(PiiEngine.SPACY)
    text = "Payroll questions go to Jane Doe at jane.doe@example.com."
    assert "PERSON" in {s.type for s in names.find(text)}
    assert "PERSON" not in {s.type for s in scanner.find(text)}
