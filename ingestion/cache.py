"""Embedding cache keyed by (model id, text hash): unchanged text is never embedded twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per cache object; WAL lets a nightly build and an eval read concurrently.
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS emb "
            "(model TEXT, hash TEXT, vec BLOB, PRIMARY KEY(model, hash))"
        )

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        uniq = list(dict.fromkeys(hashes))
        step = 500  # stay under SQLite's bound-parameter limit
        for i in range(0, len(uniq), step):
            part = uniq[i : i + step]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT hash, vec FROM emb WHERE model=? AND hash IN ({marks})", [model, *part]
            )
            for h, blob in rows:
                found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        rows = [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()
