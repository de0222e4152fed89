"""POST /guard: the input guard's checks on any text, for operators and tests; the `guard`
field of an /ask answer; GET and PUT /guard/policy: the guard policy in force, changed at run
time by admins (a second one approves, with admin keys configured: lore/admin.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo
from starlette.concurrency import run_in_threadpool

from api.auth import AdminDep, KeyDep, ReaderDep
from api.deps import AdminOpsDep, LoreDep
from api.routes.versions import PENDING
from api.schemas import (
    ApprovalOut,
    GuardOut,
    GuardRequest,
    GuardResponse,
    OutputGuardOut,
    Strict,
)
from guard.config import GuardSettings, InputPolicy
from guard.documents import DocumentPolicy
from lore.admin import Admin
from lore.approvals import Approval
from lore.guard_policy import KNOWN_PII_TYPES, shown
from pipeline.state import State

router = APIRouter(tags=["guard"])


def _as(name: str, **extra: Any) -> Any:
    """GuardSettings' own field (its bounds and default), for the body's schema."""
    return FieldInfo.merge_field_infos(GuardSettings.model_fields[name], **extra)


def _unchanged_when_left_out(schema: dict[str, Any]) -> None:
    """No defaults in the schema: a field left out keeps the value in force, not the shipped
    one; and at least one field is sent."""
    for field in schema["properties"].values():
        field.pop("default", None)
    schema["minProperties"] = 1


class GuardPolicyIn(Strict):
    """The policy fields to change (docs/guardrails.md); a field left out keeps its value."""

    model_config = ConfigDict(json_schema_extra=_unchanged_when_left_out)

    guard_input: InputPolicy = _as("guard_input")
    guard_threshold: float | None = _as("guard_threshold")  # null: the classifier's own
    guard_documents: DocumentPolicy = _as("guard_documents")
    pii_mask_answers: bool = _as("pii_mask_answers")
    pii_mask_questions: bool = _as("pii_mask_questions")
    pii_roles: list[str] = _as("pii_roles")
    pii_types: list[str] = _as("pii_types", json_schema_extra={
        "items": {"type": "string", "enum": list(KNOWN_PII_TYPES)}})
    blocked_terms: list[str] = _as("blocked_terms")
    max_answer_chars: int = _as("max_answer_chars")


class PolicyChangeOut(BaseModel):
    at: str
    by: str  # the requesting key's hash
    changes: dict[str, Any]
    before: dict[str, Any]  # the values in force until then
    approval: str | None = None  # the approval request it carried out
    approved_by: str | None = None


class GuardPolicyOut(BaseModel):
    policy: dict[str, Any] = Field(description="Every policy field's value in force")
    overridden: list[str] = Field(description="The fields changed at run time; the others "
                                  "are the environment's (LORE_*)")
    history: list[PolicyChangeOut] = Field(description="Every change, oldest first")


@router.post("/guard")
async def guard(req: GuardRequest, _: ReaderDep, lore: LoreDep) -> GuardResponse:
    """Injection verdict (flagged, score, reason) and PII spans of `text`, as /ask checks a
    question; nothing is stored or answered."""
    verdict = await run_in_threadpool(lore.guard.check, req.text)
    return GuardResponse.model_validate(verdict.as_dict())


def guard_of(state: State) -> GuardOut | None:
    """What the guards found, when they flagged the question or acted on the answer."""
    check_in, check_out = state.guard_in, state.guard_out
    found_in = check_in is not None and (check_in.flagged or bool(check_in.verdict.pii))
    acted = check_out is not None and check_out.acted
    if not (found_in or acted):
        return None
    out = GuardOut.model_validate(check_in.as_dict()) if check_in is not None else GuardOut()
    if check_out is not None and acted:
        out.output = OutputGuardOut.model_validate(check_out.as_dict())
    return out


@router.get("/guard/policy")
def guard_policy(_: AdminDep, admin: AdminOpsDep) -> GuardPolicyOut:
    """The environment's guard settings with the changes admins made at run time."""
    return _shown(admin)


@router.put("/guard/policy", response_model=GuardPolicyOut, responses=PENDING)
def change_guard_policy(body: GuardPolicyIn, _: AdminDep, key: KeyDep,
                        admin: AdminOpsDep) -> GuardPolicyOut | JSONResponse:
    """Changes the fields sent. With admin keys configured it waits for another admin's
    `POST /approvals/{id}/approve` (202); every serving process applies it within
    LORE_RELOAD_SECONDS."""
    changes = body.model_dump(mode="json", exclude_unset=True)
    outcome = admin.change_guard_policy(changes, admin.principal(key))
    if isinstance(outcome, Approval):
        return JSONResponse(ApprovalOut(**asdict(outcome)).model_dump(), 202)
    return _shown(admin)


def _shown(admin: Admin) -> GuardPolicyOut:
    return GuardPolicyOut.model_validate(shown(admin.guard_policy.read(), admin.settings.guard))
