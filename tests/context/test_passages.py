from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from context.passages import GAP, Piece, build_passages, fresh, reading_order
from context.render import above_of, render_passage
from context.selection import pieces_of
from context.units import units_of
from core.models import Chunk, Passage
from core.tokenizer import Tokenizer

MakeChunk = Callable[..., Chunk]


def whole(c: Chunk, score: float = 0.5) -> Piece:
    return Piece(c, score, c.text)


def test_adjacent_chunks_of_one_section_merge(
    chunks: dict[str, Chunk], tokenizer: Tokenizer
) -> None:
    a, b, d = chunks["ops/deploy.md#1"], chunks["ops/deploy.md#2"], chunks["ops/deploy.md#3"]
    ps = build_passages([whole(d, 0.2), whole(b, 0.9), whole(a, 0.4)], tokenizer.count)
    assert [p.chunk_ids for p in ps] == [(a.id, b.id, d.id)]
    assert ps[0].text == f"{a.text}\n{b.text}\n{d.text}"
    assert ps[0].score == 0.9 and ps[0].position == 1


def test_sections_pages_and_documents_split(make_chunk: MakeChunk, tokenizer: Tokenizer) -> None:
    a = make_chunk("d.md", 0, "Zero.")
    other_section = make_chunk("d.md", 3, "Three.", breadcrumbs=("Elsewhere",))
    other_page = make_chunk("d.md", 4, "Four.", breadcrumbs=("Elsewhere",), page=9)
    other_doc = make_chunk("e.md", 1, "One.")
    separate = [a, other_section, other_page, other_doc]
    ps = build_passages(map(whole, separate), tokenizer.count)
    assert [p.chunk_ids for p in ps] == [(c.id,) for c in separate]


def test_a_gap_in_one_section_is_marked_in_the_passage(
    make_chunk: MakeChunk, tokenizer: Tokenizer
) -> None:
    a = make_chunk("d.md", 0, "Zero.")
    c = make_chunk("d.md", 2, "Two.")
    (p,) = build_passages([whole(a), whole(c)], tokenizer.count)
    assert p.chunk_ids == (a.id, c.id) and p.text == f"Zero.\n{GAP}\nTwo."
    assert p.chunk_starts == (0, len(f"Zero.\n{GAP}\n"))
    assert p.tokens == tokenizer.count(render_passage(p))


def test_trimmed_piece_is_followed_after_a_gap(make_chunk: MakeChunk, tokenizer: Tokenizer) -> None:
    a = make_chunk("d.md", 0, "Zero. More zero.")
    b = make_chunk("d.md", 1, "One. And more.")
    c = make_chunk("d.md", 2, "Two.")
    (p,) = build_passages([whole(a), Piece(b, 0.5, "One."), whole(c)], tokenizer.count)
    assert p.text == f"Zero. More zero.\nOne.\n{GAP}\nTwo."
    assert p.tokens == tokenizer.count(render_passage(p))


def test_pieces_inside_a_chunk(make_chunk: MakeChunk, tokenizer: Tokenizer) -> None:
    """A piece starting past the overlap adds its text whole; one starting late opens a gap."""
    prev = make_chunk("d.md", 0, "Alpha. Shared.")
    nxt = make_chunk("d.md", 1, "Shared. Beta. Gamma.", overlap=len("Shared. "))
    own = Piece(nxt, 0.5, "Beta.", start=len("Shared. "))
    late = Piece(nxt, 0.5, "Gamma.", start=len("Shared. Beta. "))
    assert not own.opens_late and late.opens_late and own.trimmed and not late.trimmed
    (p,) = build_passages([whole(prev), own], tokenizer.count)
    assert p.text == "Alpha. Shared.\nBeta."
    (q,) = build_passages([whole(prev), late], tokenizer.count)
    assert q.text == f"Alpha. Shared.\n{GAP}\nGamma." and q.chunk_ids == (prev.id, nxt.id)
    (r,) = build_passages([own, late], tokenizer.count)
    assert r.text == f"Beta.\n{GAP}\nGamma." and r.chunk_ids == (nxt.id,)


def test_overlap_is_not_repeated(make_chunk: MakeChunk) -> None:
    prev_text = "Alpha line.\nShared one.\nShared two."
    repeated = "Shared one.\nShared two.\n"
    nxt = make_chunk("d.md", 1, repeated + "Fresh line.", overlap=len(repeated))
    assert fresh(prev_text, whole(nxt)) == "Fresh line."
    # An overlap that is not really the previous tail keeps the text whole.
    assert fresh("Other text.", whole(nxt)) == nxt.text


def test_tokens_are_counts_of_the_rendered_passage(
    chunks: dict[str, Chunk], tokenizer: Tokenizer
) -> None:
    (p,) = build_passages([whole(chunks["hr/leave.md#0"])], tokenizer.count)
    assert p.tokens == tokenizer.count(render_passage(p)) > tokenizer.count(p.text)


def test_reading_order_groups_documents_by_best_score() -> None:
    def p(source: str, position: int, score: float) -> Passage:
        return Passage(source, source, (), None, (f"{source}{position}",), "t", score, 1, position)

    ps = [p("a", 5, 0.3), p("b", 2, 0.9), p("a", 1, 0.8), p("b", 0, 0.1), p("c", 0, 0.5)]
    out = reading_order(ps)
    expected = [("b", 0), ("b", 2), ("a", 1), ("a", 5), ("c", 0)]
    assert [(x.source, x.position) for x in out] == expected
    assert reading_order([replace(ps[0])]) == [ps[0]]


def test_summed_counts_equal_the_rendered_passage_on_the_sample_corpus(
    sample_lore, tokenizer: Tokenizer
) -> None:
    """Passage tokens are summed from header and part counts: exact on real parsed chunks,
    merged in runs of three and with the last piece trimmed (a cut inside a table row)."""
    service = sample_lore
    version = service.active.current()
    chunks = sorted((c for c, _ in service.store.scan(version)),
                    key=lambda c: (c.source, c.position))
    checked = 0
    for a, b, c in zip(chunks, chunks[1:], chunks[2:], strict=False):
        cut = Piece(c, 0.5, c.text[: len(c.text) // 2].rstrip())
        ps = build_passages([whole(a), whole(b), cut], tokenizer.count)
        for i, p in enumerate(ps):
            above = above_of(ps[i - 1] if i else None, p.source)
            assert p.tokens == tokenizer.count(render_passage(p, above))
            checked += 1
    assert checked > 50  # every document of the corpus, not a vacuous pass


def test_pieces_of_selected_units_span_their_runs(
    make_chunk: MakeChunk, tokenizer: Tokenizer
) -> None:
    chunk = make_chunk("d.md", 0, "One.  Two. Three. Four.")
    units = units_of(chunk, tokenizer.count)
    pieces = pieces_of([units[0], units[1], units[3]], 0.5)
    assert [(p.text, p.start) for p in pieces] == [("One.  Two.", 0), ("Four.", 18)]
