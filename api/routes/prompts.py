"""Prompt and model versions (lore/releases.py): list, show, record, promote (gated, canary)
and roll back, for admins, as /versions does for index versions. A forced promotion past the
gate, with admin keys configured, waits for a second admin (202), as it does there."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from answer.prompt import NOT_EMPTY, PromptId
from api.auth import AdminDep, KeyDep
from api.deps import AdminOpsDep, LoreDep
from api.schemas import ApprovalOut, Strict
from lore.approvals import Approval
from lore.compose import Lore
from lore.release_ops import propose_models, propose_prompts, release_rows, shown
from lore.releases import Kind

router = APIRouter(tags=["releases"])
PENDING: dict[int | str, dict[str, Any]] = {
    202: {"model": ApprovalOut, "description": "Filed for a second admin to approve"}}
Force = Annotated[bool, Query(description="Promote even if the eval gate refuses")]
Canary = Annotated[int | None, Query(ge=1, le=99,
                                     description="Serve this percent of /ask traffic first")]


class ReleaseOut(BaseModel):
    id: str
    status: str
    active: bool
    created_at: str
    fingerprint: str  # the content hash
    note: str
    gate: str  # the gate's verdict, compact: "pass", "fail: context_recall -0.05", ...
    eval: dict | None = None
    canary_percent: int | None = None


class ReleaseShown(ReleaseOut):
    prompts: dict[str, str] | None = None  # a prompt version's texts by prompt id
    routes: dict[str, list[str]] | None = None  # a model version's providers by route


# Every id, and text in the ones that may not be blank (answer/prompt.py check_prompts).
PROMPTS_SCHEMA: dict[str, Any] = {
    "required": sorted(str(p) for p in PromptId), "additionalProperties": False,
    "properties": {str(p): {"type": "string"} | ({"pattern": r"\S"} if p in NOT_EMPTY else {})
                   for p in PromptId}}


class PromptsIn(Strict):
    prompts: dict[str, str] = Field(
        description="Every prompt id's text (answer/prompt.py)",
        json_schema_extra=PROMPTS_SCHEMA)
    note: str = Field("", max_length=2_000)


class ModelsIn(Strict):
    routes: dict[str, list[str]] = Field(
        description="Route (cheap or strong) -> provider names of LORE_PROVIDERS in fallback "
        "order; a route left out keeps the active version's providers")
    note: str = Field("", max_length=2_000)


def _rows(lore: Lore, kind: Kind) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in release_rows(_registry(lore, kind))}


def _registry(lore: Lore, kind: Kind):
    from lore.promotion import registry_of

    return registry_of(lore.settings, kind, lore)


def _done(lore: Lore, kind: Kind, outcome: Any) -> ReleaseOut | JSONResponse:
    if isinstance(outcome, Approval):
        return JSONResponse(ApprovalOut(**asdict(outcome)).model_dump(), 202)
    if lore.releases is not None and kind in lore.releases.active:
        lore.releases.active[kind].refresh()  # this process serves it at once
    return ReleaseOut(**_rows(lore, kind)[outcome.id])


def _routes(kind: Kind, path: str) -> None:
    @router.get(f"/{path}", name=f"list_{path}")
    def listing(_: AdminDep, lore: LoreDep) -> list[ReleaseOut]:
        return [ReleaseOut(**r) for r in _rows(lore, kind).values()]

    # Before the {version_id} routes: "rollback" is no version id.
    @router.post(f"/{path}/rollback", name=f"rollback_{path}", response_model=ReleaseOut)
    def rollback(_: AdminDep, lore: LoreDep) -> ReleaseOut | JSONResponse:
        """Ends a running canary; otherwise returns to the previously active version."""
        return _done(lore, kind, _registry(lore, kind).rollback())

    @router.get(f"/{path}/{{version_id}}", name=f"show_{path}")
    def showing(version_id: str, _: AdminDep, lore: LoreDep) -> ReleaseShown:
        """`active` shows the active version."""
        record, content = shown(_registry(lore, kind), None if version_id == "active"
                                else version_id)
        return ReleaseShown(**_rows(lore, kind)[record.id], **content)

    @router.post(f"/{path}/{{version_id}}/promote", name=f"promote_{path}",
                 response_model=ReleaseOut, responses=PENDING)
    def promote(version_id: str, _: AdminDep, key: KeyDep, admin: AdminOpsDep, lore: LoreDep,
                force: Force = False, canary: Canary = None) -> ReleaseOut | JSONResponse:
        """With LORE_EVAL_SET set, evaluated against the active version on the active index
        version first; a regression is a 409 naming the metrics, unless `force`."""
        outcome, _message = admin.promote(version_id, admin.principal(key), force, canary,
                                          kind=kind)
        return _done(lore, kind, outcome)

@router.post("/prompts", status_code=201)
def record_prompts(body: PromptsIn, _: AdminDep, lore: LoreDep) -> ReleaseOut:
    """Records a prompt version (ready, not serving): promote it next. An unchanged set of
    texts is the version it already is."""
    made = propose_prompts(lore.settings, body.prompts, body.note, app=lore)
    return ReleaseOut(**_rows(lore, Kind.PROMPTS)[made.id])


@router.post("/models", status_code=201)
def record_models(body: ModelsIn, _: AdminDep, lore: LoreDep) -> ReleaseOut:
    """Records a model version: the active one's routes with `routes` changed."""
    made = propose_models(lore.settings, body.routes, body.note, app=lore)
    return ReleaseOut(**_rows(lore, Kind.MODELS)[made.id])


_routes(Kind.PROMPTS, "prompts")
_routes(Kind.MODELS, "models")
