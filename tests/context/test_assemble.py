from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import pytest

from context.assemble import assemble
from context.packing import PackingOrder, chunk_tokens
from context.passages import GAP
from context.render import render_passages, render_text
from core.models import Budget, Chunk, Context, Dropped, DropReason, ScoredChunk
from core.text import sentence_ends
from core.tokenizer import Tokenizer, reader_tokenizer
from index.bm25 import Analyzer, tokenize
from retrieval.dedupe import Duplicate

# Whole chunks: the order these tests pin down; coverage packing has tests/context/test_coverage.py.
SCORE = PackingOrder.SCORE
Scored = Callable[..., list[ScoredChunk]]
Fetch = Callable[[str, Sequence[int]], list[Chunk]]


def budget(context: int) -> Budget:
    return Budget(total=context, system=0, history=0, question=0, reserve=0)


def reasons(ctx: Context) -> dict[str, DropReason]:
    return {d.chunk_id: d.reason for d in ctx.dropped}


def placed(ctx: Context) -> list[str]:
    return [cid for p in ctx.passages for cid in p.chunk_ids]


@pytest.mark.parametrize("reader", ["wordpiece", "bpe"])
def test_random_budgets_are_respected_exactly(
    chunks: dict[str, Chunk], neighbours: Fetch, tokenizer: Tokenizer, reader: str
) -> None:
    """In the embedding model's word pieces, whose counts add up across whitespace, and in the
    default reader's BPE (cl100k), whose counts do not."""
    tokenizer = tokenizer if reader == "wordpiece" else reader_tokenizer()
    rng = random.Random(20240531)
    ids = sorted(chunks)
    for _ in range(300):
        picked = rng.sample(ids, rng.randint(0, len(ids)))
        hits = [ScoredChunk(chunks[cid], rng.random()) for cid in picked]
        limit = rng.randint(0, 500)
        min_score = rng.choice([0.0, 0.3])
        ctx = assemble(
            hits, budget(limit), tokenizer.count, min_score=min_score,
            neighbours=rng.choice([neighbours, None]), order=rng.choice(list(PackingOrder)),
        )
        assert ctx.tokens == tokenizer.count(render_passages(ctx.passages)) <= limit
        ids_in = placed(ctx)
        assert len(ids_in) == len(set(ids_in))
        why = reasons(ctx)
        said = set(tokenize(render_passages(ctx.passages), Analyzer.STOPWORDS))
        for h in hits:  # every hit is placed or reported, with the right reason
            if h.chunk.id in ids_in:
                continue
            if h.score < min_score:
                assert why[h.chunk.id] is DropReason.BELOW_THRESHOLD
            elif why[h.chunk.id] is DropReason.DUPLICATE:  # all it says is in the context
                assert set(tokenize(h.chunk.text, Analyzer.STOPWORDS)) <= said
            else:
                assert why[h.chunk.id] is DropReason.BUDGET
        for p in ctx.passages:  # the chunks' own text, whole sentences, gaps marked
            for line in p.text.split("\n"):
                assert line == GAP or any(line in chunks[cid].text for cid in p.chunk_ids)
            full = "\n".join(chunks[cid].text for cid in p.chunk_ids)
            end = full.find(p.text.split("\n")[-1]) + len(p.text.split("\n")[-1])
            assert end == len(full) or full[end].isspace()  # never mid-word
        sources = [p.source for p in ctx.passages]
        assert sources == sorted(sources, key=sources.index)  # each document in one block


def test_last_hit_is_trimmed_at_a_sentence(
    chunks: dict[str, Chunk], scored: Scored, tokenizer: Tokenizer
) -> None:
    first, second = chunks["security/keys.md#1"], chunks["ops/deploy.md#2"]
    one_sentence = second.text[: sentence_ends(second.text)[0]]
    head = render_text(second.source, second.title, second.breadcrumbs, None, one_sentence)
    limit = chunk_tokens(first, tokenizer.count) + tokenizer.count(head)
    hits = scored((first.id, 0.9), (second.id, 0.8), ("hr/leave.md#1", 0.7))
    ctx = assemble(hits, budget(limit), tokenizer.count, order=SCORE)
    assert ctx.tokens == limit
    texts = {p.chunk_ids[0]: p.text for p in ctx.passages}
    assert texts == {first.id: first.text, second.id: one_sentence}
    assert reasons(ctx) == {"hr/leave.md#1": DropReason.BUDGET}  # the trim closed the budget


def test_hit_that_cannot_be_trimmed_is_skipped(
    make_chunk: Callable[..., Chunk], tokenizer: Tokenizer
) -> None:
    big = make_chunk("a.md", 0, "Nodes need four GiB of memory and two CPUs at the very least.")
    small = make_chunk("b.md", 0, "Yes.")
    limit = chunk_tokens(small, tokenizer.count)  # less than a header and MIN_WORDS words
    hits = [ScoredChunk(big, 0.9), ScoredChunk(small, 0.5)]
    ctx = assemble(hits, budget(limit), tokenizer.count, order=SCORE)
    assert placed(ctx) == [small.id]
    assert reasons(ctx) == {big.id: DropReason.BUDGET}


def test_neighbours_expand_and_merge(
    scored: Scored, neighbours: Fetch, tokenizer: Tokenizer
) -> None:
    hits = scored(("ops/deploy.md#2", 0.9))
    ctx = assemble(hits, budget(1000), tokenizer.count, neighbours=neighbours, order=SCORE)
    assert [p.chunk_ids for p in ctx.passages] == [
        ("ops/deploy.md#0", "ops/deploy.md#1", "ops/deploy.md#2", "ops/deploy.md#3")
    ]
    plain = assemble(hits, budget(1000), tokenizer.count, order=SCORE)
    assert placed(plain) == ["ops/deploy.md#2"]


