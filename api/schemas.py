"""Request and response models: the HTTP contract that chat frontends depend on."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.text import VISIBLE
from pipeline.route import RouteTarget
from retrieval.filters import (
    DATE_PATTERN,
    GLOB_PATTERN,
    MAX_GLOB_CHARS,
    MAX_PREFIX_CHARS,
    MAX_TAG_CHARS,
    MAX_TAGS,
)

MAX_HISTORY_TURNS = 50
# A long pasted answer; older turns are trimmed to the budget anyway. 50 turns of it stay under
# the 1 MiB body limit (LORE_MAX_BODY_BYTES).
MAX_TURN_CHARS = 16_000
# ISO 8601 with a time zone and fractions of a second fits easily.
MAX_DATE_CHARS = 40
# Below 256 tokens the system prompt, question and answer reserve leave room for about one
# 200-token chunk; above 32k no context window we target fits, and counting gets slow.
MIN_BUDGET, MAX_BUDGET = 256, 32_768
# Fusion scores at most dense_k + sparse_k (50 + 50) candidates: more hits cannot exist.
MAX_TOP_K = 100


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FiltersIn(Strict):
    source_glob: str | None = Field(
        None, max_length=MAX_GLOB_CHARS, pattern=GLOB_PATTERN,
        description="e.g. 'policies/**'; at most 8 wildcards")
    path_prefix: str | None = Field(None, max_length=MAX_PREFIX_CHARS,
                                    description="e.g. 'handbook/'")
    tags: list[Annotated[str, Field(max_length=MAX_TAG_CHARS)]] = Field([], max_length=MAX_TAGS)
    modified_after: str | float | None = Field(
        None, description="an ISO 8601 date/time string ('2024-05-31', '20240531T12:00Z'), or a "
        "number of epoch seconds", json_schema_extra={"anyOf": [
            {"type": "string", "maxLength": MAX_DATE_CHARS, "pattern": DATE_PATTERN},
            {"type": "number", "minimum": 0}, {"type": "null"}]})

    @field_validator("modified_after", mode="before")
    @classmethod
    def _date_or_number(cls, value: object) -> object:
        # One message for what the schema's anyOf says, instead of one per branch. JSON
        # true/false would otherwise pass as epoch 1/0.
        if value is None:
            return value
        if isinstance(value, str) and len(value) <= MAX_DATE_CHARS and re.fullmatch(
                DATE_PATTERN, value):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value >= 0:
                return value
            raise ValueError(f"epoch seconds must be >= 0, got {value}")
        raise ValueError("give an ISO 8601 date like '2024-05-31' or '2024-05-31T14:00:00Z', "
                         "or epoch seconds")


class HistoryTurn(Strict):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class AskRequest(Strict):
    question: str = Field(min_length=1, pattern=VISIBLE,
                          description="limit: LORE_MAX_QUESTION_CHARS (2000 by default)")
    history: list[HistoryTurn] = Field(default=[], max_length=MAX_HISTORY_TURNS)
    conversation_id: str | None = Field(None, max_length=200)  # an opaque id, not content
    filters: FiltersIn | None = None
    budget_tokens: int | None = Field(None, ge=MIN_BUDGET, le=MAX_BUDGET)
    stream: bool = Field(False, description="answer as text/event-stream (docs/api.md)")
    regenerate_of: str | None = Field(None, max_length=64,
                                      description="the request_id this answer replaces")


class SearchRequest(Strict):
    question: str = Field(min_length=1, pattern=VISIBLE,
                          description="limit: LORE_MAX_QUESTION_CHARS (2000 by default)")
    # The same conversation /ask gets, so operators can see what a follow-up retrieves.
    history: list[HistoryTurn] = Field(default=[], max_length=MAX_HISTORY_TURNS)
    top_k: int | None = Field(None, ge=1, le=MAX_TOP_K)
    budget_tokens: int | None = Field(None, ge=MIN_BUDGET, le=MAX_BUDGET)
    filters: FiltersIn | None = None


class CacheOut(BaseModel):
    hit: bool
    kind: Literal["exact", "semantic"] | None = None


class Citation(BaseModel):
    n: int
    source: str
    title: str
    page: int | None
    chunk_id: str
    text: str


class AttemptOut(BaseModel):
    provider: str
    status: str  # "ok", or the kind of failure: timeout, rate_limited, server_error, ...
    ms: float
    model: str
    input_tokens: int
    output_tokens: int
    cost: float


class UsageOut(BaseModel):
    """What the answer cost; provider and model "extractive" when no model answered."""

    model: str
    provider: str
    input_tokens: int
    output_tokens: int
    cost: float  # summed over the attempts, in the currency of the providers file's prices
    attempts: list[AttemptOut]


class InjectionOut(BaseModel):
    flagged: bool
    score: float  # the classifier's probability; 1.0 when a rule fired
    reason: str  # "rule: <name>", "classifier", or "" when clean


class PiiOut(BaseModel):
    type: str  # EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, US_SSN, AWS_ACCESS_KEY...
    start: int  # character offsets in the text checked
    end: int


class GuardRequest(Strict):
    text: str = Field(max_length=MAX_TURN_CHARS)


class GuardResponse(BaseModel):
    """The input guard's checks on one text (POST /guard)."""

    injection: InjectionOut
    pii: list[PiiOut]


