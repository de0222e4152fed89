"""The IndexStore contract, run against every backend in conftest.BACKENDS."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from core.errors import BadInput, Conflict, NotFound
from core.models import Filters
from index.bm25 import doc_vectors, query_vector, tokenize

# Fixtures come from conftest.py (`store`, `built`); test modules import nothing from it, so
# their names never clash with other test folders'.


def ids(hits: list) -> set[str]:
    return {h.chunk.id for h in hits}


def unit_vectors(n: int, dim: int) -> np.ndarray:
    v = np.random.default_rng(1).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)




class TestIndexStore:
    def test_create_existing_version_fails(self, built) -> None:
        with pytest.raises(Conflict):
            built.store.create("v1", built.dense.shape[1])

    def test_exists_and_count(self, built) -> None:
        assert built.store.exists("v1")
        assert not built.store.exists("v2")
        assert built.store.count("v1") == len(built.chunks)

    def test_version_names_cannot_escape_the_root(self, built) -> None:
        with pytest.raises(BadInput):
            built.store.exists("../v1")

    def test_dense_nearest_is_itself(self, built) -> None:
        for i in (0, 7, 29):
            hits = built.store.search_dense("v1", built.dense[i], 3)
            assert hits[0].chunk == built.chunks[i]
            assert hits[0].rank == 1 and [h.rank for h in hits] == [1, 2, 3]
            assert hits[0].score == pytest.approx(1.0, abs=1e-5)
            assert hits[0].score >= hits[1].score >= hits[2].score

    def test_sparse_finds_the_matching_text(self, built) -> None:
        words = tokenize("How do I roll back a helm release?")
        hits = built.store.search_sparse("v1", query_vector(words), 5)
        assert hits[0].chunk.text.startswith("Helm charts package")
        assert all(set(words) & set(tokenize(h.chunk.text)) for h in hits)

    def test_sparse_without_terms_finds_nothing(self, built) -> None:
        assert built.store.search_sparse("v1", query_vector([]), 5) == []

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            (Filters(path_prefix="ops"), lambda c: c.source.startswith("ops/")),
            (Filters(path_prefix="/hr/onboarding/"), lambda c: c.source.startswith("hr/onb")),
            (Filters(path_prefix="hr/policies.md"), lambda c: c.source == "hr/policies.md"),
            (Filters(path_prefix="h"), lambda c: False),  # whole path segments only
            (Filters(tags=("public",)), lambda c: "public" in c.tags),
            (Filters(tags=("public", "internal")), lambda c: bool(c.tags)),
            (Filters(source_glob="*.nothing"), lambda c: True),  # left to the retrieval layer
        ],
    )
    def test_filters(self, built, filters: Filters, expected) -> None:
        self.check_filter(built, filters, {c.id for c in built.chunks if expected(c)})

    def test_modified_after(self, built) -> None:
        cut = built.chunks[20].mtime
        want = {c.id for c in built.chunks if c.mtime > cut}
        assert len(want) == 9
        self.check_filter(built, Filters(modified_after=cut), want)

    def test_filters_combine(self, built) -> None:
        cut = built.chunks[12].mtime
        filters = Filters(path_prefix="hr", tags=("internal",), modified_after=cut)
        want = {
            c.id
            for c in built.chunks
            if c.source.startswith("hr/") and "internal" in c.tags and c.mtime > cut
        }
        assert want
        self.check_filter(built, filters, want)

    @staticmethod
    def check_filter(built, filters: Filters, want: set[str]) -> None:
        n = len(built.chunks)
        assert ids(built.store.search_dense("v1", built.dense[3], n, filters)) == want
        terms = set(tokenize("the days database kubernetes employees"))
        matching = {c.id for c in built.chunks if c.id in want and terms & set(tokenize(c.text))}
        hits = built.store.search_sparse("v1", query_vector(list(terms)), n, filters)
        assert ids(hits) == matching

    def test_get_keeps_order_and_skips_unknown(self, built) -> None:
        missing = str(uuid.uuid4())
        wanted = [built.chunks[5].id, missing, built.chunks[2].id]
        assert built.store.get("v1", wanted) == [built.chunks[5], built.chunks[2]]
        assert built.store.get("v1", []) == []

    def test_get_rejects_non_uuid_ids(self, built) -> None:
        with pytest.raises(BadInput):
            built.store.get("v1", ["not-a-uuid"])

    def test_neighbours_in_reading_order(self, built) -> None:
        source = built.chunks[10].source
        got = built.store.neighbours("v1", source, [3, 1, 99, 1])
        assert got == [built.chunks[11], built.chunks[13]]
        assert built.store.neighbours("v1", source, []) == []

    def test_scan_round_trips_chunks_and_vectors(self, built) -> None:
        scanned = {c.id: (c, v) for c, v in built.store.scan("v1")}
        assert len(scanned) == len(built.chunks)
        for chunk, vector in zip(built.chunks, built.dense, strict=True):
            got, got_vector = scanned[chunk.id]
            assert got == chunk
            np.testing.assert_allclose(got_vector, vector, atol=1e-5)

    def test_weights_read_back_as_written(self, built) -> None:
        """As float32, which is what the engine stores: a copy of them writes the same."""
        written = doc_vectors([c.text for c in built.chunks], 1.2, 0.75)
        stored = built.store.weights("v1")
        assert set(stored) == {c.id for c in built.chunks}
        for chunk, vector in zip(built.chunks, written, strict=True):
            assert stored[chunk.id].indices == vector.indices
            np.testing.assert_allclose(stored[chunk.id].values, vector.values, rtol=1e-6)

    def test_drop(self, fresh) -> None:
        fresh.store.drop("v1")
        assert not fresh.store.exists("v1")
        with pytest.raises(NotFound):
            fresh.store.search_dense("v1", fresh.dense[0], 1)
        fresh.store.drop("v1")  # dropping twice is harmless
        fresh.store.create("v1", fresh.dense.shape[1])  # the name is free again
        assert fresh.store.count("v1") == 0

    def test_release_keeps_the_data(self, fresh) -> None:
        fresh.store.release("v1")
        fresh.store.release("v1")  # releasing twice is harmless
        assert fresh.store.get("v1", [fresh.chunks[0].id]) == [fresh.chunks[0]]

    def test_unknown_version_is_not_found(self, store) -> None:
        with pytest.raises(NotFound):
            store.count("v9")
        with pytest.raises(NotFound):
            store.warm("v9")

    def test_warm_counts_and_leaves_the_version_as_it_was(self, fresh) -> None:
        fresh.store.release("v1")
        assert fresh.store.warm("v1") == len(fresh.chunks)
        assert fresh.store.get("v1", [fresh.chunks[0].id]) == [fresh.chunks[0]]

    def test_versions_are_independent(self, fresh) -> None:
        fresh.store.create("v2", fresh.dense.shape[1])
        fresh.store.add("v2", fresh.chunks[:2], fresh.dense[:2], [query_vector([])] * 2)
        fresh.store.finish("v2")
        assert fresh.store.count("v2") == 2
        assert fresh.store.count("v1") == len(fresh.chunks)

    def test_concurrent_readers_agree(self, built) -> None:
        queries = unit_vectors(64, built.dense.shape[1])
        expected = [ids(built.store.search_dense("v1", q, 5)) for q in queries]
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(lambda q: ids(built.store.search_dense("v1", q, 5)), queries))
        assert got == expected
