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

from core.tokenizer import Tokenizer, get_tokenizer
from ingestion.config import default_model_path


def copy_home(src: Path, dst: Path) -> Path:
    """A private copy of a home's index, registry and caches, without its SQLite stores
    (statistics, traces, feedback, limits: each copy starts its own). Reading a database
    file that this process holds open with plain file calls would drop SQLite's POSIX locks
    on it (closing any descriptor of a file releases them all), after which another process
    may delete its -shm file under the open connections: "disk I/O error"."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.sqlite", "*.sqlite-*"))
    return dst


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


def ask(app, question: str, **query):
    """The state after the ask flow: `.answer`, `.version`, `.retrieval`, `.prompt`."""
    from pipeline.state import Query

    return app.ask(Query(question, **query))[0]
CORPUS = ROOT / "data" / "corpus"
TRUST = ROOT / "data" / "trust.yaml"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, embedder):
    """data/corpus ingested once and promoted: (settings, report) for read-only tests.

    Tests that change versions must build their own home; this one is shared.
    """
    from lore.settings import Settings
    from lore.stores import ingestor

    settings = Settings.of(home=tmp_path_factory.mktemp("sample-home"), trust_file=TRUST)
    build = ingestor(settings, embedder)
    try:
        report = build.run(CORPUS, promote=True)
    finally:
        build.close()
    return settings, report


@pytest.fixture(scope="session")
def lore_for(embedder):
    """Query sides over private homes (real store, model and answerer), closed at the end."""
    from lore.compose import build

    made = []

    def make(settings, **parts):
        made.append(build(settings, encoder=embedder, **parts))
        return made[-1]

    yield make
    for app in made:
        app.close()


@pytest.fixture(scope="session")
def sample_lore(sample_index, lore_for):
    """The query side over the shared sample index."""
    settings, _ = sample_index
    return lore_for(settings)


@pytest.fixture(scope="session")
def local_llm():
    """A real OpenAI-compatible LLM server on a free loopback port: SmolLM2-135M-Instruct under
    llama.cpp (gateway/local.py), with a key. `.base_url`, `.model`, `.api_key`, `.gguf`;
    `.entry(name, **model_fields)` is a providers-file entry for it. The model is far too weak
    to answer well: assert on structure, counts and finish reasons, never on its text."""
    from gateway.local import serve_local

    with serve_local(api_key="sk-local-test-7f3a9c") as llm:
        yield llm
