"""Index versions: list (readers); promote, rollback and delete (admins, a second one for the
sensitive cases: lore/admin.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.auth import AdminDep, KeyDep, ReaderDep
from api.deps import AdminOpsDep, LoreDep
from api.schemas import ApprovalOut, DeletedOut, VersionOut
from lore.admin import Outcome
from lore.approvals import Approval
from lore.versions import version_rows

router = APIRouter(tags=["versions"])
# A sensitive action filed for a second admin: accepted, not done yet.
PENDING: dict[int | str, dict[str, Any]] = {
    202: {"model": ApprovalOut, "description": "Filed for a second admin to approve"}}


@router.get("/versions")
def list_versions(_: ReaderDep, lore: LoreDep) -> list[VersionOut]:
    return [VersionOut(**row) for row in version_rows(lore.registry, lore.stats,
                                                      lore.observer.feedback)]


@router.post("/versions/{version_id}/promote", response_model=VersionOut, responses=PENDING)
def promote(
    version_id: str, _: AdminDep, key: KeyDep, admin: AdminOpsDep,
    force: Annotated[bool, Query(description="Promote even if the eval gate refuses")] = False,
    canary: Annotated[
        int | None, Query(ge=1, le=99, description="Serve this percent of /ask traffic first")
    ] = None,
) -> VersionOut | JSONResponse:
    """With LORE_EVAL_SET set, evaluates against the active version first; a regression is a
    409 naming the metrics, unless `force` — which, with admin keys configured, files a
    request a second admin must approve (202). With `canary`, the version takes that share
    of /ask traffic until a full promote."""
    return _done(admin, admin.promote(version_id, admin.principal(key), force, canary)[0])


@router.post("/versions/rollback", response_model=VersionOut, responses=PENDING)
def rollback(
    _: AdminDep, key: KeyDep, admin: AdminOpsDep,
    to: Annotated[str | None, Query(description="A formerly active version; more than one "
                                    "step back needs a second admin")] = None,
) -> VersionOut | JSONResponse:
    return _done(admin, admin.rollback(admin.principal(key), to))


@router.delete("/versions/{version_id}", response_model=DeletedOut, responses=PENDING)
def delete(version_id: str, _: AdminDep, key: KeyDep,
           admin: AdminOpsDep) -> DeletedOut | JSONResponse:
    """Deletes a version that serves nothing; with admin keys, once a second admin approves."""
    outcome = admin.delete(version_id, admin.principal(key))
    return _filed(outcome) if isinstance(outcome, Approval) else DeletedOut(id=outcome.id)


def _done(admin: AdminOpsDep, outcome: Outcome) -> VersionOut | JSONResponse:
    if isinstance(outcome, Approval):
        return _filed(outcome)
    assert admin.app is not None
    admin.app.active.refresh()
    return VersionOut(**_rows(admin)[outcome.id])


def _filed(approval: Approval) -> JSONResponse:
    return JSONResponse(ApprovalOut(**asdict(approval)).model_dump(), 202)


def _rows(admin: AdminOpsDep) -> dict:
    assert admin.app is not None
    return {r["id"]: r for r in version_rows(admin.registry, admin.app.stats,
                                             admin.app.observer.feedback)}
