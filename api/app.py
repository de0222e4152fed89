"""The FastAPI application: heavy objects load once in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.auth import is_open
from api.routes import health, qa, versions
from lore.qa import QAService
from lore.settings import Settings, get_settings

log = logging.getLogger("lore.api")

# Torch intra-op threads per process while serving. A query is one short text: splitting it
# over threads gains little, and on a busy 2-core host the threads spin-wait against each
# other and against concurrent requests (p50 embed 265 ms with 2 threads vs 27 ms with 1 under
# load; docs/benchmarks.md, "Query latency").
QUERY_THREADS = 1


def limit_query_threads() -> None:
    import torch

    torch.set_num_threads(QUERY_THREADS)


def create_app(settings: Settings | None = None, service: QAService | None = None) -> FastAPI:
    """`service` lets a caller share an already-loaded service (tests); without one the app
    loads its own at start-up and tunes it for serving (`lore serve`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        s = app.dependency_overrides.get(get_settings, get_settings)()
        if is_open(s):
            log.warning("no API keys configured: every route is open (set LORE_READER_KEYS / "
                        "LORE_ADMIN_KEYS for anything but local use)")
        if service is None:  # the app owns the model: tune it for serving single queries
            limit_query_threads()
        app.state.service = service or QAService.load(s)
        app.state.service.active.refresh()
        yield
        if service is None:
            app.state.service.close()

    app = FastAPI(title="lore", version="0.1.0", lifespan=lifespan)
    if settings is not None:
        app.dependency_overrides[get_settings] = lambda: settings
    errors.install(app)
    for module in (health, qa, versions):
        app.include_router(module.router)
    return app
