"""Shared normalisation for the metrics: one tokenizer per purpose, so both sides match."""

from __future__ import annotations

import re
import string

# Alphanumeric runs: "kubernetes-label-selector" and "kubernetes label selector" give the same
# tokens, which matters because the reference contexts had punctuation and newlines altered.
_WORD = re.compile(r"[^\W_]+")

# NLTK's English list: function words only (no domain words like "system" that sklearn's has);
# it holds contraction leftovers ("don", "t", "s") because _WORD splits "don't" at the apostrophe.
# Kept here rather than shared with answer/terms.py: a metric must not move when the answerer's
# tuning does. A split string, not a list literal, which ruff format would spread one word a line.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did doing
    a an the and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now d ll m o re
    ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn
    weren won wouldn
    """.split()  # noqa: SIM905
)

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)


def tokens(text: str) -> list[str]:
    """Lowercased alphanumeric tokens."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """`tokens` without stop words."""
    return [t for t in tokens(text) if t not in STOP_WORDS]


def squad_tokens(text: str) -> list[str]:
    """SQuAD v1.1 `normalize_answer`, split: lower, drop punctuation, drop articles.

    Kept exactly as the official script (punctuation is deleted, not spaced) so scores compare
    with published token-F1 numbers.
    """
    return _ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split()
