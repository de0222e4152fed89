"""What changed between the files of the folder and those the active version was built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.deleted)


def compare(current: Mapping[str, str], previous: Mapping[str, str]) -> Changes:
    """Sources by content hash: `current` is the folder now, `previous` the active version's."""
    return Changes(
        new=tuple(s for s in current if s not in previous),
        changed=tuple(s for s, h in current.items() if s in previous and previous[s] != h),
        unchanged=tuple(s for s, h in current.items() if previous.get(s) == h),
        deleted=tuple(s for s in previous if s not in current),
    )
