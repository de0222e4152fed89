"""delete and approvals: the sensitive actions that need a second admin."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.commands.common import HomeOpt, KeyOpt, admin_for, settings_for

console = Console()
approvals_app = typer.Typer(help="Sensitive actions waiting for a second admin, and the "
                            "audit trail of decided ones", no_args_is_help=False)


def delete(
    version: Annotated[str, typer.Argument(help="Version id")],
    home: HomeOpt = None, key: KeyOpt = None,
) -> None:
    """Delete a version that serves nothing (with LORE_ADMIN_KEYS: once a second admin
    approves)."""
    from lore.approvals import Approval

    admin = admin_for(settings_for(home))
    outcome = admin.delete(version, admin.principal(key))
    if isinstance(outcome, Approval):
        console.print(f"not deleted yet: approval {outcome.id} waits for a second admin")
    else:
        console.print(f"{outcome.id} deleted")


@approvals_app.callback(invoke_without_command=True)
def listing(ctx: typer.Context, home: HomeOpt = None,
            as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List every request, pending ones included."""
    if ctx.invoked_subcommand is not None:
        return
    found = admin_for(settings_for(home)).approvals.list()
    if as_json:
        typer.echo(json.dumps([asdict(a) for a in found], indent=2))
        return
    table = Table("id", "action", "params", "status", "requested by", "at", "decided by",
                  "result")
    for a in found:
        table.add_row(a.id, a.action, str(a.params), a.status, a.requested_by,
                      a.requested_at[:16], a.decided_by or "", a.result or a.reason)
    console.print(table)


@approvals_app.command()
def approve(approval_id: str, home: HomeOpt = None, key: KeyOpt = None) -> None:
    """Carry a pending action out, as an admin other than the one who asked."""
    admin = admin_for(settings_for(home))
    decided = admin.decide(approval_id, admin.principal(key), approve=True)
    console.print(f"approved {decided.id}: {decided.result}", markup=False)


@approvals_app.command()
def reject(approval_id: str, home: HomeOpt = None, key: KeyOpt = None) -> None:
    """Refuse a pending action."""
    admin = admin_for(settings_for(home))
    decided = admin.decide(approval_id, admin.principal(key), approve=False)
    console.print(f"rejected {decided.id}")


def register(app: typer.Typer) -> None:
    app.command()(delete)
    app.add_typer(approvals_app, name="approvals")
