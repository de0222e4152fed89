"""A streamed answer, whatever the wire format: the ask flow runs in a worker thread with a
sink on the query, and the event loop only relays what the sink receives to the route's
renderer (/ask's named events, /v1/chat/completions' chunks).

An error before generation starts (validation, no active version, a limit) is raised to the
route, which answers it with its status as JSON; after that everything is an event, and the
last one is Finished. A client that hangs up stops the worker at its next event.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any

from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from answer.base import Event
from core.tracing import Trace
from lore.compose import Lore
from pipeline.state import Opened, Query, State

# Proxies (nginx) buffer responses unless told not to: a stream must reach the client as sent.
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class ClientGone(Exception):
    """Raised into the flow by the sink once the client has hung up: stop generating."""


@dataclass(frozen=True)
class Finished:
    result: tuple[State, Trace] | BaseException


Item = Opened | Event | Finished
# Turns the flow's items (Opened, the generator's events, then one Finished) into the body.
Render = Callable[[AsyncIterator[Item]], AsyncIterator[str]]


async def streamed(lore: Lore, query: Query, trace: Trace, render: Render) -> StreamingResponse:
    """Starts the flow in a worker thread; raises its error when it fails before generation
    starts, else answers with what `render` makes of its items, as server-sent events."""
    loop, events = asyncio.get_running_loop(), asyncio.Queue[Any]()
    gone = threading.Event()

    def sink(event: object) -> None:
        if gone.is_set():
            raise ClientGone
        loop.call_soon_threadsafe(events.put_nowait, event)

    def work() -> None:
        result: tuple[State, Trace] | BaseException
        try:
            result = lore.ask(replace(query, sink=sink), trace)
        except BaseException as exc:  # handed to the event loop, which reports it
            result = exc
        loop.call_soon_threadsafe(events.put_nowait, Finished(result))

    worker = asyncio.ensure_future(run_in_threadpool(work))
    first = await events.get()
    if isinstance(first, Finished) and isinstance(first.result, BaseException):
        raise first.result
    return StreamingResponse(_relay(first, events, gone, worker, render),
                             media_type="text/event-stream", headers=STREAM_HEADERS)


async def _relay(first: Item, events: asyncio.Queue[Any], gone: threading.Event,
                 worker: asyncio.Future[None], render: Render) -> AsyncIterator[str]:
    """`worker` is held here so that its task lives as long as the stream it feeds."""

    async def items() -> AsyncIterator[Item]:
        item = first
        while not isinstance(item, Finished):
            yield item
            item = await events.get()
        yield item

    try:
        async for chunk in render(items()):
            yield chunk
    finally:
        gone.set()  # a client that hung up stops the worker at its next event