def test_neighbours_only_while_budget_remains(
    chunks: dict[str, Chunk], scored: Scored, neighbours: Fetch, tokenizer: Tokenizer
) -> None:
    hit = chunks["ops/deploy.md#2"]
    limit = chunk_tokens(hit, tokenizer.count) + 5  # room for no neighbour
    ctx = assemble(
        scored((hit.id, 0.9)), budget(limit), tokenizer.count, neighbours=neighbours, order=SCORE
    )
    assert placed(ctx) == [hit.id] and ctx.dropped == ()


def test_reading_order(scored: Scored, tokenizer: Tokenizer) -> None:
    hits = scored(
        ("hr/leave.md#1", 0.95), ("ops/deploy.md#3", 0.9), ("hr/leave.md#0", 0.2),
        ("ops/deploy.md#0", 0.5),
    )
    ctx = assemble(hits, budget(2000), tokenizer.count, order=SCORE)
    assert [p.chunk_ids for p in ctx.passages] == [
        ("hr/leave.md#0", "hr/leave.md#1"), ("ops/deploy.md#0", "ops/deploy.md#3")
    ]
    assert f"\n{GAP}\n" in ctx.passages[1].text  # one section: the gap is marked, not re-headed
    assert ctx.passages[0].score == 0.95


def test_dropped_report(chunks: dict[str, Chunk], scored: Scored, tokenizer: Tokenizer) -> None:
    copy = ScoredChunk(chunks["security/keys.md#1"], 0.8)
    hits = scored(("security/keys.md#2", 0.9), ("hr/leave.md#0", 0.1), ("ops/deploy.md#1", 0.6))
    turn = Dropped("turn-0", "user", DropReason.HISTORY, 7)
    limit = chunk_tokens(hits[0].chunk, tokenizer.count)
    ctx = assemble(
        hits, budget(limit), tokenizer.count, min_score=0.2,
        duplicates=[Duplicate(copy, "security/keys.md#2")], dropped=[turn],
    )
    assert ctx.dropped == (
        turn,
        Dropped(copy.chunk.id, copy.chunk.source, DropReason.DUPLICATE,
                tokenizer.count(copy.chunk.text), 0.8),
        Dropped("hr/leave.md#0", "hr/leave.md", DropReason.BELOW_THRESHOLD,
                tokenizer.count(chunks["hr/leave.md#0"].text), 0.1),
        Dropped("ops/deploy.md#1", "ops/deploy.md", DropReason.BUDGET,
                tokenizer.count(chunks["ops/deploy.md#1"].text), 0.6),
    )


def test_density_order_prefers_evidence_per_token(
    chunks: dict[str, Chunk], scored: Scored, tokenizer: Tokenizer
) -> None:
    long, short = chunks["ops/deploy.md#1"], chunks["security/keys.md#0"]
    assert chunk_tokens(long, tokenizer.count) > 1.5 * chunk_tokens(short, tokenizer.count)
    hits = scored((long.id, 0.6), (short.id, 0.5))
    limit = chunk_tokens(long, tokenizer.count)  # one or the other, not both
    by_score = assemble(hits, budget(limit), tokenizer.count, order=SCORE)
    by_density = assemble(hits, budget(limit), tokenizer.count, order=PackingOrder.DENSITY)
    assert {p.text for p in by_score.passages} >= {long.text}
    assert short.text not in {p.text for p in by_score.passages}
    assert short.text in {p.text for p in by_density.passages}
    assert long.text not in {p.text for p in by_density.passages}


@pytest.mark.parametrize("limit", [0, 3])
def test_tiny_budget_places_nothing(scored: Scored, tokenizer: Tokenizer, limit: int) -> None:
    ctx = assemble(scored(("hr/leave.md#0", 0.9)), budget(limit), tokenizer.count)
    assert ctx.passages == () and ctx.tokens == 0
    assert reasons(ctx) == {"hr/leave.md#0": DropReason.BUDGET}


def test_hit_repeating_the_packed_lines_is_left_out_as_a_duplicate(
    make_chunk: Callable[..., Chunk], tokenizer: Tokenizer
) -> None:
    note = "Important: this is a Technology Preview feature.\nIt is not supported in production."
    best = make_chunk("a.md", 0, f"Enable the plugin in the config map.\n{note}")
    echo = make_chunk("b.md", 4, f"{note}\nSee the support scope.")  # mostly the same note
    fresh = make_chunk("c.md", 0, "Restart the pod after changing the config map.")
    hits = [ScoredChunk(best, 0.9), ScoredChunk(echo, 0.8), ScoredChunk(fresh, 0.7)]
    ctx = assemble(hits, budget(1000), tokenizer.count, order=SCORE)
    assert placed(ctx) == [best.id, fresh.id]
    assert reasons(ctx) == {echo.id: DropReason.DUPLICATE}


def test_a_count_whose_parts_undercount_the_whole_still_fits(
    chunks: dict[str, Chunk], neighbours: Fetch
) -> None:
    """A count that grows faster than its parts' sum (unlike any real tokenizer, but the worst
    case of one whose parts do not add up): the assembler packs again into less room until
    the rendered passages fit."""

    def count(text: str) -> int:
        words = len(text.split())
        return words + words * words // 200

    hits = [ScoredChunk(c, 1.0 - i / 20) for i, c in enumerate(chunks.values())]
    for limit in (60, 150, 300):
        for order in PackingOrder:
            ctx = assemble(hits, budget(limit), count, neighbours=neighbours, order=order)
            assert ctx.passages and ctx.tokens == count(render_passages(ctx.passages)) <= limit
