"""Collapse near-duplicate chunks (the same text from copied files) to one.

Two chunks are duplicates when their content hashes are equal, their normalised texts are
equal (case, punctuation and spacing ignored), or their word 3-shingle sets overlap by at
least NEAR_DUPLICATE (a copy with a word or two edited). Of each group the best-ranked chunk
is kept (`ScoredChunk.rank_score`): the final score already weighs trust (and freshness, when
enabled), so that is the copy the trust weight prefers; on equal scores the more trusted copy
wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from core.models import ScoredChunk
from core.text import jaccard, normalise, shingles

# Jaccard on 3-shingles: one edited word costs 3 shingles, so a 40-word chunk still scores
# 0.86 and a 150-word one 0.96, while neighbouring chunks sharing only the chunker's overlap
# (~15% of a chunk) stay far below.
NEAR_DUPLICATE = 0.8


@dataclass(frozen=True)
class Duplicate:
    chunk: ScoredChunk  # the collapsed copy
    kept_id: str  # the chunk that represents it in the results


@dataclass(frozen=True)
class _Fingerprint:
    content_hash: str
    text: str  # normalised
    grams: frozenset[int]

    def same(self, other: _Fingerprint, threshold: float) -> bool:
        if self.content_hash == other.content_hash or self.text == other.text:
            return True
        small, large = sorted((len(self.grams), len(other.grams)))
        if small < threshold * large:  # Jaccard <= small/large: cannot reach the threshold
            return False
        return jaccard(self.grams, other.grams) >= threshold


# Pure in the text, and the chunks a corpus's questions reach recur from query to query; 4k
# fingerprints of ~200 words are a few MB.
@lru_cache(maxsize=4096)
def _fingerprint(content_hash: str, text: str) -> _Fingerprint:
    normalised = normalise(text)
    return _Fingerprint(content_hash, normalised, shingles(normalised))


def dedupe(
    hits: Sequence[ScoredChunk], threshold: float = NEAR_DUPLICATE, limit: int | None = None
) -> tuple[list[ScoredChunk], list[Duplicate]]:
    """Kept chunks in their input order, and every collapsed copy with the id it merged into.

    With `limit`, stops once that many chunks are kept: the rest could never be shown, and
    shingling them was most of the cost of a search on a corpus full of copies.
    """
    preferred = sorted(hits, key=lambda h: (-h.rank_score, -h.chunk.trust, h.chunk.id))
    kept: list[tuple[str, _Fingerprint]] = []
    by_hash: dict[str, str] = {}
    dupes: list[Duplicate] = []
    for hit in preferred:
        if limit is not None and len(kept) >= limit:
            break
        twin = by_hash.get(hit.chunk.content_hash)  # exact copies need no shingles
        if twin is None:
            fp = _fingerprint(hit.chunk.content_hash, hit.chunk.text)
            twin = next((cid for cid, other in kept if fp.same(other, threshold)), None)
        if twin is None:
            kept.append((hit.chunk.id, fp))
            by_hash[hit.chunk.content_hash] = hit.chunk.id
        else:
            dupes.append(Duplicate(chunk=hit, kept_id=twin))
    kept_ids = {cid for cid, _ in kept}
    return [h for h in hits if h.chunk.id in kept_ids], dupes
