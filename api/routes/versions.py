"""Index versions: list (readers), promote and rollback (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import AdminDep, ReaderDep
from api.deps import LoreDep
from api.schemas import VersionOut
from lore import promotion
from lore.versions import version_rows

router = APIRouter(tags=["versions"])


@router.get("/versions")
def list_versions(_: ReaderDep, lore: LoreDep) -> list[VersionOut]:
    return [VersionOut(**row) for row in version_rows(lore.registry, lore.stats)]


@router.post("/versions/{version_id}/promote")
def promote(
    version_id: str, _: AdminDep, lore: LoreDep,
    force: Annotated[bool, Query(description="Promote even if the eval gate refuses")] = False,
    canary: Annotated[
        int | None, Query(ge=1, le=99, description="Serve this percent of /ask traffic first")
    ] = None,
) -> VersionOut:
    """With LORE_EVAL_SET set, evaluates against the active version first; a regression is a
    409 naming the metrics, unless `force`. The verdict is in the version's `eval.gate`.
    With `canary`, the version takes that share of /ask traffic until a full promote."""
    promotion.promote(lore.settings, version_id, force, canary, app=lore)
    lore.active.refresh()
    return _row(lore, version_id)


@router.post("/versions/rollback")
def rollback(_: AdminDep, lore: LoreDep) -> VersionOut:
    record = lore.registry.rollback()
    lore.active.refresh()
    return _row(lore, record.id)


def _row(lore: LoreDep, version_id: str) -> VersionOut:
    rows = {r["id"]: r for r in version_rows(lore.registry, lore.stats)}
    return VersionOut(**rows[version_id])
