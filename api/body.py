"""A bound on request bodies: nothing larger than the limit is read into memory."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """ASGI middleware: 413 for a Content-Length over `limit`, and for a body that turns out
    longer as it arrives (chunked uploads declare no length)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        # Read the whole body here (JSON routes read it all anyway), refusing it as soon as it
        # passes the limit; the app then reads it from memory.
        messages: list[Message] = []
        seen, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                messages.append(message)  # a disconnect: the app sees it
                break
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await self._refuse(send)
                return
            messages.append(message)
            more = message.get("more_body", False)

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"error": "PayloadTooLarge", "detail": (
            f"the request body is over {self.limit} bytes: send a shorter question or "
            "history (LORE_MAX_BODY_BYTES)")}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

