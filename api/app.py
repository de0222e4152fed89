"""The FastAPI application: the query side is built once, in the lifespan."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api import errors
from api.auth import is_open
from api.body import BodyLimit
from api.routes import (
    approvals,
    guard,
    health,
    observe,
    openai,
    ops,
    prompts,
    qa,
    ui,
    versions,
)
from ingestion.cleanup import reap
from lore.admin import approvals_of
from lore.compose import Lore, build
from lore.metrics import state_registry
from lore.offline import stay_offline
from lore.settings import Settings, get_settings

log = logging.getLogger("lore.api")

# Torch intra-op threads per process while serving. A query is one short text: splitting it
# over threads gains little, and on a busy 2-core host the threads spin-wait against each
# other and against concurrent requests (p50 embed 265 ms with 2 threads vs 27 ms with 1 under
# load; docs/benchmarks.md, "Query latency").
QUERY_THREADS = 1


def limit_query_threads() -> None:
    """Only where torch embeds questions (`query_encoder=torch`, or the ONNX fallback): a
    worker serving on onnxruntime never imports torch (~2 s and ~150 MB per process)."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(QUERY_THREADS)


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGI = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                Awaitable[None]]


class WorkerHeader:
    """`x-lore-worker: <pid>` on every response: which of `lore serve --workers N`'s processes
    answered, for operators and load tests (plain ASGI: no per-request task or copy)."""

    def __init__(self, app: ASGI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        header = (b"x-lore-worker", str(os.getpid()).encode())

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, named)


def factory() -> FastAPI:
    """The import string `lore serve` hands uvicorn (`api.app:factory`): every worker process
    builds its own app, model and index handles from the environment the parent set
    (LORE_HOME and any LORE_* setting)."""
    return create_app(Settings())


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
        app.state.lore = lore or build(settings)
        if lore is None:  # the app owns the model: tune it for serving single queries
            limit_query_threads()
        app.state.approvals = approvals_of(settings)
        app.state.metrics_state = state_registry(app.state.lore.registry, settings.home)
        reap(app.state.lore.store, app.state.lore.registry)  # builds whose builder died
        app.state.lore.active.refresh()
        yield
        app.state.approvals.close()
        if lore is None:
            app.state.lore.close()

    app = FastAPI(title="lore", version="0.1.0", lifespan=lifespan, responses=errors.RESPONSES)
    app.state.settings = settings
    app.add_middleware(BodyLimit, limit=settings.serve.max_body_bytes)
    app.add_middleware(WorkerHeader)
    errors.install(app)
    for module in (health, qa, openai, guard, versions, prompts, approvals, observe, ops, ui):
        app.include_router(module.router)
    return app
