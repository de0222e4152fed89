"""The OpenAPI document matches behaviour: schemathesis drives every operation over real HTTP
(bounded: a fixed seed and a few dozen examples each) with every check it has, keys on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from api.app import create_app
from lore.settings import Settings
from tests.conftest import copy_home

ADMIN = "schema-admin-key"
EXAMPLES = 25  # per operation: enough to cover each field's bounds, a minute in all
SEED = 20261201  # reproducible: a failure replays with the same cases


def test_schemathesis_finds_no_mismatch(sample_index, lore_for, serve, tmp_path: Path) -> None:
    sample, _ = sample_index
    home = tmp_path / "home"  # admin routes may change versions: a private copy
    copy_home(sample.home, home)
    settings = Settings.of(home=home, trust_file=sample.ingest.trust_file,
                           admin_keys=[ADMIN], reader_keys=["schema-reader-key"])
    tool = Path(sys.executable).parent / "schemathesis"
    with serve(create_app(settings, lore_for(settings))) as base:
        done = subprocess.run(
            [str(tool), "run", f"{base}/openapi.json", "--checks", "all",
             "--max-examples", str(EXAMPLES), "--seed", str(SEED),
             "--header", f"X-API-Key: {ADMIN}", "--no-color"],
            capture_output=True, text=True, timeout=900, cwd=tmp_path)
    (tmp_path / "schemathesis.txt").write_text(done.stdout)  # the whole report, to read
    assert done.returncode == 0, done.stdout[-6000:]
