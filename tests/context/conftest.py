"""A few real-prose documents cut into chunks, and a neighbour lookup over them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest

from core.models import Chunk, ScoredChunk
from core.tokenizer import get_tokenizer
from ingestion.config import default_model_path

# Each document: consecutive chunks of one section, a few sentences each.
DOCS: dict[str, tuple[str, ...]] = {
    "ops/deploy.md": (
        "Lore ships as a container image. The image holds the API server and the CLI. "
        "Pull it from the internal registry before the first deploy.",
        "On GKE, install the Helm chart into its own namespace. The chart creates a Deployment "
        "with two replicas and a PersistentVolumeClaim for the index. Set resources.requests to "
        "at least two CPUs.",
        "On EKS, use the same chart with the gp3 storage class. IAM roles for service accounts "
        "grant read access to the document bucket. Nodes need at least 4 GiB of memory.",
        "After a deploy, check the readiness probe on /healthz. A version is served only after "
        "it has been promoted. Roll back by promoting the previous version.",
    ),
    "security/keys.md": (
        "API keys are issued per team. Reader keys can query; admin keys can also ingest and "
        "promote versions.",
        "Production keys are rotated every 90 days. The platform team opens a ticket, issues the "
        "new key, and revokes the old one after a week of overlap.",
        "A leaked key must be revoked at once. Report the leak to security@example.com within "
        "one hour, and say where the key was exposed.",
    ),
    "hr/leave.md": (
        "Every full-time employee gets 28 days of paid leave per year. Part-time staff receive "
        "leave pro rata. Requests go through Workday ten working days ahead.",
        "Up to five unused days carry over into the next year. Carried-over days expire on "
        "31 March. Sick leave does not count against annual leave.",
    ),
}


def _chunk(source: str, position: int, text: str, **extra: object) -> Chunk:
    fields: dict = dict(
        id=f"{source}#{position}", source=source, title=source.rsplit("/", 1)[-1], text=text,
        breadcrumbs=(source.split("/")[0].upper(),), page=None, position=position,
        content_hash=hashlib.sha256(text.encode()).hexdigest(), doc_hash=source, mtime=0.0,
    )
    chunk = Chunk(**{**fields, **extra})
    if "tokens" in extra:
        return chunk
    # As ingestion stores it (ingestion/chunker.py): the word pieces of what the model embeds.
    return replace(chunk, tokens=get_tokenizer(default_model_path()).count(chunk.embed_text))


@pytest.fixture
def make_chunk() -> Callable[..., Chunk]:
    return _chunk


CHUNKS: dict[str, Chunk] = {
    c.id: c for s, texts in DOCS.items() for c in (_chunk(s, i, t) for i, t in enumerate(texts))
}


@pytest.fixture
def chunks() -> dict[str, Chunk]:
    return CHUNKS


@pytest.fixture
def scored() -> Callable[..., list[ScoredChunk]]:
    """ScoredChunks for (chunk id, score) pairs, in the order given."""

    def make(*pairs: tuple[str, float]) -> list[ScoredChunk]:
        return [ScoredChunk(CHUNKS[cid], score) for cid, score in pairs]

    return make


def fetch(source: str, positions: Sequence[int]) -> list[Chunk]:
    """What IndexStore.neighbours returns, over the documents above."""
    return [CHUNKS[f"{source}#{p}"] for p in sorted(positions) if f"{source}#{p}" in CHUNKS]


@pytest.fixture
def neighbours() -> Callable[[str, Sequence[int]], list[Chunk]]:
    return fetch
