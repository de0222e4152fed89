"""Hybrid retrieval: dense + BM25, fused, trust-weighted."""
