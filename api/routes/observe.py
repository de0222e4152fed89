"""Traces (admins), metrics (admins, or open with LORE_METRICS_PUBLIC), feedback (readers)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.auth import AdminDep, KeyDep, ReaderDep, require_admin
from api.deps import LoreDep, SettingsDep
from api.schemas import FeedbackIn, FeedbackOut, TraceOut
from core.errors import BadInput, NotFound
from lore import metrics
from lore.feedback import Feedback
from lore.traces import TraceQuery

router = APIRouter(tags=["observability"])


@router.get("/traces/{request_id}")
def trace(request_id: str, _: AdminDep, lore: LoreDep) -> TraceOut:
    """One request as the pipeline ran it: every step's span, and what it decided on."""
    found = lore.observer.traces.get(request_id)
    if found is None:
        raise NotFound(f"no trace for request {request_id!r} (traces are kept "
                       f"{lore.settings.observe.trace_days:g} days)")
    return TraceOut(**found)


@router.get("/traces")
def traces(
    _: AdminDep, lore: LoreDep,
    slow_ms: Annotated[float | None, Query(ge=0, description="at least this long")] = None,
    min_cost: Annotated[float | None, Query(ge=0)] = None,
    abstained: bool = False, flagged: bool = False,
    since: Annotated[float | None, Query(ge=0, description="epoch seconds")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[dict]:
    """Summaries of recent requests, newest first."""
    return lore.observer.traces.find(TraceQuery(slow_ms, min_cost, abstained, flagged, since,
                                                limit))


@router.get("/metrics", response_class=Response, responses={
    200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}})
async def scrape(request: Request, settings: SettingsDep, key: KeyDep) -> Response:
    if not settings.observe.metrics_public:
        await require_admin(settings, key)
    state = request.app.state.metrics_state
    request.app.state.lore.observer.flush()  # this process's finished requests are counted
    return Response(metrics.scrape(state), media_type=metrics.CONTENT_TYPE)


@router.post("/feedback")
def feedback(body: FeedbackIn, _: ReaderDep, lore: LoreDep) -> FeedbackOut:
    """Rate, edit, compare or comment an answer; kept with its trace."""
    fb = Feedback(**body.model_dump())
    if not any(v for k, v in asdict(fb).items() if k != "request_id"):
        raise BadInput("send at least one of rating, reason, edited_answer, better_than, "
                       "worse_than, comment")
    observer = lore.observer
    found = observer.traces.get(fb.request_id)
    if found is None:
        raise NotFound(f"no answer with request_id {fb.request_id!r} to give feedback on")
    for other in (fb.better_than, fb.worse_than):
        if other is not None and observer.traces.get(other) is None:
            raise NotFound(f"no answer with request_id {other!r} to compare with")
    feedback_id = observer.feedback.add(fb, found)
    if fb.rating == "down":
        observer.on_down(fb.request_id)
    return FeedbackOut(id=feedback_id, request_id=fb.request_id)
