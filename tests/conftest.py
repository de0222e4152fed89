"""Session-wide fixtures: the real embedding model is loaded once for the whole suite."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Every service the suite starts (in process or `lore serve` subprocesses, each with its own
# home) shares one ONNX export of the query encoder instead of exporting it per home (~10 s).
if "LORE_ONNX_CACHE" not in os.environ:
    os.environ["LORE_ONNX_CACHE"] = tempfile.mkdtemp(prefix="lore-onnx-")
    atexit.register(shutil.rmtree, os.environ["LORE_ONNX_CACHE"], ignore_errors=True)

from lore.settings import default_model_path
from lore.tokenizer import Tokenizer, get_tokenizer


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


ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
TRUST = ROOT / "data" / "trust.yaml"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, embedder):
    """data/corpus ingested once and promoted: (settings, report) for read-only tests.

    Tests that change versions must build their own home; this one is shared.
    """
    from ingestion.cache import EmbeddingCache
    from ingestion.pipeline import Ingestor
    from ingestion.trust import load_trust
    from lore.settings import Settings
    from lore.wiring import open_registry, open_store

    settings = Settings(home=tmp_path_factory.mktemp("sample-home"), trust_file=TRUST)
    cache = EmbeddingCache(settings.home / "cache" / "embeddings.sqlite")
    ingestor = Ingestor(settings, open_store(settings), open_registry(settings), embedder, cache,
                        load_trust(TRUST))
    report = ingestor.run(CORPUS, promote=True)
    ingestor.store.close()
    return settings, report


@pytest.fixture(scope="session")
def service_for(embedder):
    """QAServices over private homes (real store, model and answerer), closed at the end."""
    from answer.extractive import ExtractiveAnswerer
    from lore.qa import QAService
    from lore.wiring import open_registry, open_store

    made = []

    def make(settings):
        service = QAService(settings, open_store(settings), open_registry(settings), embedder,
                            ExtractiveAnswerer(threshold=settings.min_evidence))
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


@pytest.fixture(scope="session")
def sample_service(sample_index, service_for):
    """A QAService over the shared sample index."""
    settings, _ = sample_index
    return service_for(settings)
