"""A home for gate tests: v1 active (the sample corpus), v2 a rebuild of it, v3 degraded.

Built once from a copy of the shared sample home (its embedding cache makes the builds cheap);
each test gets its own copy, so promotions in one test never reach another.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from answer.extractive import ExtractiveAnswerer
from evaluation import cache
from evaluation.dataset import EvalItem, load_eval_set
from ingestion.cache import EmbeddingCache
from ingestion.pipeline import Ingestor
from ingestion.trust import load_trust
from lore.qa import QAService
from lore.settings import Settings
from lore.wiring import open_registry, open_store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus"
TRUST = ROOT / "data" / "trust.yaml"
EVAL_SET = ROOT / "data" / "eval.jsonl"
# The degraded candidate lacks the handbook: every HR policy question loses its evidence.
REMOVED = "handbook/employee-handbook.pdf"

MakeService = Callable[..., QAService]


def build(settings: Settings, embedder, root: Path) -> str:
    ingestor = Ingestor(settings, open_store(settings), open_registry(settings), embedder,
                        EmbeddingCache(settings.home / "cache" / "embeddings.sqlite"),
                        load_trust(TRUST))
    try:
        return ingestor.run(root).version
    finally:
        ingestor.store.close()


def service_on(settings: Settings, embedder) -> QAService:
    return QAService(settings, open_store(settings), open_registry(settings), embedder,
                     ExtractiveAnswerer(threshold=settings.min_evidence))


@pytest.fixture(scope="session")
def eval_items() -> list[EvalItem]:
    return load_eval_set(EVAL_SET)


@pytest.fixture(scope="session")
def gate_template(sample_index, embedder, tmp_path_factory) -> Path:
    """v1 active with its full-set eval cached; v2 = rebuild, v3 = without REMOVED."""
    sample_settings, report = sample_index
    home = tmp_path_factory.mktemp("gate") / "home"
    shutil.copytree(sample_settings.home, home)
    settings = Settings(home=home, trust_file=TRUST)
    degraded = home.parent / "corpus-degraded"
    shutil.copytree(CORPUS, degraded)
    (degraded / REMOVED).unlink()
    assert build(settings, embedder, CORPUS) == "v2"
    assert build(settings, embedder, degraded) == "v3"
    service = service_on(settings, embedder)
    try:
        items = load_eval_set(EVAL_SET)
        cache.summary_for(service, items, cache.set_hash(EVAL_SET), report.version,
                          settings.budget_tokens)
    finally:
        service.close()
    return home


@pytest.fixture
def gate_home(gate_template: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(gate_template, home)
    return home


@pytest.fixture
def make_service(embedder) -> Iterator[MakeService]:
    """QAServices on the test's settings, sharing the session's model; closed afterwards."""
    made: list[QAService] = []

    def make(home: Path, **overrides: object) -> QAService:
        settings = Settings(home=home, trust_file=TRUST, **overrides)  # type: ignore[arg-type]
        made.append(service_on(settings, embedder))
        return made[-1]

    yield make
    for service in made:
        service.close()
