"""Trust config: glob on source path -> weight 0..1 (+ tags); first matching rule wins."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import yaml

from core.errors import BadInput

# Unlisted sources are neither vouched for nor distrusted.
DEFAULT_TRUST = 0.7


@dataclass(frozen=True)
class TrustRule:
    glob: str
    weight: float
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrustConfig:
    default: float = DEFAULT_TRUST
    rules: tuple[TrustRule, ...] = ()

    def lookup(self, source: str) -> tuple[float, tuple[str, ...]]:
        for rule in self.rules:
            if fnmatchcase(source, rule.glob):
                return rule.weight, rule.tags
        return self.default, ()


def _weight(value: object, where: str) -> float:
    if not isinstance(value, int | float) or not 0 <= value <= 1:
        raise BadInput(f"trust config: {where} must be a number from 0 to 1, got {value!r}")
    return float(value)


def load_trust(path: Path | None) -> TrustConfig:
    if path is None:
        return TrustConfig()
    try:
        text = path.read_text()
        raw = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise BadInput(f"trust config {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise BadInput(f"trust config {path}: expected a mapping with 'default' and 'rules'")
    rules = []
    for i, r in enumerate(raw.get("rules") or []):
        if not isinstance(r, dict) or "glob" not in r:
            raise BadInput(f"trust config {path}: rule {i + 1} needs a 'glob' and a 'weight'")
        tags = tuple(str(t) for t in r.get("tags") or ())
        rules.append(TrustRule(str(r["glob"]), _weight(r.get("weight"), f"rule {i + 1}"), tags))
    default = _weight(raw.get("default", DEFAULT_TRUST), "default")
    return TrustConfig(default, tuple(rules))
