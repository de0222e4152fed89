"""The FastAPI application: the query side is built once, in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.auth import is_open
from api.routes import health, qa, versions
from ingestion.cleanup import reap
from lore.compose import Lore, build
from lore.offline import stay_offline
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


def create_app(settings: Settings | None = None, lore: Lore | None = None) -> FastAPI:
    """`lore` lets a caller share an already-built query side (tests); without one the app
    builds its own at start-up and tunes it for serving (`lore serve`)."""
    stay_offline()
    settings = settings or (lore.settings if lore is not None else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if is_open(settings):
            log.warning("no API keys configured: every route is open (set LORE_READER_KEYS / "
                        "LORE_ADMIN_KEYS for anything but local use)")
        if lore is None:  # the app owns the model: tune it for serving single queries
            limit_query_threads()
        app.state.lore = lore or build(settings)
        reap(app.state.lore.store, app.state.lore.registry)  # builds whose builder died
        app.state.lore.active.refresh()
        yield
        if lore is None:
            app.state.lore.close()

    app = FastAPI(title="lore", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    errors.install(app)
    for module in (health, qa, versions):
        app.include_router(module.router)
    return app
