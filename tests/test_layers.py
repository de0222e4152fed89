"""The import-layers contract in pyproject.toml holds, and the packages the eval cache hashes
are exactly the layers below evaluation."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from lore.promotion import QUERY_PACKAGES

ROOT = Path(__file__).resolve().parents[1]


def layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_query_time_packages_are_the_layers_below_evaluation() -> None:
    below = layers()[layers().index("evaluation") + 1 :]
    assert set(QUERY_PACKAGES) == set(below)


def test_every_package_is_in_a_layer() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages == set(layers())


def test_the_contract_is_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout
