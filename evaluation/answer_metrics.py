"""Answer metrics: overlap with the reference, citation support, abstention."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from evaluation.text import cited_numbers, sentences, squad_tokens, strip_citations, tokens
from lore.models import Answer


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

    Pass answer text through `text.strip_citations` first, or the markers count as tokens.
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


def _supported(sentence: str, cited_texts: dict[int, str]) -> bool:
    """Some text the sentence cites contains it, compared as whole-token sequences."""
    claim = " ".join(tokens(strip_citations(sentence)))
    return any(
        f" {claim} " in f" {' '.join(tokens(cited_texts[n]))} "
        for n in cited_numbers(sentence)
        if n in cited_texts
    )


def citation_precision(answer: Answer) -> float | None:
    """Share of cited sentences whose cited text contains them; None if no sentence cites.

    A marker pointing at no citation counts as unsupported.
    """
    cited_texts = {c.n: c.text for c in answer.citations}
    cited = [s for s in sentences(answer.text) if cited_numbers(s)]
    if not cited:
        return None
    return sum(_supported(s, cited_texts) for s in cited) / len(cited)


def abstention_rate(answers: Sequence[Answer]) -> float | None:
    """Share of answers that abstained; over answerable items this is the false-abstention rate."""
    if not answers:
        return None
    return sum(a.abstained for a in answers) / len(answers)


def abstained_correctly(answerable: bool, answer: Answer) -> bool | None:
    """For an unanswerable item, whether the answerer abstained; None for answerable items."""
    return None if answerable else answer.abstained
