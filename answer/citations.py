"""Checks that an answer is grounded: every claim cited, every citation quoting its claim."""

from __future__ import annotations

import re

from lore.models import Answer, Citation

# "[3]" after a sentence. Source sentences containing this pattern are never quoted (see
# answer/scoring.py), so every match in an answer is a marker we wrote.
MARKER = re.compile(r"\[(\d+)\]")
_MARKER_RUN = re.compile(r"(?:\s*\[\d+\])+")


def normalise(text: str) -> str:
    """Whitespace-insensitive form: quoting may rejoin lines that the source wrapped."""
    return " ".join(text.split())


def verify(answer: Answer) -> list[str]:
    """Problems that make `answer` ungrounded; an empty list means it is fine."""
    if answer.abstained:
        return ["an abstention carries citations"] if answer.citations else []
    by_n = {c.n: c for c in answer.citations}
    problems = _numbering(answer.citations)
    used: list[int] = []
    pos = 0
    for run in _MARKER_RUN.finditer(answer.text):
        sentence = normalise(answer.text[pos : run.start()])
        pos = run.end()
        if not sentence:
            problems.append(f"marker run {run.group().strip()!r} follows no sentence")
        for n in map(int, MARKER.findall(run.group())):
            used.append(n)
            problems.extend(_check_marker(n, sentence, by_n))
    if normalise(answer.text[pos:]):
        problems.append(f"uncited text: {normalise(answer.text[pos:])!r}")
    if not used:
        problems.append("the answer cites nothing")
    problems.extend(f"citation [{n}] is never used" for n in sorted(set(by_n) - set(used)))
    first_use = list(dict.fromkeys(n for n in used if n in by_n))
    if first_use != sorted(first_use):
        problems.append(f"citations not numbered in order of first use: {first_use}")
    return problems


def _numbering(citations: tuple[Citation, ...]) -> list[str]:
    numbers = [c.n for c in citations]
    if numbers != list(range(1, len(numbers) + 1)):
        return [f"citations must be numbered 1..{len(numbers)} in order, got {numbers}"]
    return []


def _check_marker(n: int, sentence: str, by_n: dict[int, Citation]) -> list[str]:
    citation = by_n.get(n)
    if citation is None:
        return [f"marker [{n}] has no citation"]
    if sentence and sentence not in normalise(citation.text):
        return [f"sentence {sentence!r} is not in the text of citation [{n}]"]
    return []
