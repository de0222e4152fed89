"""Core value types shared along the pipeline (pydantic stays at the edges)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ElementKind(StrEnum):
    TITLE = "title"
    TEXT = "text"
    LIST = "list"
    TABLE = "table"
    CODE = "code"


@dataclass(frozen=True)
class Element:
    """One structural piece of a parsed document, with the section path above it."""

    text: str
    kind: ElementKind
    breadcrumbs: tuple[str, ...] = ()
    page: int | None = None


@dataclass(frozen=True)
class ParsedDocument:
    source: str  # path relative to the ingested root, '/'-separated
    title: str
    elements: tuple[Element, ...]
    content_hash: str  # sha256 of the file bytes
    mtime: float
    warnings: tuple[str, ...] = ()  # parsed, but the user should know (e.g. guessed encoding)


@dataclass(frozen=True)
class Chunk:
    id: str  # uuid5(source, position, text hash): stable across runs
    source: str
    title: str
    text: str
    breadcrumbs: tuple[str, ...]
    page: int | None
    position: int  # order of the chunk inside its document
    content_hash: str  # sha256 of `text`
    doc_hash: str  # sha256 of the source file
    mtime: float
    trust: float = 1.0
    tokens: int = 0
    tags: tuple[str, ...] = ()
    overlap: int = 0  # leading characters repeated from the previous chunk (stripped on merge)
    # Why the document guard flagged it at ingest (guard/documents.py); "" when clean.
    flag: str = ""

    @property
    def heading(self) -> str:
        return " > ".join(self.breadcrumbs)

    @property
    def embed_text(self) -> str:
        """What the dense model sees: the section path gives short chunks their topic."""
        return f"{self.heading}\n{self.text}" if self.breadcrumbs else self.text


@dataclass(frozen=True)
class SparseVector:
    indices: tuple[int, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class Hit:
    """A chunk as one retriever returned it."""

    chunk: Chunk
    score: float
    rank: int  # 1-based


@dataclass(frozen=True)
class Breakdown:
    dense_rank: int | None = None
    dense_score: float | None = None
    bm25_rank: int | None = None
    bm25_score: float | None = None
    fused: float = 0.0
    trust: float = 1.0
    freshness: float = 1.0
    diversity: float = 1.0  # source_decay ** (chunks of the same source ranked above it)
    final: float = 0.0


@dataclass(frozen=True)
class ScoredChunk:
    chunk: Chunk
    score: float
    breakdown: Breakdown = field(default_factory=Breakdown)

    @property
    def rank_score(self) -> float:
        """What the hits are ordered by: the relevance spread over sources (retrieval/rerank.py)."""
        return self.score * self.breakdown.diversity


@dataclass(frozen=True)
class Filters:
    """Metadata filters on retrieval. `source_glob` is applied after the engine query."""

    source_glob: str | None = None
    path_prefix: str | None = None
    tags: tuple[str, ...] = ()
    modified_after: float | None = None  # epoch seconds
    flagged: bool = True  # False: chunks the document guard flagged are left out (quarantine)


class DropReason(StrEnum):
    BUDGET = "budget"
    DUPLICATE = "duplicate"
    BELOW_THRESHOLD = "below_threshold"
    HISTORY = "history"  # an old conversation turn that did not fit


@dataclass(frozen=True)
class Passage:
    """A run of adjacent chunks of one document, as placed in the context."""

    source: str
    title: str
    breadcrumbs: tuple[str, ...]
    page: int | None
    chunk_ids: tuple[str, ...]
    text: str
    score: float
    tokens: int
    position: int  # position of the first chunk, for reading order
    chunk_starts: tuple[int, ...] = ()  # offset of each chunk's text in `text`, for citations

    @property
    def section(self) -> str:
        """The name of the section it stands in: its last heading, else its title."""
        return self.breadcrumbs[-1] if self.breadcrumbs else self.title


@dataclass(frozen=True)
class Dropped:
    chunk_id: str
    source: str
    reason: DropReason
    tokens: int
    score: float = 0.0


@dataclass(frozen=True)
class Budget:
    """Token budget split by role; `context` is what remains for passages."""

    total: int
    system: int
    history: int
    question: int
    reserve: int  # kept free for the answer

    @property
    def context(self) -> int:
        return max(0, self.total - self.system - self.history - self.question - self.reserve)


@dataclass(frozen=True)
class Context:
    passages: tuple[Passage, ...]
    tokens: int
    budget: Budget
    dropped: tuple[Dropped, ...] = ()


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    title: str
    page: int | None
    chunk_id: str
    text: str  # the quoted passage text that supports the cited sentence


@dataclass(frozen=True)
class Answer:
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    evidence: float = 0.0  # the score the abstention threshold was compared with
    reason: str = ""  # an abstention's why, in one line ("The documents never mention VPN.")
    see_also: tuple[str, ...] = ()  # an abstention's closest sources: pointers, not an answer


# The provider and model name of the answerer that needs no model (answer/extractive.py).
EXTRACTIVE = "extractive"
OK = "ok"  # the status of an attempt that answered


@dataclass(frozen=True)
class Attempt:
    """One call of one model, as the gateway made it (gateway/)."""

    provider: str
    model: str
    status: str  # OK, or the kind of failure: "timeout", "rate_limited", "server_error", ...
    ms: float
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0  # in the currency of the model's price table


@dataclass(frozen=True)
class Usage:
    """What an answer cost: the model that wrote it and every attempt made for it."""

    model: str = EXTRACTIVE
    provider: str = EXTRACTIVE
    input_tokens: int = 0  # summed over the attempts: a failed stream's tokens are paid too
    output_tokens: int = 0
    cost: float = 0.0
    attempts: tuple[Attempt, ...] = ()
