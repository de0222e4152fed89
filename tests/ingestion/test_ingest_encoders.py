"""The ingest encoders against sentence-transformers' fp32 vectors on the sample corpus, the
lazy model load, and what the embedding cache and the fingerprint make of the encoder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from ingestion.config import IngestEncoder, IngestSettings
from ingestion.encoders import LazyEmbedder, bf16_native, ingest_embedder, resolve
from ingestion.model_files import model_id_of

# Cosine of every chunk's vector to the fp32 reference's: far closer than any two chunks of
# the corpus are to each other, so rankings do not move.
MIN_COSINE = 0.9999


def onnx_cache() -> Path:
    return Path(os.environ["LORE_ONNX_CACHE"])  # the session's shared export (conftest.py)


@pytest.fixture(scope="module")
def sample_chunks(sample_index, sample_lore) -> tuple[list[str], np.ndarray]:
    """Every chunk text of the sample corpus and its vector as ingested (fp32 torch)."""
    _, report = sample_index
    pairs = list(sample_lore.store.scan(report.version))
    return [c.embed_text for c, _ in pairs], np.stack([v for _, v in pairs])


def encoder(name: IngestEncoder, model_path: str) -> LazyEmbedder:
    return ingest_embedder(IngestSettings(embedding_model=model_path, ingest_encoder=name),
                           onnx_cache())


@pytest.mark.parametrize("name", [IngestEncoder.ONNX, IngestEncoder.BF16])
def test_vectors_match_sentence_transformers_on_the_sample_corpus(
    name: IngestEncoder, sample_chunks: tuple[list[str], np.ndarray], model_path: str
) -> None:
    if name is IngestEncoder.BF16 and not bf16_native():
        pytest.skip("this CPU has no native bfloat16 (AMX or AVX512-BF16)")
    texts, expected = sample_chunks
    got = encoder(name, model_path).embed(texts)
    assert got.shape == expected.shape and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert (got * expected).sum(axis=1).min() > MIN_COSINE
    # Sorted by length or not, a text gets the same vector (padding is masked, not mixed in).
    order = np.argsort([len(t) for t in texts])
    again = encoder(name, model_path).embed([texts[i] for i in order])
    assert (again * got[order]).sum(axis=1).min() > MIN_COSINE


def test_the_model_loads_at_the_first_text_to_embed(model_path: str, embedder) -> None:
    loads: list[str] = []

    def load():
        loads.append("loaded")
        return embedder

    lazy = LazyEmbedder(model_path, embedder.model_id, load)
    assert (lazy.dim, lazy.max_tokens) == (embedder.dim, embedder.max_tokens)  # from its files
    assert lazy.count_tokens("Visitor badges") == embedder.count_tokens("Visitor badges")
    assert lazy.embed([]).shape == (0, embedder.dim) and loads == []
    assert lazy.embed(["one", "two"]).shape == (2, embedder.dim) and loads == ["loaded"]
    lazy.embed(["three"])
    assert loads == ["loaded"]


def test_a_loaded_model_must_be_the_one_announced(model_path: str, embedder) -> None:
    lazy = LazyEmbedder(model_path, model_id_of(model_path, "onnx"), lambda: embedder)
    with pytest.raises(ValueError, match="expected"):
        lazy.embed(["text"])


def test_the_cache_names_the_encoder_and_the_fingerprint_does_not(model_path: str) -> None:
    ids = {name: encoder(name, model_path).model_id
           for name in (IngestEncoder.TORCH, IngestEncoder.ONNX, IngestEncoder.BF16)}
    assert ids[IngestEncoder.TORCH] == model_id_of(model_path)  # the reference keeps its cache
    assert len(set(ids.values())) == 3
    prints = {IngestSettings(embedding_model=model_path, ingest_encoder=name).fingerprint()
              for name in IngestEncoder}
    assert len(prints) == 1


def test_auto_picks_bf16_only_where_the_cpu_computes_it(tmp_path: Path) -> None:
    expected = IngestEncoder.BF16 if bf16_native() else IngestEncoder.ONNX
    assert resolve(IngestEncoder.AUTO) is expected
    plain = tmp_path / "cpuinfo"
    plain.write_text("flags\t\t: fpu sse2 avx2 fma avx512f\n")
    amx = tmp_path / "cpuinfo-amx"
    amx.write_text("flags\t\t: fpu sse2 avx2 fma avx512f amx_bf16 amx_tile\n")
    assert (bf16_native(plain), bf16_native(amx), bf16_native(tmp_path / "none")) == (
        False, True, False)
