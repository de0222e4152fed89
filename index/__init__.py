"""Immutable, versioned Qdrant index: one shard or collection per version."""
