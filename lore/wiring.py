"""Builds the heavy objects from settings; the CLI and the API lifespan both go through here."""

from __future__ import annotations

import os
from pathlib import Path

from index.base import IndexStore
from index.registry import Registry
from ingestion.embedder import SentenceTransformerEmbedder
from lore.errors import BadInput
from lore.settings import Settings


def ensure_home(home: Path) -> Path:
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create LORE_HOME {home}: {exc.strerror}") from exc
    if not os.access(home, os.R_OK | os.W_OK | os.X_OK):
        raise BadInput(f"LORE_HOME {home} is not readable and writable; fix its permissions")
    return home


def open_store(settings: Settings) -> IndexStore:
    from index.edge import EdgeStore

    return EdgeStore(ensure_home(settings.home) / "index")


def open_registry(settings: Settings) -> Registry:
    return Registry(ensure_home(settings.home))


def load_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch)
