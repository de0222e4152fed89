"""Coverage packing: sentences by new terms per token, within an exact budget."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from context.coverage import (
    COVERAGE_REACH,
    FOCUS,
    MIN_WEIGHT,
    cover,
    coverage_reach,
    pack_coverage,
    signed,
)
from context.packing import NEIGHBOUR_DECAY, windows
from context.passages import GAP
from context.render import render_passages
from context.units import Unit, units_of
from core.models import Chunk, ScoredChunk
from core.tokenizer import Tokenizer
from index.bm25 import Analyzer, tokenize

Scored = Callable[..., list[ScoredChunk]]


def taker(into: list[Unit], refuse: Callable[[Unit], bool] = lambda u: False
          ) -> Callable[[Unit], bool]:
    """An `add` for `cover` that records what it takes."""

    def add(u: Unit) -> bool:
        if refuse(u):
            return False
        into.append(u)
        return True

    return add
Fetch = Callable[[str, Sequence[int]], list[Chunk]]


def unit(make_chunk: Callable[..., Chunk], i: int, text: str) -> Unit:
    chunk = make_chunk("d.md", 0, text)
    return Unit(chunk, i, (0, len(text)), frozenset(tokenize(text, Analyzer.STOPWORDS)),
                len(text.split()), True)


def test_cover_takes_new_terms_per_token_and_skips_repeats(
    make_chunk: Callable[..., Chunk]
) -> None:
    dense = unit(make_chunk, 0, "rotate keys quarterly")
    repeat = unit(make_chunk, 1, "keys rotate")  # nothing new once `dense` is in
    wordy = unit(make_chunk, 2, "the team should then also maybe revoke")
    taken: list[Unit] = []
    covered = cover([(u, 1.0) for u in (wordy, repeat, dense)], frozenset(),
                    taker(taken))
    assert taken == [dense, wordy]
    assert covered == dense.terms | wordy.terms


def test_cover_weighs_question_terms_and_candidate_weight(
    make_chunk: Callable[..., Chunk]
) -> None:
    a = unit(make_chunk, 0, "alpha beta")
    b = unit(make_chunk, 1, "gamma delta")
    order: list[Unit] = []
    cover([(a, 1.0), (b, 1.0)], frozenset({"delta"}), taker(order))
    assert order == [b, a]  # the question term breaks the tie
    order.clear()
    cover([(a, 1.0), (b, 0.5)], frozenset({"delta"}), taker(order))
    assert order == [a, b]


def test_cover_goes_on_past_a_refusal(make_chunk: Callable[..., Chunk]) -> None:
    big = unit(make_chunk, 0, "one two three four five six")
    small = unit(make_chunk, 1, "seven")
    taken: list[Unit] = []
    cover([(big, 1.0), (small, 1.0)], frozenset(), taker(taken, lambda u: u is big))
    assert taken == [small]


def test_packed_sentences_fit_exactly_and_favour_the_best_hit(
    scored: Scored, neighbours: Fetch, tokenizer: Tokenizer
) -> None:
    hits = scored(("security/keys.md#1", 0.9), ("hr/leave.md#0", 0.5))
    cands = windows(hits, COVERAGE_REACH, neighbours)
    for limit in (20, 60, 120, 400):
        passages, _ = pack_coverage(cands, "how often are keys rotated", limit, tokenizer.count)
        text = render_passages(passages)
        assert sum(p.tokens for p in passages) == tokenizer.count(text) <= limit
        assert "rotated every 90 days" in text  # the answer is in even at 20 tokens
    # hr/leave.md weighs (0.5/0.9)^10 < MIN_WEIGHT: none of it is packed, even with room.
    assert MIN_WEIGHT > (0.5 / 0.9) ** 10
    assert {p.source for p in passages} == {"security/keys.md"}


def test_left_out_sentences_are_marked_and_repeats_reported(
    make_chunk: Callable[..., Chunk], tokenizer: Tokenizer
) -> None:
    first = make_chunk("d.md", 0, "Keys rotate every 90 days. Lunch is at noon in the canteen.")
    copy = make_chunk("e.md", 0, "Keys rotate every 90 days.")
    later = make_chunk("d.md", 1, "Revoke a leaked key at once.")
    cands = [ScoredChunk(first, 1.0), ScoredChunk(copy, 0.99), ScoredChunk(later, 0.98)]
    limit = tokenizer.count(render_passages(pack_coverage(cands, "keys", 400,
                                                          tokenizer.count)[0])) - 1
    passages, repeats = pack_coverage(cands, "keys revoke", limit, tokenizer.count)
    (p,) = passages
    assert p.text == f"Keys rotate every 90 days.\n{GAP}\nRevoke a leaked key at once."
    assert p.chunk_ids == (first.id, later.id)
    assert repeats == [copy.id]


def test_reach_stops_where_neighbours_can_no_longer_weigh(scored: Scored) -> None:
    hits = scored(("ops/deploy.md#1", 1.0), ("hr/leave.md#0", 0.85), ("security/keys.md#0", 0.7))
    reach = coverage_reach(hits)
    assert reach(hits[0]) == COVERAGE_REACH and reach(hits[2]) == 0
    assert 0 < reach(hits[1]) < COVERAGE_REACH
    def weight(score: float, d: int) -> float:
        return (score * NEIGHBOUR_DECAY**d) ** FOCUS

    for h in hits[1:]:  # the last neighbour fetched weighs enough, the next would not
        r = reach(h)
        assert (r == 0 and weight(h.score, 0) < MIN_WEIGHT) or weight(h.score, r) >= MIN_WEIGHT
        assert weight(h.score, r + 1) < MIN_WEIGHT


def test_a_definition_packed_at_all_brings_its_signature_line(
    make_chunk: Callable[..., Chunk], tokenizer: Tokenizer
) -> None:
    """An API reference section (ingestion/html_parser.py): the sentence the question matches
    comes with the signature that names the API, which shares none of its words."""
    crumbs = ("shutil — High-level file operations", "shutil.copytree")
    text = ("shutil.copytree(src, dst, symlinks=False, ignore=None)\n"
            "Recursively copy an entire directory tree rooted at src to a directory named dst. "
            "Permissions and times of directories are copied with copystat(). "
            "If exception(s) occur, an Error is raised with a list of reasons.")
    chunk = make_chunk("shutil.html", 0, text, breadcrumbs=crumbs)
    question = "how do I copy a whole directory tree"
    for limit in (80, 200):
        passages, _ = pack_coverage([ScoredChunk(chunk, 1.0)], question, limit, tokenizer.count)
        packed = render_passages(passages)
        assert "Recursively copy an entire directory tree" in packed
        assert packed.count("shutil.copytree(src, dst, symlinks=False, ignore=None)") == 1
        assert sum(p.tokens for p in passages) == tokenizer.count(packed) <= limit



def test_a_definition_packed_at_all_brings_what_it_does(
    make_chunk: Callable[..., Chunk], tokenizer: Tokenizer
) -> None:
    """The signature alone ("random.choice(seq)") names the API but not what it does: with
    any of a definition's sentences come its signature and the sentence after it, once."""
    crumbs = ("random — Generate pseudo-random numbers", "random.choice")
    text = ("random.choice(seq)\n"
            "Return a random element from the non-empty sequence seq. "
            "Some unrelated remark about the generator state follows here. "
            "If seq is empty, raises IndexError.")
    units = units_of(make_chunk("random.html", 0, text, breadcrumbs=crumbs), tokenizer.count)
    offered: list[int] = []

    def take(unit: Unit) -> bool:
        offered.append(unit.index)
        return True

    add = signed(take, units)
    assert add(units[3]) and add(units[0]) and add(units[2])
    assert offered == [3, 0, 1, 2]
