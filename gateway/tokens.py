"""A model's own tokenizer, for the reader-token budget and for usage a provider omits.

"gguf:PATH" builds the byte-level BPE of a GGUF file from its vocabulary and merges (exact:
tests/gateway/test_tokens.py compares it with llama.cpp's /tokenize); "hf:PATH" loads a
tokenizer.json (the one beside a vLLM or Ollama model's weights); "approx", where a hosted
model's tokenizer cannot be had, counts as the extractive answerer does: OpenAI's cl100k_base
(core/tokenizer.py READER_ENCODING), exact for GPT-4-class models and an approximation for
any other model (leave its context window some slack).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tokenizers import Tokenizer as HFTokenizer
from tokenizers import models, pre_tokenizers

from core.errors import BadInput
from core.tokenizer import COUNT_CACHE, Tokenizer
from gateway.gguf import metadata

# llama.cpp's pre-tokenizer names for byte-level BPE vocabularies, as HF pre-tokenizers:
# "smollm" splits digits one by one before the GPT-2 regex (llama-vocab.cpp); the others
# are the GPT-2 regex alone.
DIGITS_FIRST = frozenset({"smollm"})
PLAIN = frozenset({"gpt2", "gpt-2", "default"})


class BPE:
    """Counts text as a byte-level BPE model reads it (special tokens excluded)."""

    def __init__(self, name: str, tokenizer: HFTokenizer) -> None:
        self.name = name
        self._tok = tokenizer
        self._count = lru_cache(maxsize=COUNT_CACHE)(self._encode_len)

    def _encode_len(self, text: str) -> int:
        return len(self._tok.encode(text, add_special_tokens=False).ids)

    def count(self, text: str) -> int:
        return self._count(text) if text else 0

    def ids(self, text: str) -> list[int]:
        return list(self._tok.encode(text, add_special_tokens=False).ids)


def from_gguf(path: Path) -> BPE:
    meta = metadata(path)
    kind, pre = meta.get("tokenizer.ggml.model"), meta.get("tokenizer.ggml.pre", "default")
    if kind != "gpt2" or pre not in DIGITS_FIRST | PLAIN:
        raise BadInput(f"{path}: tokenizer {kind}/{pre} is not a byte-level BPE lore can read;"
                       " give the model's tokenizer.json as 'hf:PATH', or 'approx'")
    vocab = {t: i for i, t in enumerate(meta["tokenizer.ggml.tokens"])}
    merges = [tuple(m.split(" ", 1)) for m in meta["tokenizer.ggml.merges"]]
    tok = HFTokenizer(models.BPE(vocab=vocab, merges=merges))
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.pre_tokenizer = (pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                  byte_level])
                         if pre in DIGITS_FIRST else byte_level)
    return BPE(f"gguf:{path.stem}", tok)


def tokenizer_for(spec: str, approx: Tokenizer) -> Tokenizer:
    """The tokenizer a ModelSpec names (see ModelSpec.tokenizer); `approx`: the one the
    extractive answerer counts in."""
    return approx if spec == "approx" else _load(spec)


@lru_cache(maxsize=8)  # one per model of the chain; a vocabulary is a few MB
def _load(spec: str) -> Tokenizer:
    scheme, _, where = spec.partition(":")
    if scheme == "gguf":
        return from_gguf(Path(where).expanduser())
    if scheme == "hf":
        try:
            return BPE(f"hf:{Path(where).parent.name}", HFTokenizer.from_file(where))
        except Exception as exc:  # tokenizers raises its own plain Exception
            raise BadInput(f"cannot load the tokenizer {where}: {exc}") from exc
    raise BadInput(f"unknown tokenizer {spec!r}: use 'gguf:PATH', 'hf:PATH' or 'approx'")
