"""The OpenAI-compatible chat-completions provider over httpx: OpenAI, Azure OpenAI (by base
URL), vLLM, Ollama, llama.cpp's server, a LiteLLM proxy.

One httpx.Client per provider, reused by every request (it pools connections and is safe to
share between threads). Every failure becomes a gateway Failure of a named kind; the key is
sent only in the Authorization header and scrubbed from any message a server echoes back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from gateway.config import ProviderSpec
from gateway.errors import Failure, Kind

# Of an error body, what a message keeps: enough to say what the server objected to.
MAX_DETAIL = 200
DONE = "[DONE]"


@dataclass(frozen=True)
class Completion:
    """The end of an answer: why it stopped and, when the server said, what it used."""

    finish_reason: str
    input_tokens: int | None = None
    output_tokens: int | None = None


Chunk = str | Completion  # text as it arrives, then one Completion


class OpenAIProvider:
    def __init__(self, spec: ProviderSpec) -> None:
        self.name = spec.name
        self.system = spec.system  # gen_ai.system
        self.spec = spec
        key = spec.api_key.get_secret_value() if spec.api_key else ""
        self._key = key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(base_url=spec.base_url.rstrip("/") + "/", headers=headers)

    @property
    def address(self) -> str:
        """host:port of the base URL, without any credentials in it: safe to show."""
        parts = urlsplit(self.spec.base_url)
        return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)

    def __repr__(self) -> str:
        return f"OpenAIProvider({self.name!r}, {self.address})"

    def close(self) -> None:
        self._client.close()

    def chat(self, body: dict[str, Any], deadline: float) -> Generator[Chunk, None, None]:
        """POST /chat/completions: the text (in pieces when `body["stream"]`), then a
        Completion. Raises Failure; past `deadline` as Kind.TIMEOUT."""
        started = False  # the server answered 200: a later error breaks the stream
        try:
            with self._client.stream("POST", "chat/completions", json=body,
                                     timeout=self._timeout(deadline)) as response:
                if response.status_code >= 400:
                    response.read()
                    raise self._refusal(response)
                started = True
                if body.get("stream"):
                    yield from self._events(response, deadline)
                else:
                    yield from self._whole(response, deadline)
        except httpx.TimeoutException as exc:
            raise Failure(Kind.TIMEOUT, f"{self.name}: no answer in time ({type(exc).__name__})"
                          ) from None
        except httpx.TransportError as exc:
            kind = Kind.BROKEN_STREAM if started else Kind.CONNECTION
            raise Failure(kind, f"{self.name}: {type(exc).__name__}: {self._scrub(str(exc))}"
                          ) from None

    def models(self, seconds: float) -> list[str]:
        """The ids GET /models lists: a cheap probe that the provider is up and the key works."""
        deadline = time.monotonic() + seconds
        try:
            response = self._client.get("models", timeout=self._timeout(deadline))
        except httpx.TimeoutException:
            raise Failure(Kind.TIMEOUT, f"{self.name}: no answer in {seconds:g} s") from None
        except httpx.TransportError as exc:
            raise Failure(Kind.CONNECTION, f"{self.name}: {type(exc).__name__}") from None
        if response.status_code >= 400:
            raise self._refusal(response)
        return [m.get("id", "") for m in self._json(response.content).get("data", [])]

    def _timeout(self, deadline: float) -> httpx.Timeout:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(Kind.DEADLINE, f"{self.name}: the request's deadline had passed")
        wait = min(self.spec.timeout_seconds, left)
        connect = min(self.spec.connect_seconds, left)
        return httpx.Timeout(wait, connect=connect, pool=connect)

    def _events(self, response: httpx.Response, deadline: float) -> Iterator[Chunk]:
        finish, usage = None, None
        for line in response.iter_lines():
            _in_time(self.name, deadline)
            if not line.startswith("data:"):
                continue  # blank separators, comments, event names
            data = line[5:].strip()
            if data == DONE:
                break
            event = self._json(data.encode())
            if "error" in event:
                raise Failure(Kind.SERVER_ERROR, f"{self.name}: error mid-stream: "
                              f"{self._scrub(str(event['error']))[:MAX_DETAIL]}")
            usage = event.get("usage") or usage
            for choice in event.get("choices") or []:
                text = (choice.get("delta") or {}).get("content")
                if text:
                    yield text
                finish = choice.get("finish_reason") or finish
        if finish is None:
            raise Failure(Kind.BROKEN_STREAM, f"{self.name}: the stream ended before its end")
        yield _completion(finish, usage)

    def _whole(self, response: httpx.Response, deadline: float) -> Iterator[Chunk]:
        body = b""
        for part in response.iter_bytes():
            _in_time(self.name, deadline)
            body += part
        data = self._json(body)
        try:
            choice = data["choices"][0]
            text, finish = choice["message"].get("content") or "", choice.get("finish_reason")
        except (KeyError, IndexError, TypeError, AttributeError):
            raise Failure(Kind.BAD_RESPONSE, f"{self.name}: no choices[0].message") from None
        if text:
            yield text
        yield _completion(finish or "stop", data.get("usage"))

    def _json(self, raw: bytes) -> dict[str, Any]:
        try:
            data = json.loads(raw)
        except ValueError:
            raise Failure(Kind.BAD_RESPONSE, f"{self.name}: the answer is not JSON") from None
        if not isinstance(data, dict):
            raise Failure(Kind.BAD_RESPONSE, f"{self.name}: the answer is not a JSON object")
        return data

    def _refusal(self, response: httpx.Response) -> Failure:
        code = response.status_code
        detail = f"{self.name}: HTTP {code}: {self._scrub(response.text)[:MAX_DETAIL]}"
        if code == 429:
            return Failure(Kind.RATE_LIMITED, detail,
                           retry_after=retry_after(response.headers.get("retry-after")))
        if code in (401, 403):
            return Failure(Kind.UNAUTHORIZED, detail)
        if code == 408:
            return Failure(Kind.TIMEOUT, detail)
        return Failure(Kind.SERVER_ERROR if code >= 500 else Kind.BAD_REQUEST, detail)

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text


def _in_time(name: str, deadline: float) -> None:
    if time.monotonic() > deadline:
        raise Failure(Kind.TIMEOUT, f"{name}: the request's deadline passed mid-answer")


def _completion(finish: str, usage: Any) -> Completion:
    usage = usage if isinstance(usage, dict) else {}
    return Completion(finish, usage.get("prompt_tokens"), usage.get("completion_tokens"))


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for: a number of seconds, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
