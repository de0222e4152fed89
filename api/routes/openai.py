"""The OpenAI-compatible endpoint chat frontends speak (Open WebUI, LibreChat, the OpenAI
SDKs): `GET /v1/models`, `POST /v1/chat/completions`, streamed or not, over the ask flow.

Models: `lore` (what serves, canaries included) and `lore@<version>` (an index version pinned).
The last user message is the question and the user and assistant messages before it are the
history (system messages are ignored: lore's prompt is its prompt version's). The content is
the verified answer with its [n] markers and a "Sources" list (the prompt version's
templates), the citations also as a structured `citations` field; `usage` counts the model's
tokens, or the prompt's and answer's in the reader's tokens when no model answered. The same
API keys, sent as Bearer; errors in OpenAI's shape `{"error": {"message", "type", "code"}}`.

A stream sends the role at once and the content once verified (a chat UI cannot take text
back, and the verify step and output guards may drop what a model drafted), through the same
worker and sink as a streamed /ask (api/streaming.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from answer.prompt import SHIPPED, SHIPPED_TEXTS, PromptId, Prompts
from api.auth import KeyDep, ReaderDep
from api.deps import LoreDep
from api.errors import NOT_JSON, RESPONSES, problem, retry_after, status_for
from api.routes.qa import answered, deadline
from api.schemas import MAX_HISTORY_TURNS, MAX_TURN_CHARS, AskResponse
from api.streaming import Finished, Item, streamed
from api.tracing import begin
from core.errors import BadInput, LoreError, NotFound, TooManyRequests
from core.models import Turn
from core.tracing import Trace
from index.versions import VersionStatus
from lore.compose import Lore
from lore.limits import principal_of
from pipeline.state import Query, State

log = logging.getLogger("lore.api")
MODEL = "lore"
PINNED = "@"  # lore@v3: index version v3
SERVABLE = (VersionStatus.ACTIVE, VersionStatus.READY, VersionStatus.RETIRED)
# OpenAI's error `type` and `code` per HTTP status.
KINDS = {400: ("invalid_request_error", "invalid_request"),
         401: ("invalid_request_error", "invalid_api_key"),
         403: ("permission_error", "insufficient_permissions"),
         404: ("invalid_request_error", "model_not_found"),
         409: ("invalid_request_error", "conflict"),
         429: ("rate_limit_error", "rate_limit_exceeded"),
         503: ("server_error", "not_ready")}
# OpenAI's finish reasons for lore's (a broken stream nobody could finish ran out, too).
FINISH = {"stop": "stop", "length": "length", "truncated": "length"}


def error_body(status: int, message: str) -> dict[str, Any]:
    kind, code = KINDS.get(status, ("server_error" if status >= 500 else "invalid_request_error",
                                    "upstream_error" if status >= 500 else "invalid_request"))
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class OpenAIRoute(APIRoute):
    """Errors of these routes, from their dependencies (keys) and body validation too, in
    OpenAI's shape; a missing or unknown key keeps its WWW-Authenticate header."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except LoreError as exc:
                status = status_for(exc)
                headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
                if isinstance(exc, TooManyRequests):  # as /ask says it (api/errors.py)
                    headers = retry_after(exc)
                return JSONResponse(error_body(status, str(exc)), status, headers=headers)
            except RequestValidationError as exc:
                detail = "; ".join(problem(e) for e in exc.errors())
                return JSONResponse(error_body(400, detail), 400)
            except HTTPException:  # a body that is not JSON at all
                return JSONResponse(error_body(400, NOT_JSON), 400)

        return handle


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None
    code: str


class OpenAIErrorOut(BaseModel):
    """OpenAI's error shape, which the SDKs parse."""

    error: OpenAIErrorDetail


router = APIRouter(prefix="/v1", tags=["openai"], route_class=OpenAIRoute, responses={
    code: {"model": OpenAIErrorOut, "description": r["description"]}
    for code, r in RESPONSES.items()})


