"""/ask and /search: the routes chat frontends and operators call.

A streamed /ask ("stream": true) runs the same flow in a worker thread with a sink on the
query (api/streaming.py); its items go out as server-sent events (docs/api.md): meta,
delta..., citations, usage, done, with error for a failover or a failure.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from answer.base import Delta, Failover
from api.auth import KeyDep, ReaderDep
from api.deps import LoreDep
from api.errors import status_for
from api.routes.guard import guard_of
from api.schemas import (
    AskRequest,
    AskResponse,
    AttemptOut,
    CacheOut,
    Citation,
    ContextOut,
    DroppedOut,
    FiltersIn,
    HistoryTurn,
    HitOut,
    PassageOut,
    RouteOut,
    SearchRequest,
    SearchResponse,
    UsageOut,
)
from api.streaming import Finished, Item, streamed
from api.tracing import begin
from context.builder import Prompt
from core.errors import LoreError
from core.models import Filters, ScoredChunk, Turn, Usage
from core.tracing import Trace
from lore.limits import principal_of
from pipeline.route import RouteTarget
from pipeline.state import Opened, Query, State, need
from retrieval.filters import parse_filters

router = APIRouter(tags=["answers"])
log = logging.getLogger("lore.api")


def _filters(f: FiltersIn | None) -> Filters | None:
    if f is None:
        return None
    return parse_filters(f.source_glob, f.path_prefix, f.tags, f.modified_after)


@router.post("/ask", response_model=AskResponse, responses={
    200: {"content": {"text/event-stream": {}}, "description": "JSON, or events when streamed"}})
async def ask(req: AskRequest, role: ReaderDep, key: KeyDep, lore: LoreDep,
              request: Request) -> AskResponse | StreamingResponse:
    # Canary stickiness: per conversation, else per API key (a user), else per request.
    principal = principal_of(key)
    sticky = req.conversation_id or (principal if key else None)
    query = Query(req.question, _history(req.history), _filters(req.filters), req.budget_tokens,
                  sticky=sticky, principal=principal, role=str(role), fresh=_fresh(req, request),
                  deadline=deadline(lore.settings.gateway.deadline_seconds))
    trace = begin(request, "ask", regenerate_of=req.regenerate_of)
    if req.stream:
        return await streamed(lore, query, trace, lambda items: _events(items, trace.id))
    state, trace = await run_in_threadpool(lore.ask, query, trace)
    return answered(state, trace)


def answered(state: State, trace: Trace) -> AskResponse:
    answer = need(state.answer, "answer")
    return AskResponse(
        answer=answer.text, abstained=answer.abstained,
        citations=[Citation(**asdict(c)) for c in answer.citations],
        version=state.version, timings_ms=trace.timings_ms(), request_id=trace.id,
        cache=CacheOut(hit=state.cache is not None, kind=state.cache),
        rewritten_question=state.standalone if state.standalone != state.query.question else None,
        usage=_usage(state), guard=guard_of(state),
        reason=answer.reason, see_also=list(answer.see_also),
        route=RouteOut(target=RouteTarget(state.route.target), reason=state.route.reason)
        if state.route else None,
        prompt_version=state.release.prompts.version if state.release else None,
    )


def deadline(seconds: float) -> float:
    """One deadline per request, from its arrival: retrieval's time counts against it too."""
    return time.monotonic() + seconds


def _usage(state: State) -> UsageOut:
    usage = (state.draft.usage if state.draft else None) or Usage()
    return UsageOut(model=usage.model, provider=usage.provider,
                    input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                    cost=usage.cost, attempts=[AttemptOut(**asdict(a)) for a in usage.attempts])


async def _events(items: AsyncIterator[Item], request_id: str) -> AsyncIterator[str]:
    version, meta, streamed_text = "", False, False
    async for item in items:
        if isinstance(item, Finished):
            for event in _closing(item.result, request_id, meta, streamed_text):
                yield event
        elif isinstance(item, Opened):
            version = item.version
        elif isinstance(item, Delta):
            if not meta:
                meta = True
                yield _sse("meta", {"version": version, "model": item.model,
                                    "provider": item.provider, "request_id": request_id})
            streamed_text = True
            yield _sse("delta", {"text": item.text})
        elif isinstance(item, Failover):
            yield _sse("error", {"error": "Failover", "provider": item.provider,
                                 "status": item.status, "detail": item.detail})


