"""Guard policies per deployment (LORE_GUARD_*, LORE_PII_*, LORE_BLOCKED_TERMS, ...)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from guard.documents import DocumentPolicy
from guard.pii import PHONE_REGIONS, PII_TYPES, PiiEngine


class InputPolicy(StrEnum):
    BLOCK = "block"  # refused with 400 and the verdict
    EXTRACTIVE = "extractive"  # answered by quoting passages, no model reads the question
    LOG = "log"  # answered as usual; the verdict is recorded and returned
    OFF = "off"  # not checked


class GuardSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # A flagged question is still answered, from the passages only: no model can be steered
    # by it, and a false alarm costs a plainer answer instead of a refusal.
    guard_input: InputPolicy = InputPolicy.EXTRACTIVE
    # None: the classifiers' trained threshold (0.6). Technical questions score higher than
    # the train split's (11.5% of the rhdh dev and sample questions flagged at 0.6, 1% at 0.8,
    # docs/guardrails.md).
    guard_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    # Flagged chunks kept out of retrieval by default: what could steer a model never reaches
    # one; `fence` keeps them findable as quoted data.
    guard_documents: DocumentPolicy = DocumentPolicy.QUARANTINE
    # PII and secrets masked in answers, by entity type (guard/pii.py PII_TYPES).
    pii_mask_answers: bool = True
    pii_types: list[str] = Field(default_factory=lambda: list(PII_TYPES))
    # API key roles that see PII unmasked (e.g. ["admin"]); secrets stay masked for everyone.
    pii_roles: list[str] = []
    pii_engine: PiiEngine = PiiEngine.PATTERNS
    pii_phone_regions: list[str] = Field(default_factory=lambda: list(PHONE_REGIONS))
    # Traces (LORE_HOME/traces.sqlite, OTLP) keep questions, prompts and answers masked.
    pii_mask_traces: bool = True
    # Mask PII in questions and history before any step reads them (for an external model).
    pii_mask_questions: bool = False
    # An answer holding one of these words or phrases is withheld.
    blocked_terms: list[str] = []
    # Longer answers are cut after their last whole claim that fits.
    max_answer_chars: int = Field(default=4000, ge=100)
