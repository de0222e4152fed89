"""Find the files under an ingest root; hidden files and folders are not documents."""

from __future__ import annotations

from pathlib import Path

from core.errors import NotFound


def discover(root: Path) -> list[tuple[Path, str]]:
    """(path, source) pairs in a stable order; `source` is the '/'-path relative to root."""
    if not root.exists():
        raise NotFound(f"{root}: no such file or folder")
    if root.is_file():
        return [(root, root.name)]
    found = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            found.append((path, rel.as_posix()))
    return found