class OutputGuardOut(BaseModel):
    findings: list[str]  # each output check that fired
    masked: list[str]  # entity types masked in the answer and its quotes
    withheld: bool  # the answer was replaced by a notice


class GuardOut(BaseModel):
    """What the guards found in a request and its answer, and what their policy did."""

    injection: InjectionOut | None = None  # None: the input guard is off
    pii: list[PiiOut] = []  # in the text the verdict is about (`where`)
    where: str | None = None  # "question" | "history"
    action: str = ""  # for a flagged text: "block", "extractive" or "log"
    output: OutputGuardOut | None = None


class RouteOut(BaseModel):
    """Who answered and why (pipeline/route.py): a fixed reply, no model, a cheap or a
    strong one."""

    target: RouteTarget
    reason: str  # the rule that decided and what it saw: "lookup (number): evidence 0.81 ..."


class AskResponse(BaseModel):
    answer: str
    abstained: bool
    citations: list[Citation]
    version: str
    timings_ms: dict[str, float]
    request_id: str
    rewritten_question: str | None = None
    usage: UsageOut
    cache: CacheOut = CacheOut(hit=False)
    # Set when a guard flagged the question or acted on the answer (docs/guardrails.md).
    guard: GuardOut | None = None
    # An abstention's why, in one line ("The documents never mention VPN."), and the closest
    # sources as pointers: "see also", never the answer.
    reason: str = ""
    see_also: list[str] = []
    # The router's decision; None when it is off (LORE_ROUTING) or did not decide (a cache
    # hit, an abstention before generation, a guard's fallback).
    route: RouteOut | None = None
    prompt_version: str | None = None  # the prompt version answering ("shipped" before any)


class HitOut(BaseModel):
    chunk_id: str
    source: str
    title: str
    page: int | None
    text: str
    score: float
    breakdown: dict[str, float | int | None]
    flag: str = ""  # why the document guard flagged the chunk at ingest ("" when clean)


class PassageOut(BaseModel):
    source: str
    title: str
    breadcrumbs: list[str]  # the section path shown in the passage's header line
    page: int | None
    text: str
    chunk_ids: list[str]
    tokens: int  # exact count of the rendered passage (header and text), reader's tokens


class DroppedOut(BaseModel):
    chunk_id: str
    source: str
    reason: str
    tokens: int


class ContextOut(BaseModel):
    passages: list[PassageOut]
    tokens: int
    budget: dict[str, int]
    dropped: list[DroppedOut]
    tokenizer: str = ""  # what counted `tokens`, `budget` and `dropped`: the reader's tokenizer


