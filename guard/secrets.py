"""Recognizers Presidio lacks: cloud and API keys, private keys, secrets in assignments, and a
card's verification code. Presidio matches with the `regex` module, which allows the
variable-width look-behinds that keep "password:" readable while its value is masked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from presidio_analyzer import PatternRecognizer

SECRET_TYPES = ("AWS_ACCESS_KEY", "AWS_SECRET_KEY", "API_KEY", "PRIVATE_KEY", "SECRET")
CVV_TYPE = "CARD_CVV"
# Case matters in key formats: "AKIA" keys are upper case, and a lowercase word of 20 letters
# starting with "akia" is not a key.
_CASED = regex.DOTALL | regex.MULTILINE

_PATTERNS: dict[str, tuple[tuple[str, str, float], ...]] = {
    # AWS access key ids: a 4-letter kind prefix and 16 upper-case letters or digits.
    "AWS_ACCESS_KEY": (("aws key id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b", 0.9),),
    # The secret half: 40 base64 characters, named as such nearby.
    "AWS_SECRET_KEY": (
        ("aws secret", r"(?i:(?<=aws.{0,20}secret.{0,20}[:=\s]\s*[\"']?))[A-Za-z0-9/+]{40}\b",
         0.9),
    ),
    "API_KEY": (
        ("github token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b", 0.9),
        ("slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b", 0.9),
        ("stripe key", r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{20,}\b", 0.9),
        ("google key", r"\bAIza[0-9A-Za-z_-]{35}\b", 0.9),
        ("openai key", r"\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b", 0.9),
    ),
    "PRIVATE_KEY": (
        ("pem private key",
         r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----.*?-----END (?:[A-Z]+ )?PRIVATE KEY-----", 1.0),
    ),
    # A value assigned to a secret's name: "password: hunter2!", "api_key = 'abc...'". The
    # value has 8+ characters and no spaces; the name stays readable.
    "SECRET": (
        ("assigned secret",
         r"(?i:(?<=\b(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token"
         r"|client[_-]?secret|private[_-]?key|token)\b[\"']?\s*[:=]\s*[\"']?))"
         r"[^\s\"',;]{7,}[^\s\"',;.!?)]", 0.8),
    ),
    # A card's verification code after its name ("CVV 737", "CVC: 1234").
    CVV_TYPE: (
        ("card code", r"(?i:(?<=\b(?:cvv2?|cvc2?|csc|cid|security code)\b\s*[:#]?\s*))\d{3,4}\b",
         0.8),
    ),
}


_COMPILED = {entity: [regex.compile(p, _CASED) for _, p, _ in patterns]
             for entity, patterns in _PATTERNS.items()}


def present(text: str) -> set[str]:
    """The types these patterns find in `text`: Presidio need not look for the others."""
    return {entity for entity, found in _COMPILED.items() if any(p.search(text) for p in found)}


def secret_recognizers() -> list[PatternRecognizer]:
    from presidio_analyzer import Pattern, PatternRecognizer

    return [
        PatternRecognizer(
            supported_entity=entity, name=f"lore {entity.lower()}",
            patterns=[Pattern(name, pattern, score) for name, pattern, score in patterns],
            global_regex_flags=_CASED,
        )
        for entity, patterns in _PATTERNS.items()
    ]
