"""The sensitive admin actions, through a second admin when the deployment has admin keys
(lore/approvals.py): the API's admin routes and the CLI both call these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.errors import Conflict, Forbidden
from evaluation.gate import GateRefused
from evaluation.runner import Progress, no_progress
from index.base import IndexStore, VersionRegistry
from index.versions import VersionRecord, check_deletable
from ingestion.cleanup import drop
from lore import promotion
from lore.approvals import Action, Approval, Approvals
from lore.guard_policy import Policy, PolicyStore, checked
from lore.limits import principal_of
from lore.releases import Kind
from lore.settings import Settings
from lore.stores import ensure_home

if TYPE_CHECKING:
    from lore.compose import Lore

Outcome = VersionRecord | Approval  # done at once, or filed for a second admin


def approvals_of(settings: Settings) -> Approvals:
    return Approvals(ensure_home(settings.home) / "approvals.sqlite")


@dataclass
class Admin:
    settings: Settings
    registry: VersionRegistry
    store: IndexStore
    approvals: Approvals
    app: Lore | None = None  # the API's query side, for the gate; the CLI builds one if needed

    @property
    def two_admins(self) -> bool:
        return bool(self.settings.serve.admin_keys)

    def principal(self, key: str | None) -> str:
        """The admin acting; with admin keys configured, the key must be one of them."""
        if self.two_admins and key not in self.settings.serve.admin_keys:
            raise Forbidden("this needs an admin key: pass one of LORE_ADMIN_KEYS (--key)")
        return principal_of(key)

    def promote(self, version: str, by: str, force: bool = False, canary: int | None = None,
                progress: Progress = no_progress,
                kind: Kind = Kind.INDEX) -> tuple[Outcome, str]:
        """What happened, and the gate's word on it; `kind`: an index, prompt or model
        version (lore/releases.py)."""
        try:
            record, decision = promotion.promote(self.settings, version, False, canary,
                                                 progress, app=self.app, kind=kind)
            return record, decision.message
        except GateRefused as refused:
            if not force:
                raise
            if not self.two_admins:
                return (self._force(version, canary, kind),
                        f"{refused}. Promoted anyway (--force)")
            filed = self.approvals.request(Action.FORCE_PROMOTE, {"version": version,
                                           "canary": canary, "kind": str(kind)}, by,
                                           str(refused))
            return filed, (f"{refused}. Forcing it needs a second admin: approval {filed.id} "
                           f"is pending (`lore approvals approve {filed.id}`)")

    def rollback(self, by: str, to: str | None = None) -> Outcome:
        steps = self.registry.steps_back(to) if to else 1
        if steps == 0:  # refused now, not after a second admin's approval
            raise Conflict(f"cannot roll back to {to}: it never served (lore versions lists "
                           "the versions that did)")
        if to is None or steps == 1:
            return self.registry.rollback() if to is None else self.registry.rollback_to(to)
        if not self.two_admins:
            return self.registry.rollback_to(to)
        return self.approvals.request(Action.ROLLBACK_TO, {"version": to}, by,
                                      f"a rollback {steps} steps back, past versions that "
                                      "served since")

    def delete(self, version: str, by: str) -> Outcome:
        canary = self.registry.canary()  # refused now, not after a second admin's approval
        check_deletable(self.registry.get(version), canary[0] if canary else None)
        if not self.two_admins:
            return self._delete(version)
        return self.approvals.request(Action.DELETE_VERSION, {"version": version}, by,
                                      "deleting a version cannot be undone")

    @property
    def guard_policy(self) -> PolicyStore:
        return PolicyStore(ensure_home(self.settings.home))

    def change_guard_policy(self, changes: Mapping[str, Any], by: str) -> Policy | Approval:
        """Checked first: an unknown field or a bad value is refused, nothing is filed."""
        made = checked(self.guard_policy.effective(self.settings.guard), changes)
        if not self.two_admins:
            return self._set_policy(made, by)
        return self.approvals.request(Action.GUARD_POLICY, {"changes": made}, by,
                                      f"a guard policy change ({', '.join(made)}) decides what "
                                      "every question and answer may hold")

    def decide(self, approval_id: str, by: str, approve: bool) -> Approval:
        return self.approvals.decide(approval_id, by, approve,
                                     lambda approval: self._carry_out(approval, by))

    def _carry_out(self, approval: Approval, by: str) -> str:
        p = approval.params
        if approval.action is Action.GUARD_POLICY:
            self._set_policy(p["changes"], approval.requested_by, approval.id, by)
            return f"{approval.action}: {', '.join(p['changes'])} changed"
        if approval.action is Action.FORCE_PROMOTE:
            record = self._force(p["version"], p.get("canary"), Kind(p.get("kind", "index")))
        elif approval.action is Action.ROLLBACK_TO:
            record = self.registry.rollback_to(p["version"])
        else:
            record = self._delete(p["version"])
        return f"{approval.action}: {record.id} is {record.status}"

    def _force(self, version: str, canary: int | None, kind: Kind = Kind.INDEX) -> VersionRecord:
        return promotion.promote(self.settings, version, True, canary, app=self.app,
                                 kind=kind)[0]

    def _set_policy(self, changes: Mapping[str, Any], by: str, approval: str | None = None,
                    approved_by: str | None = None) -> Policy:
        """Kept for every process; this one serves it from its next request, the others
        within LORE_RELOAD_SECONDS."""
        policy = self.guard_policy.change(self.settings.guard, changes, by, approval,
                                          approved_by)
        if self.app is not None:
            self.app.served.refresh()
        return policy

    def _delete(self, version: str) -> VersionRecord:
        record = self.registry.delete(version)
        drop(self.store, version)
        return record