class SearchResponse(BaseModel):
    version: str
    hits: list[HitOut]
    context: ContextOut
    timings_ms: dict[str, float]
    request_id: str


class VersionOut(BaseModel):
    id: str
    status: str
    active: bool
    documents: int
    chunks: int
    created_at: str
    embedding_model: str
    fingerprint: str
    eval: dict | None = None
    error: str | None = None
    serving: dict[str, float] | None = None  # requests, abstention_rate, p50_ms
    feedback: dict[str, int] | None = None  # up, down, edits, comparisons
    canary_percent: int | None = None  # share of /ask traffic while a canary


class DeletedOut(BaseModel):
    id: str
    status: Literal["deleted"] = "deleted"


class ApprovalOut(BaseModel):
    """A sensitive action waiting for (or decided by) a second admin."""

    id: str
    action: str  # force_promote, rollback_to, delete_version, guard_policy
    params: dict
    requested_by: str  # the requesting key's hash
    requested_at: str
    reason: str
    status: str  # pending, approved, rejected, failed
    decided_by: str | None = None
    decided_at: str | None = None
    result: str | None = None


FEEDBACK_FIELDS = ("rating", "reason", "edited_answer", "better_than", "worse_than", "comment")


class FeedbackIn(Strict):
    """What a user says about an answer (request_id from its /ask response): at least one
    of the fields besides request_id, not empty."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": [f], "properties": {f: {"type": "string", "minLength": 1}}}
        for f in FEEDBACK_FIELDS]})

    request_id: str = Field(min_length=1, max_length=64)
    rating: Literal["up", "down"] | None = None
    reason: str | None = Field(None, max_length=2_000)
    edited_answer: str | None = Field(None, max_length=MAX_TURN_CHARS)
    better_than: str | None = Field(None, max_length=64, description="a request_id")
    worse_than: str | None = Field(None, max_length=64, description="a request_id")
    comment: str | None = Field(None, max_length=2_000)


class FeedbackOut(BaseModel):
    id: str
    request_id: str


class SpanOut(BaseModel):
    name: str
    parent: int | None  # index of the parent span in `spans`; None for the root
    start: str  # ISO 8601, UTC
    end: str
    duration_ms: float
    attributes: dict


class TraceOut(BaseModel):
    request_id: str
    flow: str
    parent: str | None  # the caller's span, from its traceparent
    attributes: dict  # outcome, version, usage... and `replay`: what the decision saw
    spans: list[SpanOut]


class RunOut(BaseModel):
    """One `lore ingest` run (LORE_HOME/runs/): `report` has the counts and the skipped,
    flagged and warned-about files."""

    started_at: str
    ended_at: str
    root: str
    outcome: str  # built, unchanged, refused, failed, interrupted
    version: str | None = None
    promoted: bool = False
    gate: str | None = None
    report: dict | None = None
    error: str | None = None


class EvalOut(BaseModel):
    """An eval report of LORE_HOME/evals/ (`lore eval`), without its per-question items."""

    id: str  # the report's folder name
    version: str | None = None
    baseline: str | None = None
    created_at: str | None = None
    eval_set: str | None = None
    questions: int | None = None
    overall: dict[str, float | None] = {}
    delta: dict[str, float | None] = {}
    chart: bool = False  # GET /evals/{id}/chart has its chart.png


class ChunkOut(BaseModel):
    """A cited passage as its version indexed it, with the section it sits in."""

    chunk_id: str
    version: str
    source: str
    title: str
    page: int | None
    section: list[str]  # the headings above the passage, outermost first
    text: str
    flag: str = ""  # why the document guard flagged it at ingest ("" when clean)
    file: bool = False  # GET /chunks/{id}/file can send the original file


class FeedbackRowOut(BaseModel):
    id: str
    request_id: str
    at: float  # epoch seconds
    rating: str | None
    reason: str | None
    edited_answer: str | None
    better_than: str | None
    worse_than: str | None
    comment: str | None
    version: str | None  # what the answer was about, from its trace
    question: str | None
    answer: str | None
    sources: list[str]
