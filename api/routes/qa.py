"""/ask and /search: the routes chat frontends and operators call."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from fastapi import APIRouter

from api.auth import KeyDep, ReaderDep
from api.deps import LoreDep
from api.schemas import (
    AskRequest,
    AskResponse,
    Citation,
    ContextOut,
    DroppedOut,
    FiltersIn,
    HistoryTurn,
    HitOut,
    PassageOut,
    SearchRequest,
    SearchResponse,
)
from core.models import Context, Filters, ScoredChunk, Turn
from pipeline.state import Query, need
from retrieval.filters import parse_filters

router = APIRouter(tags=["answers"])


def _filters(f: FiltersIn | None) -> Filters | None:
    if f is None:
        return None
    return parse_filters(f.source_glob, f.path_prefix, f.tags, f.modified_after)


@router.post("/ask")
def ask(req: AskRequest, _: ReaderDep, key: KeyDep, lore: LoreDep) -> AskResponse:
    # Canary stickiness: per conversation, else per API key (a user), else per request.
    sticky = req.conversation_id or (f"key:{key}" if key else None)
    query = Query(req.question, _history(req.history), _filters(req.filters), req.budget_tokens,
                  sticky=sticky)
    state, trace = lore.ask(query)
    answer = need(state.answer, "answer")
    return AskResponse(
        answer=answer.text, abstained=answer.abstained,
        citations=[Citation(**asdict(c)) for c in answer.citations],
        version=state.version, timings_ms=trace.timings_ms(), request_id=_request_id(),
        rewritten_question=state.standalone if state.standalone != state.query.question else None,
    )


@router.post("/search")
def search(req: SearchRequest, _: ReaderDep, lore: LoreDep) -> SearchResponse:
    query = Query(req.question, _history(req.history), _filters(req.filters), req.budget_tokens,
                  req.top_k)
    state, trace = lore.search(query)
    return SearchResponse(
        version=state.version, hits=[_hit(h) for h in need(state.retrieval, "retrieval").hits],
        context=_context(need(state.prompt, "prompt").context), timings_ms=trace.timings_ms(),
        request_id=_request_id(),
    )


def _history(turns: list[HistoryTurn]) -> tuple[Turn, ...]:
    return tuple(Turn(t.role, t.content) for t in turns)


def _request_id() -> str:
    return uuid.uuid4().hex


def _hit(h: ScoredChunk) -> HitOut:
    c = h.chunk
    return HitOut(chunk_id=c.id, source=c.source, title=c.title, page=c.page, text=c.text,
                  score=h.score, breakdown=asdict(h.breakdown))


def _context(ctx: Context) -> ContextOut:
    return ContextOut(
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
