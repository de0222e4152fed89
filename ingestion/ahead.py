"""Run a function over items one background thread ahead of the caller: files are parsed and
chunked while the caller embeds the chunks of earlier ones (onnxruntime and torch release the
GIL inside the model, so the two overlap)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ahead(items: Iterable[T], fn: Callable[[T], R], depth: int) -> Generator[R, None, None]:
    """fn(item) for each item, in order, computed at most `depth` items before they are taken
    (bounded memory). An exception from fn is raised where its result is taken."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lore-ahead")
    source = iter(items)
    queued: deque[Future[R]] = deque()

    def refill() -> None:
        while len(queued) < depth:
            item = next(source, _END)
            if item is _END:
                return
            queued.append(pool.submit(fn, item))  # type: ignore[arg-type]

    try:
        refill()
        while queued:
            result = queued.popleft().result()
            refill()
            yield result
    finally:  # the caller stopped early (an error, Ctrl-C): drop what was not started
        pool.shutdown(wait=True, cancel_futures=True)


_END = object()
