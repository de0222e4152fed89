"""The prompts: the system prompt a model reads before the passages, and the answer templates
(fixed replies, the "Sources" list), one file each under the top-level `prompts/` folder.

A prompt's id is its path in the folder without the `.txt` suffix ("system",
"reply/greeting"). The files as shipped serve until a version is promoted (lore/releases.py,
`lore prompts`); a version holds every id's text, so a change of one is a new version of all.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from core.errors import BadInput

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"
SUFFIX = ".txt"


class PromptId(StrEnum):
    SYSTEM = "system"
    GREETING = "reply/greeting"  # the fixed replies of the router (pipeline/route.py)
    THANKS = "reply/thanks"
    OUT_OF_SCOPE = "reply/out_of_scope"
    SOURCES = "answer/sources"  # the line above the sources list of /v1/chat/completions
    SOURCE = "answer/source"  # one line of it, a str.format template of SOURCE_FIELDS


# What a source line may show: the citation's number, its document's title and path, and
# ", p. N" for a paged source ("" otherwise).
SOURCE_FIELDS = frozenset({"n", "title", "source", "page"})


def read_prompts(folder: Path) -> dict[str, str]:
    """Every prompt under `folder`, checked."""
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such prompts folder")
    texts = {p.relative_to(folder).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
             for p in sorted(folder.rglob(f"*{SUFFIX}"))}
    return check_prompts(texts)


# Prompts a version must not leave empty: the model's instructions and the fixed replies.
NOT_EMPTY = (PromptId.SYSTEM, PromptId.GREETING, PromptId.THANKS, PromptId.OUT_OF_SCOPE)


def check_prompts(texts: Mapping[str, str]) -> dict[str, str]:
    """The texts, trailing newlines trimmed, if every id is known and present and the
    templates name only their fields; else BadInput saying which."""
    known = {str(p) for p in PromptId}
    unknown, missing = sorted(set(texts) - known), sorted(known - set(texts))
    if unknown or missing:
        raise BadInput(f"prompts: unknown ids {unknown}, missing ids {missing}; every version "
                       f"holds exactly {sorted(known)}")
    out = {k: v.rstrip("\n") for k, v in sorted(texts.items())}
    empty = [k for k in NOT_EMPTY if not out[k].strip()]
    if empty:
        raise BadInput(f"prompts: {', '.join(empty)} must not be empty")
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(out[PromptId.SOURCE]) if f}
    except ValueError as exc:  # a lone brace
        raise BadInput(f"prompts: {PromptId.SOURCE} is no template ({exc}): write a literal "
                       "brace as {{ or }}") from None
    if not fields <= SOURCE_FIELDS:
        raise BadInput(f"prompts: {PromptId.SOURCE} may use {sorted(SOURCE_FIELDS)}, not "
                       f"{sorted(fields - SOURCE_FIELDS)}")
    return out


def fingerprint(texts: Mapping[str, str]) -> str:
    """Content hash of a prompt set: equal texts, equal hash, whatever the version id."""
    blob = json.dumps(dict(sorted(texts.items())), ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True)
class Prompts:
    """One prompt version's texts."""

    version: str  # the registry's id ("v3"), or SHIPPED before any was promoted
    texts: Mapping[str, str]

    @property
    def system(self) -> str:
        return self.texts[PromptId.SYSTEM]

    def __getitem__(self, prompt: PromptId) -> str:
        return self.texts[prompt]


SHIPPED = "shipped"  # the version name of the files as installed, before any promotion
SHIPPED_TEXTS = read_prompts(PROMPTS_DIR)
SYSTEM_PROMPT = SHIPPED_TEXTS[PromptId.SYSTEM]  # what every generator reads by default
