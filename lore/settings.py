"""Settings from the environment (LORE_*) or a .env file, grouped by the stage that reads them.

Each stage declares its own group (ingestion/config.py, retrieval/config.py, ...); a group's
fields keep their flat, documented names (LORE_TOP_K fills `retrieval.top_k`), and a flat
keyword does the same (`Settings(top_k=5)`). Built once, in the composition root
(lore/compose.py), which hands each stage only its group.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from answer.config import AnswerSettings
from context.config import ContextSettings
from evaluation.config import GateSettings
from gateway.config import GatewaySettings
from guard.config import GuardSettings
from index.config import BackendSettings
from ingestion.config import IngestSettings
from pipeline.config import CacheSettings, LimitSettings, RequestSettings, RouteSettings
from retrieval.config import RetrievalSettings

ENV = SettingsConfigDict(env_prefix="LORE_", env_file=".env", extra="ignore")


class ServeSettings(BaseModel):
    model_config = {"frozen": True}

    reader_keys: list[str] = []
    admin_keys: list[str] = []
    # How often each process re-reads the registry to follow promotions made elsewhere.
    reload_seconds: float = 1.0
    # The largest request body read: a question, 50 turns of history and filters fit.
    max_body_bytes: int = 1 << 20


class ReleaseSettings(BaseModel):
    """Prompt and model versions (lore/releases.py)."""

    model_config = {"frozen": True}

    # Where `lore prompts promote` reads a new prompt version from; None: the shipped prompts/.
    prompts_dir: Path | None = None
    # Prompt and model versions kept besides the active one, the canary and the rollback
    # target: a few kilobytes each, enough to look back over months of changes.
    release_retention: int = Field(default=20, ge=1)


class ObserveSettings(BaseModel):
    model_config = {"frozen": True}

    # Local traces: two weeks answer "what happened to my question on Monday"; the count
    # bound keeps the file near a gigabyte at ~10 KB a trace.
    trace_days: float = 14.0
    trace_max: int = 100_000
    # /metrics answers without a key (for a scraper on a private network); otherwise it needs
    # an admin key, sent by the scraper as a bearer token.
    metrics_public: bool = False
    # Off: no trace is kept, counted or exported (timings_ms still comes from the spans).
    tracing: bool = True


class Settings(BaseSettings):
    model_config = ENV

    home: Path = Path(".lore")
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    backend: BackendSettings = Field(default_factory=BackendSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    context: ContextSettings = Field(default_factory=ContextSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    request: RequestSettings = Field(default_factory=RequestSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    guard: GuardSettings = Field(default_factory=GuardSettings)
    gate: GateSettings = Field(default_factory=GateSettings)
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
    observe: ObserveSettings = Field(default_factory=ObserveSettings)
    route: RouteSettings = Field(default_factory=RouteSettings)
    release: ReleaseSettings = Field(default_factory=ReleaseSettings)

    @model_validator(mode="before")
    @classmethod
    def _groups(cls, data: Any) -> Any:
        """Each group from its flat LORE_* variables, then what was passed for it, nested or
        flat."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, group in _groups().items():
            given = data.get(name)
            if isinstance(given, BaseModel):
                continue
            flat = {k: data.pop(k) for k in list(data) if k in group.model_fields}
            data[name] = {**_from_env(group), **(given or {}), **flat}
        return data

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Settings from flat keywords, as the environment names them: `of(top_k=5)`."""
        return cls.model_validate(values)

    def changed(self, **values: Any) -> Settings:
        """A copy with flat keyword changes: `settings.changed(top_k=5)`."""
        return type(self).model_validate({**self.model_dump(), **values})


@cache
def _groups() -> dict[str, type[BaseModel]]:
    fields = Settings.model_fields.items()
    return {n: f.annotation for n, f in fields
            if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)}


def _from_env(group: type[BaseModel]) -> dict[str, Any]:
    """The group's fields set in the environment or .env, decoded as pydantic-settings does."""
    reader = _reader(group)
    return reader().model_dump(exclude_unset=True)


@cache
def _reader(group: type[BaseModel]) -> type[BaseSettings]:
    """The group as a settings class of its own: the same fields, read from LORE_*."""
    return type(f"{group.__name__}FromEnv", (BaseSettings, group), {"model_config": ENV})


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
