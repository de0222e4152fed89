"""prompts and models: list, show, promote (gated, --canary N) and roll back prompt and model
versions, as `lore versions`, `lore promote` and `lore rollback` do index versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.commands.common import HomeOpt, KeyOpt, admin_for, settings_for
from cli.commands.progress import ingest_progress
from core.errors import BadInput
from lore.releases import Kind
from lore.settings import Settings

console = Console()
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output")]
NoteOpt = Annotated[str, typer.Option("--note", help="Why this version: kept on its record")]
ForceOpt = Annotated[bool, typer.Option("--force",
                                        help="Promote even if the evaluation gate refuses")]
CanaryOpt = Annotated[int | None, typer.Option(
    "--canary", help="Serve this percent of /ask traffic first (sticky per conversation or "
    "API key) until a full promote or a rollback")]
VersionArg = Annotated[str | None, typer.Argument(help="Version id (default: see below)")]


def _registry(settings: Settings, kind: Kind):
    from lore.promotion import registry_of

    return registry_of(settings, kind)


def listing(kind: Kind, home: Path | None, as_json: bool) -> None:
    from lore.release_ops import release_rows

    rows = release_rows(_registry(settings_for(home), kind))
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print(f"no {kind} version recorded yet: what is shipped or configured serves")
        return
    table = Table("id", "status", "created (UTC)", "hash", "gate", "note")
    for r in rows:
        status = f"canary {r['canary_percent']}%" if r["canary_percent"] else r["status"]
        table.add_row(r["id"], status, r["created_at"][:16].replace("T", " "), r["fingerprint"],
                      r["gate"], r["note"])
    console.print(table)


def showing(kind: Kind, version: str | None, home: Path | None, as_json: bool) -> None:
    from lore.release_ops import shown

    record, content = shown(_registry(settings_for(home), kind), version)
    if as_json:
        typer.echo(json.dumps({"id": record.id, "status": str(record.status), **content},
                              indent=2))
        return
    console.print(f"{record.id} ({record.status}, {record.created_at}, hash "
                  f"{record.fingerprint}): {record.report.get('note', '')}", markup=False)
    for name, value in sorted(next(iter(content.values())).items()):
        shown_value = value if isinstance(value, str) else ", ".join(value) or "(all)"
        console.print(f"\n[bold]{name}[/bold]")
        console.print(shown_value, markup=False)


def promoting(kind: Kind, settings: Settings, version: str, force: bool, canary: int | None,
              key: str | None) -> None:
    from lore.approvals import Approval

    admin = admin_for(settings)
    with ingest_progress(console) as progress:
        outcome, message = admin.promote(version, admin.principal(key), force, canary,
                                         progress, kind=kind)
    console.print(message, markup=False)
    if isinstance(outcome, Approval):
        console.print(f"not promoted yet: approval {outcome.id} waits for a second admin")
    elif canary is None:
        console.print(f"{kind} {outcome.id} is now active")
    else:
        console.print(f"{kind} {outcome.id} serves {canary}% of /ask traffic as a canary")


def rolling_back(kind: Kind, home: Path | None) -> None:
    record = _registry(settings_for(home), kind).rollback()
    console.print(f"rolled back: {kind} {record.id} serves all traffic")


prompts_app = typer.Typer(help="Prompt versions: system prompt and answer templates",
                          no_args_is_help=True)
models_app = typer.Typer(help="Model versions: which providers answer the cheap and strong "
                         "routes", no_args_is_help=True)


@prompts_app.command("list")
def prompts_list(home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """Prompt versions, oldest first, with their gate verdict."""
    listing(Kind.PROMPTS, home, as_json)


@prompts_app.command("show")
def prompts_show(version: VersionArg = None, home: HomeOpt = None,
                 as_json: JsonOpt = False) -> None:
    """The texts of VERSION (default: the active one)."""
    showing(Kind.PROMPTS, version, home, as_json)


@prompts_app.command("promote")
def prompts_promote(
    version: VersionArg = None, home: HomeOpt = None,
    source: Annotated[Path | None, typer.Option(
        "--from", help="Prompts folder to record as a new version (default: LORE_PROMPTS_DIR, "
        "else the shipped prompts/)")] = None,
    note: NoteOpt = "", force: ForceOpt = False, canary: CanaryOpt = None, key: KeyOpt = None,
) -> None:
    """Make VERSION active (with LORE_EVAL_SET set, only if it does not regress). Without
    VERSION the prompts folder is recorded as a new version first (an unchanged folder is
    the version it already is)."""
    from answer.prompt import PROMPTS_DIR, read_prompts
    from lore.release_ops import propose_prompts

    settings = settings_for(home)
    if version is None:
        folder = source or settings.release.prompts_dir or PROMPTS_DIR
        made = propose_prompts(settings, read_prompts(folder), note or f"from {folder}")
        console.print(f"recorded {folder} as prompt version {made.id}", markup=False)
        version = made.id
    promoting(Kind.PROMPTS, settings, version, force, canary, key)


@prompts_app.command("rollback")
def prompts_rollback(home: HomeOpt = None) -> None:
    """End a running canary; otherwise return to the previously active prompt version."""
    rolling_back(Kind.PROMPTS, home)


@models_app.command("list")
def models_list(home: HomeOpt = None, as_json: JsonOpt = False) -> None:
    """Model versions, oldest first, with their gate verdict."""
    listing(Kind.MODELS, home, as_json)


@models_app.command("show")
def models_show(version: VersionArg = None, home: HomeOpt = None,
                as_json: JsonOpt = False) -> None:
    """The routes of VERSION (default: the active one)."""
    showing(Kind.MODELS, version, home, as_json)


@models_app.command("promote")
def models_promote(
    version: VersionArg = None, home: HomeOpt = None,
    route: Annotated[list[str] | None, typer.Option(
        "--route", metavar="ROUTE=P1,P2", help="A route's providers in fallback order, e.g. "
        "strong=gpt5,local; repeatable; the other route keeps its providers")] = None,
    note: NoteOpt = "", force: ForceOpt = False, canary: CanaryOpt = None, key: KeyOpt = None,
) -> None:
    """Make VERSION active (with LORE_EVAL_SET set, only if it does not regress). Without
    VERSION a new version is recorded first: the active one with the --route changes, or the
    providers file's `routes:` when none is given."""
    from gateway.config import load_providers
    from lore.release_ops import propose_models

    settings = settings_for(home)
    if version is None:
        changes = _routes(route or [])
        if not changes and settings.gateway.providers is not None:
            spec = load_providers(settings.gateway.providers)
            changes = {str(k): v for k, v in (spec.routes or {}).items()}
        made = propose_models(settings, changes, note or "; ".join(route or ["from the file"]))
        console.print(f"recorded model version {made.id}")
        version = made.id
    promoting(Kind.MODELS, settings, version, force, canary, key)


@models_app.command("rollback")
def models_rollback(home: HomeOpt = None) -> None:
    """End a running canary; otherwise return to the previously active model version."""
    rolling_back(Kind.MODELS, home)


def _routes(given: list[str]) -> dict[str, list[str]]:
    out = {}
    for item in given:
        name, sep, chain = item.partition("=")
        if not sep or not chain.strip():
            raise BadInput(f"--route {item!r}: give ROUTE=PROVIDER[,PROVIDER...]")
        out[name.strip()] = [p.strip() for p in chain.split(",") if p.strip()]
    return out


def register(app: typer.Typer) -> None:
    app.add_typer(prompts_app, name="prompts")
    app.add_typer(models_app, name="models")
