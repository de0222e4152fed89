"""A home for gate tests: v1 active (the sample corpus), v2 a rebuild of it, v3 degraded.

Built once from a copy of the shared sample home (its embedding cache makes the builds cheap);
each test gets its own copy, so promotions in one test never reach another.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from evaluation import cache
from evaluation.dataset import EvalItem, load_eval_set
from lore import compose, promotion, stores
from lore.compose import Lore
from lore.settings import Settings
from tests.conftest import copy_home

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus"
TRUST = ROOT / "data" / "trust.yaml"
EVAL_SET = ROOT / "data" / "eval.jsonl"
# The degraded candidate lacks the handbook: every HR policy question loses its evidence.
REMOVED = "handbook/employee-handbook.pdf"

MakeLore = Callable[..., Lore]


def build(settings: Settings, embedder, root: Path) -> str:
    ingestor = stores.ingestor(settings, embedder)
    try:
        return ingestor.run(root).version
    finally:
        ingestor.close()


@pytest.fixture(scope="session")
def eval_items() -> list[EvalItem]:
    return load_eval_set(EVAL_SET)


@pytest.fixture(scope="session")
def gate_template(sample_index, embedder, tmp_path_factory) -> Path:
    """v1 active with its full-set eval cached; v2 = rebuild, v3 = without REMOVED."""
    sample_settings, report = sample_index
    home = tmp_path_factory.mktemp("gate") / "home"
    copy_home(sample_settings.home, home)
    settings = Settings.of(home=home, trust_file=TRUST)
    degraded = home.parent / "corpus-degraded"
    shutil.copytree(CORPUS, degraded)
    (degraded / REMOVED).unlink()
    assert build(settings, embedder, CORPUS) == "v2"
    assert build(settings, embedder, degraded) == "v3"
    app = compose.build(settings, encoder=embedder)
    try:
        items = load_eval_set(EVAL_SET)
        cache.summary_for(promotion.bench(app), items, cache.set_hash(EVAL_SET), report.version,
                          settings.context.budget_tokens)
    finally:
        app.close()
    return home


@pytest.fixture
def gate_home(gate_template: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(gate_template, home)
    return home


@pytest.fixture
def make_lore(embedder) -> Iterator[MakeLore]:
    """Query sides on the test's settings, sharing the session's model; closed afterwards."""
    made: list[Lore] = []

    def make(home: Path, **overrides: object) -> Lore:
        settings = Settings.of(home=home, trust_file=TRUST, **overrides)
        made.append(compose.build(settings, encoder=embedder))
        return made[-1]

    yield make
    for app in made:
        app.close()
