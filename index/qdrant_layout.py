"""How a version's collection is laid out on a Qdrant server or cluster: BackendSettings as the
arguments of `create_collection` and the search parameters that go with them."""

from __future__ import annotations

from typing import Any

from qdrant_client import models

from index.base import DENSE, SPARSE
from index.config import BackendSettings, Quantization

# int8's range per dimension: the 0.99 quantile, so a few outliers do not flatten the rest.
INT8_QUANTILE = 0.99


def create_args(layout: BackendSettings, dim: int) -> dict[str, Any]:
    """Keyword arguments for `QdrantClient.create_collection` (all but the name)."""
    quantization = None
    if layout.qdrant_quantization is Quantization.INT8:
        quantization = models.ScalarQuantization(scalar=models.ScalarQuantizationConfig(
            type=models.ScalarType.INT8, quantile=INT8_QUANTILE, always_ram=True))
    dense = models.VectorParams(size=dim, distance=models.Distance.COSINE,
                                on_disk=layout.qdrant_on_disk_vectors)
    # The BM25 postings follow the dense vectors: both are what a query scores.
    sparse = models.SparseVectorParams(
        modifier=models.Modifier.IDF,
        index=models.SparseIndexParams(on_disk=layout.qdrant_on_disk_vectors))
    return {
        "vectors_config": {DENSE: dense},
        "sparse_vectors_config": {SPARSE: sparse},
        "shard_number": layout.qdrant_shards,
        "replication_factor": layout.qdrant_replicas,
        "write_consistency_factor": layout.qdrant_write_consistency,
        "on_disk_payload": layout.qdrant_on_disk_payload,
        "hnsw_config": models.HnswConfigDiff(m=layout.qdrant_hnsw_m,
                                             ef_construct=layout.qdrant_hnsw_ef_construct),
        "quantization_config": quantization,
    }


def search_params(layout: BackendSettings) -> models.SearchParams | None:
    """Dense searches on int8 vectors oversample and rescore with the originals."""
    if layout.qdrant_quantization is Quantization.NONE:
        return None
    return models.SearchParams(quantization=models.QuantizationSearchParams(
        rescore=True, oversampling=layout.qdrant_oversampling))
