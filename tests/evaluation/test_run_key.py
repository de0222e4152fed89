"""The eval cache key: any change on the query path makes a cached run stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from evaluation import cache
from lore.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_key_follows_query_settings_and_query_code(tmp_path: Path, monkeypatch) -> None:
    for name in cache.QUERY_CODE:
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        copy(source, tmp_path / name)
    monkeypatch.setattr(cache, "ROOT", tmp_path)
    cache.query_code_hash.cache_clear()
    settings = Settings(home=tmp_path / "home")
    before = cache.run_key(settings, "ab" * 32, 1024)
    assert cache.run_key(settings.model_copy(update={"top_k": 4}), "ab" * 32, 1024) != before
    assert cache.run_key(settings, "ab" * 32, 512) != before

    packing = tmp_path / "context" / "packing.py"
    packing.write_text(packing.read_text() + "\n# a change to the assembler\n")
    cache.query_code_hash.cache_clear()
    assert cache.run_key(settings, "ab" * 32, 1024) != before
    cache.query_code_hash.cache_clear()  # the next test hashes the real tree again
