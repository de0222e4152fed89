"""What the injection classifier reads: hashed character n-grams beside the sentence embedding.

The embedding model (all-MiniLM-L6-v2) knows English only, and a third of the train split is
German; character n-grams of the words carry what it misses ("vergiss", "anweisungen") and the
surface of an attack (quotes, "\\n\\n", shouting). Hashed with crc32, which is the same in
every process (Python's `hash` of a str is salted per process), into a fixed number of
buckets, so the trained weights are one vector.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Sequence

import numpy as np

from core.text import normalise, visible

# 2^14 buckets: the train split has ~60k distinct 2-4-grams, most seen once; more buckets
# changed cross-validated accuracy by less than its noise and only grow the weights file.
BUCKETS = 1 << 14
# Character 2- to 4-grams inside words padded with a space: cross-validated best of 1-3,
# 2-4 and 3-5 on the train split (benchmarks/train_injection.py).
SHORTEST, LONGEST = 2, 4


def _grams(text: str) -> list[str]:
    out: list[str] = []
    for word in normalise(unicodedata.normalize("NFKC", visible(text))).split():
        padded = f" {word} "
        for n in range(SHORTEST, LONGEST + 1):
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


def sparse(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The text's non-zero buckets and their L2-normalised n-gram counts."""
    buckets = np.fromiter((zlib.crc32(g.encode()) % BUCKETS for g in _grams(text)), np.int64)
    index, counts = np.unique(buckets, return_counts=True)
    values = counts.astype(np.float32)
    norm = float(np.linalg.norm(values))
    return index, values / norm if norm else values


def hashed(text: str) -> np.ndarray:
    """The same as one dense row (float32, BUCKETS long), for training."""
    row = np.zeros(BUCKETS, dtype=np.float32)
    index, values = sparse(text)
    row[index] = values
    return row


def features(texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """One row per text: its hashed n-grams, then its embedding (L2-normalised already)."""
    grams = np.stack([hashed(t) for t in texts]) if texts else np.zeros((0, BUCKETS), np.float32)
    return np.hstack([grams, np.asarray(vectors, dtype=np.float32)])
