"""Session-wide fixtures: the real embedding model is loaded once for the whole suite."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from lore.settings import default_model_path  # noqa: E402
from lore.tokenizer import Tokenizer, get_tokenizer  # noqa: E402


@pytest.fixture(scope="session")
def model_path() -> str:
    return default_model_path()


@pytest.fixture(scope="session")
def tokenizer(model_path: str) -> Tokenizer:
    return get_tokenizer(model_path)


@pytest.fixture(scope="session")
def embedder(model_path: str):
    from ingestion.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model_path)