def _closing(result: tuple[State, Trace] | BaseException, request_id: str, meta: bool,
             streamed: bool) -> list[str]:
    if isinstance(result, BaseException):
        if not isinstance(result, LoreError):
            log.error("streamed /ask failed", exc_info=result)
        kind = type(result).__name__ if isinstance(result, LoreError) else "InternalError"
        detail = str(result) if isinstance(result, LoreError) else "internal error"
        status = status_for(result) if isinstance(result, LoreError) else 500
        return [_sse("error", {"error": kind, "detail": detail, "status": status}),
                _sse("done", {"request_id": request_id, "finish_reason": "error"})]
    state, trace = result
    body = answered(state, trace)
    out = []
    if not meta:  # answered without generating (nothing streamed): the answer comes whole
        out.append(_sse("meta", {"version": body.version, "model": body.usage.model,
                                 "provider": body.usage.provider, "request_id": request_id}))
    if not streamed:
        out.append(_sse("delta", {"text": body.answer}))
    out.append(_sse("citations", {"answer": body.answer, "abstained": body.abstained,
                                  "citations": [c.model_dump() for c in body.citations],
                                  "rewritten_question": body.rewritten_question,
                                  "guard": body.guard.model_dump() if body.guard else None,
                                  "reason": body.reason, "see_also": body.see_also,
                                  "cache": body.cache.model_dump(),
                                  "route": body.route.model_dump() if body.route else None,
                                  "prompt_version": body.prompt_version}))
    out.append(_sse("usage", body.usage.model_dump()))
    finish = state.draft.finish_reason if state.draft else "stop"
    out.append(_sse("done", {"request_id": request_id, "finish_reason": finish,
                             "timings_ms": body.timings_ms}))
    return out


def _fresh(req: AskRequest, request: Request) -> bool:
    """A regeneration, or a caller that says `Cache-Control: no-cache`, gets a new answer."""
    return req.regenerate_of is not None or "no-cache" in request.headers.get(
        "cache-control", "").lower()


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/search")
def search(req: SearchRequest, _: ReaderDep, key: KeyDep, lore: LoreDep,
           request: Request) -> SearchResponse:
    query = Query(req.question, _history(req.history), _filters(req.filters), req.budget_tokens,
                  req.top_k, principal=principal_of(key))
    state, trace = lore.search(query, begin(request, "search"))
    return SearchResponse(
        version=state.version, hits=[_hit(h) for h in need(state.retrieval, "retrieval").hits],
        context=_context(need(state.prompt, "prompt")), timings_ms=trace.timings_ms(),
        request_id=trace.id,
    )


def _history(turns: list[HistoryTurn]) -> tuple[Turn, ...]:
    return tuple(Turn(t.role, t.content) for t in turns)


def _hit(h: ScoredChunk) -> HitOut:
    c = h.chunk
    return HitOut(chunk_id=c.id, source=c.source, title=c.title, page=c.page, text=c.text,
                  score=h.score, breakdown=asdict(h.breakdown), flag=c.flag)


def _context(prompt: Prompt) -> ContextOut:
    ctx = prompt.context
    return ContextOut(
        tokenizer=prompt.tokenizer,
        passages=[PassageOut(source=p.source, title=p.title, breadcrumbs=list(p.breadcrumbs),
                             page=p.page, text=p.text, chunk_ids=list(p.chunk_ids),
                             tokens=p.tokens) for p in ctx.passages],
        tokens=ctx.tokens,
        budget={"total": ctx.budget.total, "system": ctx.budget.system,
                "history": ctx.budget.history, "question": ctx.budget.question,
                "reserve": ctx.budget.reserve, "context": ctx.budget.context},
        dropped=[DroppedOut(chunk_id=d.chunk_id, source=d.source, reason=str(d.reason),
                            tokens=d.tokens) for d in ctx.dropped],
    )
