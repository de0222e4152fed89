"""The model's own tokenizer: the GGUF's byte-level BPE counts exactly as llama.cpp does."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from core.errors import BadInput
from core.tokenizer import reader_tokenizer
from gateway.gguf import metadata
from gateway.tokens import from_gguf, tokenizer_for
from tests.answer.conftest import EXPENSES, LEAVE_CHUNKS, SECURITY

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
TEXTS = (
    *LEAVE_CHUNKS, EXPENSES, SECURITY, "Hello world 12345 ünïcode — “quotes”", "日本語のテキスト",
    "  leading spaces\n\nand\ttabs", "Don't you'll we've [1] [23].", "def f(x):\n    return x**2",
)


def corpus_texts() -> list[str]:
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in {".md", ".txt", ".csv"})
    return [p.read_text(encoding="utf-8", errors="replace")[:4000] for p in files]


def test_the_gguf_bpe_matches_llama_cpp_token_for_token(local_llm):
    bpe = from_gguf(local_llm.gguf)
    texts = [*TEXTS, *corpus_texts()]
    assert len(texts) > len(TEXTS)  # the corpus was found
    for text in texts:
        served = httpx.post(f"{local_llm.root}/tokenize", json={"content": text},
                            headers={"Authorization": f"Bearer {local_llm.api_key}"},
                            timeout=30).json()["tokens"]
        assert bpe.ids(text) == served, text[:60]
        assert bpe.count(text) == len(served)


def test_gguf_metadata_names_the_model(local_llm):
    meta = metadata(local_llm.gguf)
    assert meta["tokenizer.ggml.model"] == "gpt2" and meta["tokenizer.ggml.pre"] == "smollm"
    assert len(meta["tokenizer.ggml.tokens"]) == meta["llama.vocab_size"]


def test_approx_is_the_reader_tokenizer_and_bad_specs_are_refused(tmp_path):
    approx = reader_tokenizer()
    assert tokenizer_for("approx", approx) is approx
    with pytest.raises(BadInput, match="unknown tokenizer"):
        tokenizer_for("sentencepiece:x", approx)
    (tmp_path / "x.gguf").write_bytes(b"not a gguf")
    with pytest.raises(BadInput, match="not a GGUF file"):
        tokenizer_for(f"gguf:{tmp_path / 'x.gguf'}", approx)
    with pytest.raises(BadInput, match="cannot load the tokenizer"):
        tokenizer_for(f"hf:{tmp_path / 'missing.json'}", approx)
