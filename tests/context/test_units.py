from __future__ import annotations

from collections.abc import Callable

from context.units import sentence_spans, units_of
from core.models import Chunk
from core.tokenizer import Tokenizer


def test_sentence_spans_cover_the_text_past_the_overlap() -> None:
    text = "Shared tail. First one.  Second one?\n\n- a list item\nLast"
    spans = sentence_spans(text, len("Shared tail. "))
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one?", "- a list item", "Last"]
    assert sentence_spans("   \n ") == []


def test_units_carry_terms_and_exact_counts(
    make_chunk: Callable[..., Chunk], tokenizer: Tokenizer
) -> None:
    chunk = make_chunk("d.md", 1, "Shared. Rotate the keys every 90 days. Revoke leaks!",
                       overlap=len("Shared. "))
    units = units_of(chunk, tokenizer.count)
    assert [chunk.text[slice(*u.span)] for u in units] == [
        "Rotate the keys every 90 days.", "Revoke leaks!"]
    assert [u.index for u in units] == [0, 1]
    assert units[0].terms == {"rotate", "keys", "every", "90", "days"}  # "the" is a stop word
    # Word pieces never span whitespace: the units' counts add up to the text they cover.
    assert sum(u.tokens for u in units) == tokenizer.count(chunk.text[len("Shared. "):])
