"""Which index backend serves (lore/settings.py reads these as LORE_*)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class BackendSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    # Empty: embedded Qdrant Edge under LORE_HOME; a URL: a Qdrant server or cluster.
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
