"""Answer metrics: overlap with the reference, citation support, abstention."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from answer.grounding import MARKER
from core.models import Answer
from core.text import squash
from evaluation.text import squad_tokens


def _f_measure(overlap: int, predicted: int, reference: int) -> float:
    """F1 from an overlap count; both sides empty agree (1.0), one side empty scores 0.0."""
    if predicted == 0 or reference == 0:
        return float(predicted == reference)
    if overlap == 0:
        return 0.0
    precision, recall = overlap / predicted, overlap / reference
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD token F1: bag-of-tokens overlap after SQuAD normalisation.

    Strip citation markers from answer text first (`answer.citations.MARKER`), or they count.
    """
    pred, ref = squad_tokens(prediction), squad_tokens(reference)
    overlap = sum((Counter(pred) & Counter(ref)).values())
    return _f_measure(overlap, len(pred), len(ref))


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Longest common subsequence by dynamic programming, one row at a time."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1 (beta = 1, as the rouge-score package) on the same tokens as `token_f1`."""
    pred, ref = squad_tokens(prediction), squad_tokens(reference)
    return _f_measure(_lcs_length(pred, ref), len(pred), len(ref))


def _claims(text: str) -> list[tuple[str, list[int]]]:
    """(claim, cited numbers) in answer/citations.py's grammar: a run of markers cites the text
    since the previous run; text after the last run cites nothing and is not counted."""
    parts = MARKER.split(text)  # text, n, text, n, ..., trailing text
    claims: list[tuple[str, list[int]]] = []
    for before, n in zip(parts[0::2], parts[1::2], strict=False):
        claim = squash(before)
        if claim or not claims:  # whitespace between markers continues the same run
            claims.append((claim, []))
        claims[-1][1].append(int(n))
    return claims


def _supported(claim: str, numbers: list[int], cited_texts: dict[int, str]) -> bool:
    """As `verify` checks it: every cited text holds the claim, whitespace-normalised."""
    return bool(claim) and all(
        n in cited_texts and claim in squash(cited_texts[n]) for n in numbers
    )


def citation_precision(answer: Answer) -> float | None:
    """Share of cited claims whose cited texts contain them; None if nothing is cited.

    Agrees with `answer.citations.verify`: 1.0 exactly when it finds no claim outside its
    citations, no marker without a citation and no marker without a claim.
    """
    cited_texts = {c.n: c.text for c in answer.citations}
    claims = _claims(answer.text)
    if not claims:
        return None
    return sum(_supported(c, ns, cited_texts) for c, ns in claims) / len(claims)


def abstention_rate(answers: Sequence[Answer]) -> float | None:
    """Share of answers that abstained; over answerable items this is the false-abstention rate."""
    if not answers:
        return None
    return sum(a.abstained for a in answers) / len(answers)


def abstained_correctly(answerable: bool, answer: Answer) -> bool | None:
    """For an unanswerable item, whether the answerer abstained; None for answerable items."""
    return None if answerable else answer.abstained
