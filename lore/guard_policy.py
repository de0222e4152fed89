"""Guard policies changed at run time: overrides of GuardSettings' policy fields, kept in
LORE_HOME/guard-policy.json with the history of every change (who asked, who approved, when,
what, the approval id).

The policy in force is the environment's (LORE_GUARD_*, LORE_PII_*, LORE_BLOCKED_TERMS, ...)
with the overrides on top; every serving process follows the file (lore/guard_follow.py), and
a change needs a second admin when admin keys are configured (lore/admin.py). The file is
written whole, under a lock, and renamed into place, so a reader never sees half of it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.errors import BadInput, LoreError
from core.files import locked, write_json
from guard.config import GuardSettings
from guard.pii import NAME_TYPES, PII_TYPES

# What a step decides per request, so a change needs no restart. The rest (the PII engine and
# its phone regions, trace masking) is built into the scanner and the observer at start-up.
FIELDS = ("guard_input", "guard_threshold", "guard_documents", "pii_mask_answers",
          "pii_mask_questions", "pii_roles", "pii_types", "blocked_terms", "max_answer_chars")
# The entity types a scanner finds (names and places with the spaCy engine only): a type
# outside them would be masked nowhere, so a typo ("EMAIL") would unmask emails.
KNOWN_PII_TYPES = (*PII_TYPES, *NAME_TYPES)
FILE = "guard-policy.json"


@dataclass(frozen=True)
class Change:
    at: str
    by: str  # who asked: a principal (a key's hash), never a key
    changes: dict[str, Any]  # field -> its new value
    before: dict[str, Any]  # field -> the value in force until then
    approval: str | None = None  # the approval request it carried out, if one was needed
    approved_by: str | None = None


@dataclass(frozen=True)
class Policy:
    overrides: dict[str, Any] = field(default_factory=dict)  # field -> value, as JSON
    history: tuple[Change, ...] = ()  # oldest first


def settings_with(base: GuardSettings, values: Mapping[str, Any]) -> GuardSettings:
    """`base` with `values` applied, validated by GuardSettings itself."""
    try:
        return GuardSettings.model_validate({**base.model_dump(), **values})
    except ValidationError as exc:
        raise BadInput("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                 for e in exc.errors())) from exc


def checked(current: GuardSettings, changes: Mapping[str, Any]) -> dict[str, Any]:
    """`changes` as the settings read them (JSON values), or BadInput saying what is wrong: no
    field, a field that is not a policy, a value GuardSettings refuses, an unknown PII type."""
    if not changes:
        raise BadInput(f"name at least one field to change: {', '.join(FIELDS)}")
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise BadInput(f"not a guard policy field: {', '.join(unknown)} (the fields: "
                       f"{', '.join(FIELDS)})")
    made = settings_with(current, changes)
    types = sorted(set(made.pii_types) - set(KNOWN_PII_TYPES)) if "pii_types" in changes else []
    if types:
        raise BadInput(f"pii_types: unknown type {', '.join(types)} (the types: "
                       f"{', '.join(KNOWN_PII_TYPES)})")
    values = made.model_dump(mode="json")
    return {name: values[name] for name in changes}


def shown(policy: Policy, base: GuardSettings) -> dict[str, Any]:
    """What GET /guard/policy and `lore guard policy` show."""
    values = settings_with(base, policy.overrides).model_dump(mode="json")
    return {"policy": {name: values[name] for name in FIELDS},
            "overridden": [name for name in FIELDS if name in policy.overrides],
            "history": [asdict(c) for c in policy.history]}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class PolicyStore:
    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.path = self.home / FILE
        self._lock_path = self.home / "guard-policy.lock"

    def stamp(self) -> tuple[int, int, int] | None:
        """Changes whenever the file does (a rename makes a new inode)."""
        try:
            s = self.path.stat()
        except FileNotFoundError:
            return None
        return s.st_mtime_ns, s.st_ino, s.st_size

    def read(self) -> Policy:
        try:
            data = json.loads(self.path.read_text())
            return Policy(dict(data["overrides"]),
                          tuple(Change(**c) for c in data["history"]))
        except FileNotFoundError:
            return Policy()
        except (ValueError, KeyError, TypeError) as e:
            raise LoreError(f"{self.path} is unreadable ({e}); restore it from a backup, or "
                            "remove it to serve the environment's guard policy") from e

    def effective(self, base: GuardSettings) -> GuardSettings:
        """The policy in force: `base` (the environment's) with the overrides on top."""
        return settings_with(base, self.read().overrides)

    def change(self, base: GuardSettings, changes: Mapping[str, Any], by: str,
               approval: str | None = None, approved_by: str | None = None) -> Policy:
        """Checked again against the policy in force now (it may have changed since the
        request was filed), then kept with its history entry."""
        with self._locked():
            old = self.read()
            current = settings_with(base, old.overrides)
            made = checked(current, changes)
            was = current.model_dump(mode="json")
            entry = Change(_now(), by, made, {name: was[name] for name in made}, approval,
                           approved_by)
            new = Policy({**old.overrides, **made}, (*old.history, entry))
            self._write(new)
        return new

    def _locked(self) -> AbstractContextManager[None]:
        return locked(self._lock_path)

    def _write(self, policy: Policy) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        write_json(self.path, {"overrides": policy.overrides,
                               "history": [asdict(c) for c in policy.history]})
