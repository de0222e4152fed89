"""Checks a finished quoted answer: every claim cited, every citation quoting its claim.

What the extractive answerer promises (and the tests hold it to); answer/grounding.py is the
check every generator's draft goes through.
"""

from __future__ import annotations

from answer.grounding import MARKER, MARKER_RUN
from core.models import Answer, Citation
from core.text import squash


def verify(answer: Answer) -> list[str]:
    """Problems that make `answer` ungrounded; an empty list means it is fine."""
    if answer.abstained:
        return ["an abstention carries citations"] if answer.citations else []
    by_n = {c.n: c for c in answer.citations}
    problems = _numbering(answer.citations)
    used: list[int] = []
    pos = 0
    for run in MARKER_RUN.finditer(answer.text):
        sentence = squash(answer.text[pos : run.start()])
        pos = run.end()
        if not sentence:
            problems.append(f"marker run {run.group().strip()!r} follows no sentence")
        for n in map(int, MARKER.findall(run.group())):
            used.append(n)
            problems.extend(_check_marker(n, sentence, by_n))
    if squash(answer.text[pos:]):
        problems.append(f"uncited text: {squash(answer.text[pos:])!r}")
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
    if sentence and sentence not in squash(citation.text):
        return [f"sentence {sentence!r} is not in the text of citation [{n}]"]
    return []
