from __future__ import annotations

from context.render import header, render_passage, render_passages, render_turn
from lore.models import Passage, Turn
from lore.tokenizer import Tokenizer


def passage(text: str, page: int | None = None) -> Passage:
    return Passage("ops/deploy.md", "deploy.md", ("Ops", "Deploy"), page, ("x",), text, 1.0, 0, 0)


def test_header_variants() -> None:
    assert header("a/b.md", "b.md", ("Ops", "Deploy"), 3) == "[a/b.md — Ops > Deploy, p. 3]"
    assert header("a/b.md", "B", (), None) == "[a/b.md — B]"
    assert header("a/b.md", "a/b.md", (), None) == "[a/b.md]"
    assert header("a/b.md", "", (), 2) == "[a/b.md, p. 2]"


def test_render_passage_is_header_then_text() -> None:
    assert render_passage(passage("Hello.", 1)) == "[ops/deploy.md — Ops > Deploy, p. 1]\nHello."


def test_counts_add_up_across_separators(tokenizer: Tokenizer) -> None:
    ps = [passage("First passage, with punctuation."), passage("Second one — café 3.14.", 2)]
    whole = tokenizer.count(render_passages(ps))
    assert whole == sum(tokenizer.count(render_passage(p)) for p in ps)


def test_render_turn() -> None:
    assert render_turn(Turn("user", "Hi?")) == "user: Hi?"
