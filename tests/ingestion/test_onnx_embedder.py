"""The onnxruntime query encoder against the sentence-transformers model it is exported from."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from ingestion import onnx_embedder
from ingestion.onnx_embedder import OnnxEmbedder, export_key

TEXTS = [
    "How do I enable the Bulk Import plugin?",
    "and on EKS?",
    "word " * 600,  # longer than the model reads: both must truncate the same way
    "Ünïcödé accents, CJK 日本語 and punctuation!?",
]


@pytest.fixture(scope="module")
def onnx(tmp_path_factory, model_path: str) -> OnnxEmbedder:
    return OnnxEmbedder(model_path, tmp_path_factory.mktemp("onnx"))


def test_vectors_equal_sentence_transformers(onnx: OnnxEmbedder, embedder) -> None:
    expected = embedder.embed(TEXTS)
    one_by_one = np.stack([onnx.embed([t])[0] for t in TEXTS])
    batched = onnx.embed(TEXTS)  # padded to the longest text
    for got in (one_by_one, batched):
        assert got.shape == expected.shape and got.dtype == np.float32
        assert (got * expected).sum(axis=1).min() > 0.9999
        assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert (onnx.dim, onnx.max_tokens) == (embedder.dim, embedder.max_tokens)
    assert onnx.model_id == f"{embedder.model_id}+onnx"  # its own entries in the embedding cache
    assert onnx.embed([]).shape == (0, embedder.dim)


def test_the_export_is_reused(onnx: OnnxEmbedder, model_path: str, monkeypatch) -> None:
    cache = onnx.path.parent
    monkeypatch.setattr(onnx_embedder, "export", lambda *_: pytest.fail("exported twice"))
    again = OnnxEmbedder(model_path, cache)
    assert np.allclose(again.embed(TEXTS[:1]), onnx.embed(TEXTS[:1]))
    # No temporary file left behind (the lock file stays: removing it would race a waiter).
    assert sorted(p.suffix for p in cache.iterdir()) == [".lock", ".onnx"]


def test_threads_change_the_time_not_the_vectors(onnx: OnnxEmbedder, model_path: str) -> None:
    """Questions run on 2 threads (Settings.query_threads); the vectors must not depend on it."""
    two = OnnxEmbedder(model_path, onnx.path.parent, threads=2)
    assert (two.embed(TEXTS) * onnx.embed(TEXTS)).sum(axis=1).min() > 0.99999


def test_the_export_key_follows_the_model_files(tmp_path: Path, model_path: str) -> None:
    copy = tmp_path / "model"
    shutil.copytree(model_path, copy)
    before = export_key(str(copy))
    assert export_key(str(copy)) == before
    (copy / "config.json").write_text((copy / "config.json").read_text() + "\n")
    assert export_key(str(copy)) != before


def test_a_model_that_cannot_be_exported_is_served_with_torch(
    tmp_path: Path, monkeypatch, caplog
) -> None:
    from ingestion.embedder import SentenceTransformerEmbedder
    from lore.settings import Settings
    from lore.stores import load_query_embedder
    from retrieval.config import QueryEncoder

    def refuse(*_: object) -> None:
        raise RuntimeError("unsupported operator")  # what torch.onnx raises for such a model

    monkeypatch.setattr(onnx_embedder, "export", refuse)
    settings = Settings.of(home=tmp_path, onnx_cache=tmp_path / "onnx")
    embedder = load_query_embedder(settings)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert "unsupported operator" in caplog.text
    caplog.clear()
    torch_settings = Settings.of(home=tmp_path, query_encoder=QueryEncoder.TORCH)
    assert isinstance(load_query_embedder(torch_settings), SentenceTransformerEmbedder)
    assert not caplog.text  # chosen, not fallen back to
