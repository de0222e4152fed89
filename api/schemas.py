"""Request and response models: the HTTP contract that chat frontends depend on."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_HISTORY_TURNS = 50
MAX_TURN_CHARS = 20_000  # a long pasted answer; older turns are trimmed to the budget anyway
# Below 256 tokens the system prompt, question and answer reserve leave room for about one
# 200-token chunk; above 32k no context window we target fits, and counting gets slow.
MIN_BUDGET, MAX_BUDGET = 256, 32_768
# Fusion scores at most dense_k + sparse_k (50 + 50) candidates: more hits cannot exist.
MAX_TOP_K = 100


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FiltersIn(Strict):
    source_glob: str | None = Field(None, description="e.g. 'policies/**'")
    path_prefix: str | None = Field(None, description="e.g. 'handbook/'")
    tags: list[str] = []
    modified_after: str | float | None = Field(None, description="ISO date/time or epoch seconds")

    @field_validator("modified_after", mode="before")
    @classmethod
    def _date_or_number(cls, value: object) -> object:
        # JSON true/false would otherwise pass as epoch 1/0; say what is expected instead.
        if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
            return value
        raise ValueError("give an ISO 8601 date like '2024-05-31' or epoch seconds")


class HistoryTurn(Strict):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class AskRequest(Strict):
    question: str = Field(min_length=1, description="limit: LORE_MAX_QUESTION_CHARS")
    history: list[HistoryTurn] = Field(default=[], max_length=MAX_HISTORY_TURNS)
    conversation_id: str | None = Field(None, max_length=200)  # an opaque id, not content
    filters: FiltersIn | None = None
    budget_tokens: int | None = Field(None, ge=MIN_BUDGET, le=MAX_BUDGET)


class SearchRequest(Strict):
    question: str = Field(min_length=1, description="limit: LORE_MAX_QUESTION_CHARS")
    # The same conversation /ask gets, so operators can see what a follow-up retrieves.
    history: list[HistoryTurn] = Field(default=[], max_length=MAX_HISTORY_TURNS)
    top_k: int | None = Field(None, ge=1, le=MAX_TOP_K)
    budget_tokens: int | None = Field(None, ge=MIN_BUDGET, le=MAX_BUDGET)
    filters: FiltersIn | None = None


class Citation(BaseModel):
    n: int
    source: str
    title: str
    page: int | None
    chunk_id: str
    text: str


class AskResponse(BaseModel):
    answer: str
    abstained: bool
    citations: list[Citation]
    version: str
    timings_ms: dict[str, float]
    request_id: str
    rewritten_question: str | None = None


class HitOut(BaseModel):
    chunk_id: str
    source: str
    title: str
    page: int | None
    text: str
    score: float
    breakdown: dict[str, float | int | None]


class PassageOut(BaseModel):
    source: str
    title: str
    breadcrumbs: list[str]  # the section path shown in the passage's header line
    page: int | None
    text: str
    chunk_ids: list[str]
    tokens: int  # exact word-piece count of the rendered passage (header and text)


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
    canary_percent: int | None = None  # share of /ask traffic while a canary
