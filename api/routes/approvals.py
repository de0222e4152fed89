"""Approval requests for sensitive actions: list them, and approve or reject as a second admin."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import AdminDep, KeyDep
from api.deps import AdminOpsDep
from api.schemas import ApprovalOut
from lore.approvals import Status

router = APIRouter(tags=["approvals"])


@router.get("/approvals")
def list_approvals(
    _: AdminDep, admin: AdminOpsDep,
    status: Annotated[Status | None, Query(description="only these")] = None,
) -> list[ApprovalOut]:
    """Every request with its decision: the audit trail, oldest first."""
    return [ApprovalOut(**asdict(a)) for a in admin.approvals.list(status)]


@router.post("/approvals/{approval_id}/approve")
def approve(approval_id: str, _: AdminDep, key: KeyDep, admin: AdminOpsDep) -> ApprovalOut:
    """Carries the action out; the key must be an admin's other than the requester's."""
    decided = admin.decide(approval_id, admin.principal(key), approve=True)
    if admin.app is not None:
        admin.app.active.refresh()
    return ApprovalOut(**asdict(decided))


@router.post("/approvals/{approval_id}/reject")
def reject(approval_id: str, _: AdminDep, key: KeyDep, admin: AdminOpsDep) -> ApprovalOut:
    return ApprovalOut(**asdict(admin.decide(approval_id, admin.principal(key), approve=False)))
