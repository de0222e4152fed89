from __future__ import annotations

from dataclasses import replace

from context.render import above_of, header, render_passage, render_passages, render_turn
from core.models import Passage, Turn
from core.tokenizer import Tokenizer


def passage(text: str, page: int | None = None) -> Passage:
    return Passage("ops/deploy.md", "deploy.md", ("Ops", "Deploy"), page, ("x",), text, 1.0, 0, 0)


def test_header_variants() -> None:
    assert header("a/b.md", "b.md", ("Ops", "Deploy"), 3) == "[a/b.md — Ops > Deploy, p. 3]"
    assert header("a/b.md", "B", (), None) == "[a/b.md — B]"
    assert header("a/b.md", "a/b.md", (), None) == "[a/b.md]"
    assert header("a/b.md", "", (), 2) == "[a/b.md, p. 2]"


def test_continuation_header_leaves_out_the_source_and_shared_sections() -> None:
    crumbs = ("Ops", "Deploy")
    assert header("a/b.md", "b.md", crumbs, 3, ("Ops", "Rollback")) == "[… > Deploy, p. 3]"
    assert header("a/b.md", "b.md", crumbs, 4, crumbs) == "[…, p. 4]"
    assert header("a/b.md", "b.md", crumbs, None, ("HR",)) == "[… > Ops > Deploy]"
    assert header("a/b.md", "B", (), None, ("A",)) == "[… > B]"


def test_only_a_passage_after_one_of_its_document_continues() -> None:
    first, later = passage("One.", 1), replace(passage("Two.", 2), breadcrumbs=("Ops", "Scale"))
    other = replace(passage("Three."), source="hr/leave.md")
    out = render_passages([first, later, other])
    assert out == ("[ops/deploy.md — Ops > Deploy, p. 1]\nOne.\n\n[… > Scale, p. 2]\nTwo.\n\n"
                   "[hr/leave.md — Ops > Deploy]\nThree.")


def test_render_passage_is_header_then_text() -> None:
    assert render_passage(passage("Hello.", 1)) == "[ops/deploy.md — Ops > Deploy, p. 1]\nHello."


def test_counts_add_up_across_separators(tokenizer: Tokenizer) -> None:
    ps = [passage("First passage, with punctuation."), passage("Second one — café 3.14.", 2)]
    whole = tokenizer.count(render_passages(ps))
    parts = [render_passage(ps[0]), render_passage(ps[1], above_of(ps[0], ps[1].source))]
    assert whole == sum(tokenizer.count(p) for p in parts)


def test_render_turn() -> None:
    assert render_turn(Turn("user", "Hi?")) == "user: Hi?"
