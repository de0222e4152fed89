"""A fault-injecting OpenAI-compatible chat-completions server, for failure paths only (the
happy path runs against the real local model).

Each request takes the next behaviour of its script (then the default one):
  ok          a well-cited answer: the first sentence of passage [1], then " [1]"; with a
              continuation request, the part of that answer not yet written
  ok_no_usage the same, without a `usage` object
  fail        500
  rate        429 with Retry-After: `retry_after` seconds
  unauthorized 401
  bad_request 400, as llama.cpp answers a prompt over its context
  echo_key    500 whose message repeats the request's Authorization header (a careless proxy)
  hang        accepts and never answers (until the server stops)
  die_before  closes the connection without a byte of response
  die_after   200, the first DIE_AFTER_WORDS words of the answer as stream chunks, then
              closes the connection mid-stream
  slow        streams SLOW_WORDS words, one every SLOW_PAUSE_S; `cut` is set when the
              client hangs up before the end
A refused connection is a port with nothing on it: `closed_port()`.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "fault-model"
DIE_AFTER_WORDS = 3
# A long, slow answer: a client has time to hang up in the middle of it.
SLOW_WORDS, SLOW_PAUSE_S = 400, 0.05
# A hang lasts at most this long, so a stuck test still ends; far above any deadline used.
HANG_LIMIT_S = 60.0


@dataclass
class Seen:
    at: float  # time.monotonic() when the request arrived
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FaultServer:
    default: str = "ok"
    script: list[str] = field(default_factory=list)
    retry_after: float = 1.0
    seen: list[Seen] = field(default_factory=list)
    base_url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)
    cut: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def answer_for(messages: list[dict[str, str]]) -> str:
    """What a good model would say: passage [1]'s first sentence, cited; continued where a
    previous provider stopped when the request carries its partial answer."""
    user = next(m["content"] for m in messages if m["role"] == "user")
    found = re.search(r"\[1\]\n\[[^\n]*\]\n(.+?[.!?])(\s|$)", user, re.S)
    full = f"{found.group(1).strip()} [1]" if found else "Not found in the indexed documents."
    tail = messages[-2] if len(messages) >= 2 else {}
    partial = tail["content"] if tail.get("role") == "assistant" else ""
    return full[len(partial):] if partial and full.startswith(partial) else full


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    event = {"object": "chat.completion.chunk", "model": MODEL,
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(event)}\n\n".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})

    def do_POST(self) -> None:
        state: FaultServer = self.server.state
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        state.seen.append(Seen(time.monotonic(), body, dict(self.headers)))
        mode = state.next()
        text = answer_for(body["messages"])
        if mode == "fail":
            self._json(500, {"error": {"message": "injected failure", "type": "server_error"}})
        elif mode == "rate":
            self._json(429, {"error": {"message": "slow down"}},
                       {"Retry-After": f"{state.retry_after:g}"})
        elif mode == "echo_key":
            self._json(500, {"error": {"message": f"bad auth {self.headers['authorization']}"}})
        elif mode == "bad_request":
            self._json(400, {"error": {"message": "the request exceeds the context size"}})
        elif mode == "unauthorized":
            self._json(401, {"error": {"message": "Invalid API Key"}})
        elif mode == "hang":
            state.stopping.wait(HANG_LIMIT_S)
            self.close_connection = True
        elif mode == "die_before":
            self.close_connection = True
        elif mode == "slow":
            self._slow(state)
        elif mode == "die_after":
            self._stream(text.split(" ")[:DIE_AFTER_WORDS], finish=False)
        elif body.get("stream"):
            self._stream(re.findall(r"\S+\s*", text), finish=True, usage=mode == "ok")
        else:
            usage = {"prompt_tokens": 100, "completion_tokens": len(text.split())}
            self._json(200, {"object": "chat.completion", "model": MODEL, "choices": [{
                "index": 0, "message": {"role": "assistant", "content": text},
                "finish_reason": "stop"}], **({"usage": usage} if mode == "ok" else {})})

    def _json(self, code: int, data: dict[str, Any], headers: dict[str, str] | None = None
              ) -> None:
        raw = json.dumps(data).encode()
        self.send_response(code)
        for k, v in {"Content-Type": "application/json", "Content-Length": str(len(raw)),
                     **(headers or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def _stream(self, pieces: list[str], finish: bool, usage: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(_chunk({"role": "assistant", "content": ""}))
        for piece in pieces:  # die_after: words with their spaces, as a model streams them
            self.wfile.write(_chunk({"content": piece if finish else piece + " "}))
            self.wfile.flush()
        if not finish:
            self.connection.shutdown(socket.SHUT_RDWR)  # dies mid-stream: no finish, no [DONE]
            return
        self.wfile.write(_chunk({}, "stop"))
        if usage:
            tail = {"choices": [], "usage": {"prompt_tokens": 100,
                                             "completion_tokens": len(pieces)}}
            self.wfile.write(f"data: {json.dumps(tail)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")


    def _slow(self, state: FaultServer) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for _ in range(SLOW_WORDS):
                self.wfile.write(_chunk({"content": "word "}))
                self.wfile.flush()
                time.sleep(SLOW_PAUSE_S)
        except OSError:  # the client went away
            state.cut.set()


@contextmanager
def fault_server(default: str = "ok", script: list[str] | None = None,
                 retry_after: float = 1.0) -> Iterator[FaultServer]:
    state = FaultServer(default, list(script or []), retry_after)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.state = state  # type: ignore[attr-defined]
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    # A short poll: shutdown() waits up to one interval, at every test's end.
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        httpd.shutdown()
        httpd.server_close()


def closed_port() -> str:
    """The base URL of a loopback port nothing listens on: connections are refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/v1"
