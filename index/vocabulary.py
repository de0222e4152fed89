"""Whether a version's index holds a word at all, asked of the engine (no word list is kept)."""

from __future__ import annotations

from index.base import IndexStore
from index.bm25 import index_terms, query_vector


def holds(store: IndexStore, version: str, word: str) -> bool:
    """A one-term BM25 query per term of the word: any hit means some chunk holds it."""
    terms = index_terms(word)
    return bool(terms) and all(store.search_sparse(version, query_vector([t]), 1) for t in terms)
