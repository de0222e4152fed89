"""Evaluation sets: one JSON object per line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import BadInput, NotFound


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    reference_answer: str | None = None
    reference_contexts: tuple[str, ...] = ()
    expected_sources: tuple[str, ...] = ()  # '/'-paths or globs, relative to the ingested root
    category: str | None = None
    answerable: bool = True  # False: the corpus holds no answer, abstaining is correct
    # Answers users rejected (`lore feedback export`): the new answer should not repeat them.
    rejected_answers: tuple[str, ...] = ()


def _optional_str(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"'{name}' must be a string")
    return value


def _str_tuple(record: dict[str, Any], name: str) -> tuple[str, ...]:
    value = record.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"'{name}' must be a list of strings")
    return tuple(value)


def _item(record: Any, line_number: int) -> EvalItem:
    """Unknown fields are ignored: generated sets carry extra metadata we do not use."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("'question' must be a non-empty string")
    item_id = record.get("id", str(line_number))
    if not isinstance(item_id, str | int) or isinstance(item_id, bool):
        raise ValueError("'id' must be a string or an integer")
    answerable = record.get("answerable", True)
    if not isinstance(answerable, bool):
        raise ValueError("'answerable' must be true or false")
    return EvalItem(
        id=str(item_id),
        question=question,
        reference_answer=_optional_str(record, "reference_answer"),
        reference_contexts=_str_tuple(record, "reference_contexts"),
        expected_sources=_str_tuple(record, "expected_sources"),
        category=_optional_str(record, "category"),
        answerable=answerable,
        rejected_answers=_str_tuple(record, "rejected_answers"),
    )


def _parse_line(line: str, path: Path, line_number: int) -> EvalItem:
    try:
        return _item(json.loads(line), line_number)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path}:{line_number}: invalid JSON: {exc.msg}") from exc
    except ValueError as exc:
        raise BadInput(f"{path}:{line_number}: {exc}") from exc


def load_eval_set(path: str | Path) -> list[EvalItem]:
    """Items in file order; blank lines are skipped, and an id defaults to its line number."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise NotFound(f"evaluation set {path} does not exist") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text ({exc.reason})") from exc
    items: list[EvalItem] = []
    first_line: dict[str, int] = {}
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = _parse_line(line, path, line_number)
        if item.id in first_line:
            raise BadInput(
                f"{path}:{line_number}: id {item.id!r} already used on line {first_line[item.id]}"
            )
        first_line[item.id] = line_number
        items.append(item)
    if not items:
        raise BadInput(f"{path}: no evaluation items")
    return items
