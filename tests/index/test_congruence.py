"""Congruence: the same calls on Qdrant Edge and on qdrant-client (local mode) rank alike.

Each backend holds the same corpus (tests/index/conftest.py); every query runs on both and the
rankings and scores are compared, as qdrant-client's own congruence tests compare backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.models import Filters
from core.text import tokenize
from index.bm25 import query_vector
from tests.index.conftest import BACKENDS, Built, build, unit_vectors

QUESTIONS = (
    "How do I roll back a helm release?",
    "python virtual environment setup",
    "who approves payments over the limit",
    "postgres backup and restore",
    "what happens during an incident",
)
FILTERS = (None, Filters(path_prefix="ops"), Filters(tags=("internal",)),
           Filters(modified_after=1_700_010_000.0))
# Scores are float32 in both engines; beyond this they are the same number.
SCORE_TOLERANCE = 1e-5
# Every point: a tie cut at the limit could keep different members on each side.
ALL = 100


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Built, Built]]:
    edge = build(BACKENDS["edge"](Path(tmp_path_factory.mktemp("edge"))))
    server = build(BACKENDS["qdrant"](Path(tmp_path_factory.mktemp("qdrant"))))
    yield edge, server
    edge.store.close()
    server.store.close()


def same(a: list, b: list) -> None:
    """Equal scores in the same order; chunks of one score may come in either order (engines
    break ties by internal ids), so each tie is compared as a set."""
    np.testing.assert_allclose([h.score for h in a], [h.score for h in b], atol=SCORE_TOLERANCE)
    assert ties(a) == ties(b)
    assert {h.chunk.id: h.chunk for h in a} == {h.chunk.id: h.chunk for h in b}  # payloads


def ties(hits: list) -> list[frozenset[str]]:
    groups: list[tuple[float, set[str]]] = []
    for h in hits:
        if groups and abs(groups[-1][0] - h.score) <= SCORE_TOLERANCE:
            groups[-1][1].add(h.chunk.id)
        else:
            groups.append((h.score, {h.chunk.id}))
    return [frozenset(ids) for _, ids in groups]


@pytest.mark.parametrize("filters", FILTERS)
def test_dense_rankings_agree(pair: tuple[Built, Built], filters: Filters | None) -> None:
    edge, server = pair
    for query in unit_vectors(8, seed=7):
        same(edge.store.search_dense("v1", query, ALL, filters),
             server.store.search_dense("v1", query, ALL, filters))


@pytest.mark.parametrize("filters", FILTERS)
def test_bm25_rankings_agree(pair: tuple[Built, Built], filters: Filters | None) -> None:
    edge, server = pair
    for question in QUESTIONS:
        vector = query_vector(tokenize(question))
        found = edge.store.search_sparse("v1", vector, ALL, filters)
        assert found or filters is not None, question
        same(found, server.store.search_sparse("v1", vector, ALL, filters))


def test_neighbours_and_gets_agree(pair: tuple[Built, Built]) -> None:
    edge, server = pair
    ids = [c.id for c in edge.chunks[::4]]
    assert edge.store.get("v1", ids) == server.store.get("v1", ids)
    for source in {c.source for c in edge.chunks}:
        assert (edge.store.neighbours("v1", source, [0, 2, 4])
                == server.store.neighbours("v1", source, [0, 2, 4]))
