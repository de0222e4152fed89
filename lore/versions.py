"""Version rows as the CLI (`lore versions --json`) and the API (`GET /versions`) show them."""

from __future__ import annotations

from typing import Any

from index.base import VersionRegistry
from lore.feedback import FeedbackStore
from lore.stats import ServingStats


def version_rows(
    registry: VersionRegistry, stats: ServingStats | None = None,
    feedback: FeedbackStore | None = None,
) -> list[dict[str, Any]]:
    active = registry.active()
    canary_id, percent = registry.canary() or (None, 0)
    served = stats.summary() if stats is not None else {}
    rated = feedback.per_version() if feedback is not None else {}
    return [
        {
            "id": v.id,
            "status": str(v.status),
            "active": active is not None and v.id == active.id,
            "documents": v.documents,
            "chunks": v.chunks,
            "created_at": v.created_at,
            "embedding_model": v.embedding_model,
            "fingerprint": v.fingerprint,
            "eval": v.eval,
            "error": v.error,
            "serving": served.get(v.id),
            "feedback": rated.get(v.id),
            "canary_percent": percent if v.id == canary_id else None,
        }
        for v in registry.list()
    ]
