"""guard policy, guard set: the guard policy in force, and changes to it (with LORE_ADMIN_KEYS
a second admin approves them: `lore approvals approve ID`)."""

from __future__ import annotations

import json
from typing import Annotated, Any, get_origin

import typer
from rich.console import Console
from rich.table import Table

from cli.commands.common import HomeOpt, KeyOpt, admin_for, settings_for
from core.errors import BadInput
from guard.config import GuardSettings

console = Console()
guard_app = typer.Typer(help="The guard policy in force, and changes to it (a second admin "
                        "approves them when LORE_ADMIN_KEYS is set)", no_args_is_help=True)


def value_of(name: str, text: str) -> Any:
    """VALUE as JSON (true, 0.7, null, ["a, b"]) or else as text; a list field also takes
    comma-separated text (`blocked_terms=project falcon,codename`), and "" for none."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    field = GuardSettings.model_fields.get(name)
    if field is not None and get_origin(field.annotation) is list:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def changes_of(assignments: list[str]) -> dict[str, Any]:
    changes = {}
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        if not sep or not name.strip():
            raise BadInput(f"{assignment!r}: write FIELD=VALUE, e.g. blocked_terms=falcon")
        changes[name.strip()] = value_of(name.strip(), text)
    return changes


@guard_app.command()
def policy(home: HomeOpt = None,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The policy in force: each field's value and where it comes from, then every change."""
    from lore.guard_policy import shown

    admin = admin_for(settings_for(home))
    view = shown(admin.guard_policy.read(), admin.settings.guard)
    if as_json:
        typer.echo(json.dumps(view, indent=2))
        return
    table = Table("field", "value", "from")
    for name, value in view["policy"].items():
        table.add_row(name, json.dumps(value), "changed" if name in view["overridden"]
                      else "environment")
    console.print(table)
    for c in view["history"]:
        approved = f", approved by {c['approved_by']} ({c['approval']})" if c["approval"] else ""
        console.print(f"{c['at']} {c['by']}{approved}: {json.dumps(c['changes'])}",
                      markup=False)


@guard_app.command("set")
def set_fields(
    assignments: Annotated[list[str], typer.Argument(
        help="FIELD=VALUE ...: JSON or text; a list also comma-separated")],
    home: HomeOpt = None, key: KeyOpt = None,
) -> None:
    """Change policy fields; with LORE_ADMIN_KEYS, once a second admin approves."""
    from lore.approvals import Approval

    admin = admin_for(settings_for(home))
    outcome = admin.change_guard_policy(changes_of(assignments), admin.principal(key))
    if isinstance(outcome, Approval):
        console.print(f"not changed yet: approval {outcome.id} waits for a second admin "
                      f"(`lore approvals approve {outcome.id}`)", markup=False)
    else:
        console.print(f"guard policy changed: {json.dumps(outcome.history[-1].changes)}",
                      markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(guard_app, name="guard")
