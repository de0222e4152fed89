"""A lean HTTP/1.1 load generator for the throughput benchmark: asyncio streams, no client
library, so the load it puts on the shared cores stays a small share of the server's.

Each client sends one request at a time; `keep_alive=False` opens a connection per request,
which lets whichever `lore serve` worker is free accept it (with kept-alive connections, the
split between workers is fixed when the connections open).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    workers: dict[str, int] = field(default_factory=dict)  # x-lore-worker -> responses
    errors: int = 0
    probes: list[float] = field(default_factory=list)  # probe() at the window's start and end


def request(path: str, body: dict, keep_alive: bool) -> bytes:
    data = json.dumps(body).encode()
    connection = b"keep-alive" if keep_alive else b"close"
    head = (f"POST {path} HTTP/1.1\r\nHost: lore\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n").encode() + b"Connection: " + connection
    return head + b"\r\n\r\n" + data


async def _response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = (line.partition(":") for line in lines[1:] if line)
    headers = {k.strip().lower(): v.strip() for k, _, v in fields}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers


async def _client(host: str, port: int, bodies: Sequence[bytes], start: int, keep_alive: bool,
                  until: float, counting: float, tally: Tally) -> None:
    streams = None
    i = start
    while time.monotonic() < until:
        if streams is None:
            streams = await asyncio.open_connection(host, port)
        reader, writer = streams
        sent = time.monotonic()
        writer.write(bodies[i % len(bodies)])
        status, headers = await _response(reader)
        done = time.monotonic()
        i += 1
        if not keep_alive or headers.get("connection") == "close":
            writer.close()
            streams = None
        if sent < counting:
            continue  # warm-up: not counted
        if status != 200:
            tally.errors += 1
            continue
        tally.latencies_ms.append((done - sent) * 1000)
        worker = headers.get("x-lore-worker", "?")
        tally.workers[worker] = tally.workers.get(worker, 0) + 1
    if streams is not None:
        streams[1].close()


def run(host: str, port: int, bodies: Sequence[bytes], clients: int, warm_s: float,
        measure_s: float, keep_alive: bool, probe: Callable[[], float]) -> Tally:
    """`clients` concurrent clients for warm_s + measure_s seconds; only requests sent in the
    measured window count, and `probe` (the server's CPU time) is read at both its ends."""
    tally = Tally()

    async def mark(at: float) -> None:
        await asyncio.sleep(at - time.monotonic())
        tally.probes.append(probe())

    async def main() -> None:
        now = time.monotonic()
        counting, until = now + warm_s, now + warm_s + measure_s
        await asyncio.gather(mark(counting), mark(until), *(
            _client(host, port, bodies, c * 7, keep_alive, until, counting, tally)
            for c in range(clients)))

    asyncio.run(main())
    return tally
