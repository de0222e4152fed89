from __future__ import annotations

from collections.abc import Callable

from core.models import Breakdown, Chunk, ScoredChunk
from retrieval.dedupe import dedupe, jaccard, normalise, shingles

MakeChunk = Callable[..., Chunk]

POLICY = (
    "Production API keys are rotated every 90 days by the platform team. A rotation opens a "
    "ticket, issues the new key to every consumer, and revokes the old key after one week of "
    "overlap so that deploys in flight do not fail."
)


def scored(chunk: Chunk, score: float) -> ScoredChunk:
    return ScoredChunk(chunk, score)


def test_identical_copies_collapse_to_the_best_scored(make_chunk: MakeChunk) -> None:
    official = make_chunk("official", POLICY, source="policies/keys.md", trust=1.0)
    copy = make_chunk("copy", POLICY, source="scratch/keys-copy.md", trust=0.3)
    other = make_chunk("other", "Vacation requests go through Workday.")
    kept, dupes = dedupe([scored(other, 0.9), scored(official, 0.8), scored(copy, 0.6)])
    assert [h.chunk.id for h in kept] == ["other", "official"]  # input order kept
    assert [(d.chunk.chunk.id, d.kept_id) for d in dupes] == [("copy", "official")]


def test_equal_scores_keep_the_most_trusted(make_chunk: MakeChunk) -> None:
    a = make_chunk("a", POLICY, trust=0.5)
    b = make_chunk("b", POLICY, trust=0.9)
    kept, dupes = dedupe([scored(a, 0.6), scored(b, 0.6)])
    assert [h.chunk.id for h in kept] == ["b"]
    assert [(d.chunk.chunk.id, d.kept_id) for d in dupes] == [("a", "b")]


def test_higher_score_wins_over_trust(make_chunk: MakeChunk) -> None:
    # e.g. a newer copy when freshness is enabled: its content stays in the results.
    old, new = make_chunk("old", POLICY, trust=1.0), make_chunk("new", POLICY, trust=0.5)
    kept, _ = dedupe([scored(new, 0.7), scored(old, 0.1)])
    assert [h.chunk.id for h in kept] == ["new"]


def test_normalised_text_equality(make_chunk: MakeChunk) -> None:
    a = make_chunk("a", POLICY)
    b = make_chunk("b", "  " + POLICY.upper().replace(" ", "   ").replace(",", " ;") + "\n")
    assert a.content_hash != b.content_hash
    kept, dupes = dedupe([scored(a, 0.5), scored(b, 0.5)])
    assert len(kept) == 1 and len(dupes) == 1


def test_near_identical_with_one_word_edited(make_chunk: MakeChunk) -> None:
    a = make_chunk("a", POLICY)
    b = make_chunk("b", POLICY.replace("platform team", "infra team"))
    assert jaccard(shingles(normalise(a.text)), shingles(normalise(b.text))) >= 0.8
    kept, _ = dedupe([scored(a, 0.5), scored(b, 0.5)])
    assert len(kept) == 1


def test_overlapping_neighbours_are_not_duplicates(make_chunk: MakeChunk) -> None:
    first, second = POLICY.split(". ", 1)
    a = make_chunk("a", first + ". Keys live in the vault.")
    b = make_chunk("b", "Keys live in the vault. " + second)
    kept, dupes = dedupe([scored(a, 0.5), scored(b, 0.4)])
    assert len(kept) == 2 and dupes == []


def test_short_texts_compare_whole(make_chunk: MakeChunk) -> None:
    a, b = make_chunk("a", "Yes."), make_chunk("b", "No.")
    kept, _ = dedupe([scored(a, 0.5), scored(b, 0.5)])
    assert len(kept) == 2


def test_limit_stops_once_enough_distinct_chunks_are_kept(make_chunk: MakeChunk) -> None:
    texts = [f"Policy {i}: badge readers on floor {i} log every entry." for i in range(6)]
    hits = [scored(make_chunk(f"c{i}", t), 1.0 - i / 10) for i, t in enumerate(texts)]
    copy = scored(make_chunk("copy", texts[0], source="scratch/copy.md"), 0.95)
    kept, dupes = dedupe([hits[0], copy, *hits[1:]], limit=3)
    assert [h.chunk.id for h in kept] == ["c0", "c1", "c2"]
    assert [(d.chunk.chunk.id, d.kept_id) for d in dupes] == [("copy", "c0")]


def test_shingle_sets_of_very_different_size_are_not_compared_as_copies(
    make_chunk: MakeChunk,
) -> None:
    short = make_chunk("short", POLICY.split(".")[0])
    kept, _ = dedupe([scored(make_chunk("long", POLICY), 0.9), scored(short, 0.8)])
    assert [h.chunk.id for h in kept] == ["long", "short"]


def test_the_limit_follows_the_ranking_spread_over_sources(make_chunk: MakeChunk) -> None:
    """A page's second chunk ranked below another page's best (its diversity halves it) is the
    one the limit leaves out, though its own score is higher."""
    first = scored(make_chunk("a0", "Badge readers log every entry.", source="a.md"), 0.9)
    second = ScoredChunk(make_chunk("a1", "Visitors sign in at reception.", source="a.md"), 0.85,
                         Breakdown(diversity=0.5))
    other = scored(make_chunk("b0", "Lost badges are blocked within the hour.", source="b.md"),
                   0.8)
    kept, _ = dedupe([first, other, second], limit=2)
    assert [h.chunk.id for h in kept] == ["a0", "b0"]
