"""Seams of the ingestion stage."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from core.models import ParsedDocument


class Parser(Protocol):
    def parse(self, path: Path, source: str) -> ParsedDocument:
        """Parse one file; raise core.errors.ParseError with a reason a user can act on."""
        ...


class Embedder(Protocol):
    model_id: str
    dim: int
    max_tokens: int  # word pieces the model reads before it truncates

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees, without special tokens."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 matrix, one row per text."""
        ...
