"""A re-ingest that embeds nothing never imports the model's libraries.

The first ingest runs in process with the session's model; the second is the real CLI on the
unchanged folder, run under `python -X importtime`, which lists every module it imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lore import stores
from lore.settings import Settings

LORE = Path(sys.executable).parent / "lore"
# What loading a model pulls in: sentence-transformers and torch (4.3 s of a 6.7 s run before
# the model was loaded lazily), transformers, and onnxruntime for the ONNX encoder.
MODEL_MODULES = {"torch", "sentence_transformers", "transformers", "onnxruntime"}


def imported(importtime: str) -> set[str]:
    """Module names from `-X importtime` lines: 'import time: self | cumulative | name'."""
    return {line.rsplit("|", 1)[-1].strip() for line in importtime.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_an_unchanged_reingest_never_imports_the_model(tmp_path: Path, corpus: Path,
                                                       embedder) -> None:
    settings = Settings.of(home=tmp_path / "home")
    build = stores.ingestor(settings, embedder)
    try:
        first = build.run(corpus, promote=True)
    finally:
        build.close()
    env = {**os.environ, "LORE_HOME": str(settings.home)}
    # A full build (no --skip-if-unchanged): every document is carried over.
    done = subprocess.run([sys.executable, "-X", "importtime", str(LORE), "ingest", str(corpus),
                           "--promote"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "built and promoted" in done.stdout and "embedded 0" in done.stdout, done.stdout
    assert f"carried {first.chunks}" in done.stdout
    modules = imported(done.stderr)
    assert "ingestion.pipeline" in modules  # it did build a version
    assert not {m.split(".")[0] for m in modules} & MODEL_MODULES
