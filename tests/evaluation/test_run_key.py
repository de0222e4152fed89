"""The eval cache key: any change on the query path makes a cached run stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from evaluation import cache
from lore.promotion import QUERY_PACKAGES, ROOT, code_hash, query_key
from lore.settings import Settings


def test_the_key_follows_query_settings() -> None:
    settings = Settings.of(home=Path("unused"))
    before = cache.run_key(query_key(settings), "ab" * 32, 1024)
    for change in ({"top_k": 4}, {"packing": "score"}, {"min_evidence": 0.5}):
        changed = Settings.of(home=Path("unused"), **change)
        assert cache.run_key(query_key(changed), "ab" * 32, 1024) != before, change
    assert cache.run_key(query_key(settings), "ab" * 32, 512) != before
    # What only the API or ingestion reads does not change a query's answer.
    keyed = Settings.of(home=Path("other"), reader_keys=["r"], retention=2)
    assert query_key(keyed) == query_key(settings)


def test_the_code_hash_covers_every_query_time_package(tmp_path: Path) -> None:
    for package in QUERY_PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package)
    before = code_hash(tmp_path)
    assert before == code_hash(ROOT)
    # The three files the hand-kept list used to miss, and a stage picked at random.
    for name in ("index/bm25.py", "core/tokenizer.py", "ingestion/onnx_embedder.py",
                 "context/packing.py"):
        path = tmp_path / name
        original = path.read_text()
        path.write_text(original + "\n# a change on the query path\n")
        assert code_hash(tmp_path) != before, name
        path.write_text(original)
    assert code_hash(tmp_path) == before