class Part(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[Part] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatRequest(BaseModel):
    """OpenAI's body; fields lore has no use for (temperature, max_tokens...) are accepted
    and ignored: the providers file sets them per model."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    user: str | None = Field(None, max_length=200, description="keeps a canary side sticky")


@router.get("/models")
def models(_: ReaderDep, lore: LoreDep) -> dict[str, Any]:
    """`lore`, then `lore@<version>` for every index version that can answer."""
    servable = [v for v in lore.registry.list() if v.status in SERVABLE]
    created = int(time.time())
    rows = [{"id": MODEL, "object": "model", "created": created, "owned_by": "lore"}]
    rows += [{"id": f"{MODEL}{PINNED}{v.id}", "object": "model", "owned_by": "lore",
              "created": _epoch(v.created_at, created)} for v in servable]
    return {"object": "list", "data": rows}


@router.post("/chat/completions", response_model=None)
async def chat(body: ChatRequest, role: ReaderDep, key: KeyDep, lore: LoreDep,
               request: Request) -> dict[str, Any] | StreamingResponse:
    version = _pinned(lore, body.model)
    question, history = _conversation(body.messages)
    principal = principal_of(key)
    first = next(m.text() for m in body.messages if m.role == "user")
    sticky = body.user or f"{principal}:{hashlib.sha256(first.encode()).hexdigest()[:16]}"
    query = Query(question, history, sticky=sticky, version=version, principal=principal,
                  role=str(role), deadline=deadline(lore.settings.gateway.deadline_seconds))
    trace = begin(request, "ask", api="openai")
    reply = Reply(lore, body.model, f"chatcmpl-{trace.id}", int(time.time()))
    if body.stream:
        usage = bool(body.stream_options and body.stream_options.include_usage)
        return await streamed(lore, query, trace, lambda items: reply.chunks(items, usage))
    state, trace = await run_in_threadpool(lore.ask, query, trace)
    return reply.completion(state, trace)


def _pinned(lore: Lore, model: str) -> str | None:
    name, sep, version = model.partition(PINNED)
    if name == MODEL and not sep:
        return None
    if name == MODEL and version:
        try:
            if lore.registry.get(version).status in SERVABLE:
                return version
        except NotFound:
            pass
    raise NotFound(f"The model '{model}' does not exist: use '{MODEL}', or "
                   f"'{MODEL}{PINNED}<version>' for an index version (GET /v1/models)")


def _conversation(messages: list[Message]) -> tuple[str, tuple[Turn, ...]]:
    """The last user message, and the user and assistant turns before it (the newest
    MAX_HISTORY_TURNS, each cut to MAX_TURN_CHARS: a chat UI sends the whole conversation)."""
    said = [(m.role, m.text()) for m in messages if m.role in ("user", "assistant")]
    last = max((i for i, (r, _) in enumerate(said) if r == "user"), default=None)
    if last is None or not said[last][1].strip():
        raise BadInput("messages: the last user message is the question; send one with text")
    turns = tuple(Turn(r, t[:MAX_TURN_CHARS]) for r, t in said[:last] if t.strip())
    return said[last][1], turns[-MAX_HISTORY_TURNS:]


def _epoch(iso: str, default: int) -> int:
    try:
        return int(datetime.fromisoformat(iso).timestamp())
    except ValueError:
        return default


class Reply:
    """One completion's wire form: whole, or as chunks."""

    def __init__(self, lore: Lore, model: str, completion_id: str, created: int) -> None:
        self.lore, self.model, self.id, self.created = lore, model, completion_id, created

    def completion(self, state: State, trace: Trace) -> dict[str, Any]:
        body = answered(state, trace)
        message = {"role": "assistant", "content": content(body, _prompts(state))}
        return {"id": self.id, "object": "chat.completion", "created": self.created,
                "model": self.model, "system_fingerprint": state.version,
                "choices": [{"index": 0, "message": message, "logprobs": None,
                             "finish_reason": _finish(state, body)}],
                "usage": self._usage(state, body, message["content"]), **_extra(body)}

    async def chunks(self, items: AsyncIterator[Item], include_usage: bool) -> AsyncIterator[str]:
        yield self._chunk({"role": "assistant", "content": ""})
        async for item in items:
            if not isinstance(item, Finished):
                continue  # the draft is unverified: the content goes once verify has run
            if isinstance(item.result, BaseException):
                yield _data(_failure(item.result))
                break
            state, trace = item.result
            body = answered(state, trace)
            text = content(body, _prompts(state))
            for piece in _pieces(text):
                yield self._chunk({"content": piece})
            yield self._chunk({}, _finish(state, body), **_extra(body))
            if include_usage:
                yield _data({**self._head(), "choices": [],
                             "usage": self._usage(state, body, text)})
        yield "data: [DONE]\n\n"

    def _head(self) -> dict[str, Any]:
        return {"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model}

    def _chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return _data({**self._head(), "choices": [choice], **extra})

    def _usage(self, state: State, body: AskResponse, text: str) -> dict[str, int]:
        """The model's tokens; without a model, what a model would have read and written,
        in the reader's tokens."""
        prompt, written = body.usage.input_tokens, body.usage.output_tokens
        if not (prompt or written):
            count = self.lore.generator.tokenizer.count
            b = state.prompt.context.budget if state.prompt else None
            used = state.prompt.context.tokens if state.prompt else 0
            prompt = (b.system + b.history + b.question + used) if b else count(
                state.query.question)
            written = count(text)
        return {"prompt_tokens": prompt, "completion_tokens": written,
                "total_tokens": prompt + written}


def content(body: AskResponse, prompts: Prompts) -> str:
    """The answer with its markers, an abstention's reason, then the numbered sources."""
    text = body.answer
    if body.abstained and body.reason and body.reason != text:
        text += f"\n\n{body.reason}"
    if not body.citations:
        return text
    lines = [prompts[PromptId.SOURCE].format(
        n=c.n, title=c.title or c.source, source=c.source,
        page=f", p. {c.page}" if c.page is not None else "") for c in body.citations]
    return "\n".join([f"{text}\n\n{prompts[PromptId.SOURCES]}", *lines])


def _prompts(state: State) -> Prompts:
    return state.release.prompts if state.release else Prompts(SHIPPED, SHIPPED_TEXTS)


def _extra(body: AskResponse) -> dict[str, Any]:
    """lore's own fields beside OpenAI's: the citations, and what answered and why."""
    return {"citations": [c.model_dump() for c in body.citations],
            "lore": {"version": body.version, "prompt_version": body.prompt_version,
                     "route": body.route.model_dump() if body.route else None,
                     "abstained": body.abstained, "reason": body.reason,
                     "see_also": body.see_also, "request_id": body.request_id,
                     "usage": body.usage.model_dump()}}


def _finish(state: State, body: AskResponse) -> str:
    if body.guard and body.guard.output and body.guard.output.withheld:
        return "content_filter"
    return FINISH.get(state.draft.finish_reason if state.draft else "stop", "stop")


def _failure(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, LoreError):
        return error_body(status_for(exc), str(exc))
    log.error("streamed /v1/chat/completions failed", exc_info=exc)
    return error_body(500, "internal error")


def _pieces(text: str) -> list[str]:
    """The content in line-sized pieces, so a chat UI renders it as it arrives."""
    lines = text.splitlines(keepends=True)
    return lines or [text]


def _data(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

