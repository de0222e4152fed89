"""ingest, versions, promote, rollback."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.commands.common import HomeOpt, KeyOpt, admin_for, settings_for
from cli.commands.progress import ingest_progress
from core.errors import Conflict, NotFound
from lore.settings import Settings
from lore.stores import open_registry, open_store
from lore.versions import version_rows

if TYPE_CHECKING:
    from index.base import IndexStore, VersionRegistry
    from ingestion.cron import Cron
    from ingestion.runner import Job

console = Console()


def ingest(
    path: Annotated[Path, typer.Argument(help="File or folder of documents")],
    home: HomeOpt = None,
    trust: Annotated[Path | None, typer.Option("--trust", help="Trust config (YAML/TOML)")] = None,
    promote: Annotated[bool, typer.Option(
        "--promote", help="Make the new version active if the evaluation gate allows")] = False,
    skip_if_unchanged: Annotated[bool, typer.Option(
        "--skip-if-unchanged",
        help="Build nothing when no file was added, changed or deleted since the active version",
    )] = False,
    schedule: Annotated[str | None, typer.Option(
        "--schedule", metavar="CRON",
        help="Stay in the foreground and ingest on this cron schedule, e.g. '0 2 * * *'",
    )] = None,
) -> None:
    """Build a new immutable index version from PATH; unchanged documents are carried over
    from the active version without re-embedding."""
    from ingestion.cron import parse_cron
    from ingestion.runner import Job
    from ingestion.trust import load_trust

    settings = settings_for(home, trust_file=trust)
    load_trust(settings.ingest.trust_file)  # a broken trust file fails now, not at a run
    if not path.exists():
        raise NotFound(f"{path}: no such file or folder")
    cron = parse_cron(schedule) if schedule else None
    job = Job(settings.ingest, settings.home, path, promote, skip_if_unchanged)
    store, registry = open_store(settings), open_registry(settings)
    if cron is None:
        _ingest_once(settings, job, store, registry)
    else:
        _ingest_on_schedule(settings, job, store, registry, cron)


def _ingest_once(settings: Settings, job: Job, store: IndexStore,
                 registry: VersionRegistry) -> None:
    from ingestion.runner import run_job
    from ingestion.runs import Outcome
    from ingestion.summary import summary_lines
    from lore.promotion import unattended
    from lore.stores import load_ingest_embedder

    with ingest_progress(console) as progress:
        record = run_job(job, store, registry, lambda: load_ingest_embedder(settings),
                         unattended(settings), progress)
    typer.echo("\n".join(summary_lines(record, job.promote)))
    if job.promote and record.outcome is Outcome.BUILT and not record.promoted:
        raise Conflict(f"the evaluation gate kept {record.version} from being promoted; it "
                       f"stays ready (`lore promote {record.version} --force` overrides)")


def _ingest_on_schedule(settings: Settings, job: Job, store: IndexStore,
                        registry: VersionRegistry, cron: Cron) -> None:
    from ingestion.cron import next_fire
    from ingestion.runner import run_job
    from ingestion.schedule import scheduled
    from ingestion.summary import summary_lines
    from lore.promotion import unattended
    from lore.stores import load_ingest_embedder

    def next_run() -> str:
        return f"next run {next_fire(cron, datetime.now()):%Y-%m-%d %H:%M}"

    embedder = load_ingest_embedder(settings)  # loaded at the first run that embeds, then kept
    promote = unattended(settings)
    typer.echo(f"ingesting {job.root} on a schedule, Ctrl-C stops; runs are recorded under "
               f"{job.home / 'runs'}; {next_run()}")
    for due, result in scheduled(
        cron, lambda: run_job(job, store, registry, lambda: embedder, promote)
    ):
        if isinstance(result, Exception):
            typer.echo(f"lore: the {due:%Y-%m-%d %H:%M} run failed: {result}", err=True)
        else:
            typer.echo("\n".join(summary_lines(result, job.promote)))
        typer.echo(next_run())


def versions(
    home: HomeOpt = None, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List index versions with their gate verdict and serving statistics."""
    from evaluation.gate import label as gate_label
    from ingestion.cleanup import reap
    from lore.feedback import FeedbackStore
    from lore.stats import ServingStats

    settings = settings_for(home)
    registry = open_registry(settings)  # first: an unusable home is a one-line error
    reap(open_store(settings), registry)  # builds whose builder died show as failed
    stats = ServingStats(settings.home / "stats.sqlite")
    feedback = FeedbackStore(settings.home / "feedback.sqlite")
    rows = version_rows(registry, stats, feedback)
    stats.close()
    feedback.close()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("id", "status", "docs", "chunks", "created (UTC)", "gate", "asks", "abstain",
                  "p50 ms", "up/down")
    for r in rows:
        served, rated = r["serving"] or {}, r["feedback"]
        table.add_row(
            r["id"], _status(r), str(r["documents"]), str(r["chunks"]),
            r["created_at"][:16].replace("T", " "), gate_label(r["eval"]),
            str(served.get("requests", "")), _pct(served.get("abstention_rate")),
            str(served.get("p50_ms", "")),
            f"{rated['up']}/{rated['down']}" if rated else "",
        )
    console.print(table)


def _status(row: dict) -> str:
    if row["canary_percent"]:
        return f"canary {row['canary_percent']}%"
    return str(row["status"])


def _pct(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


def promote(
    version: Annotated[str, typer.Argument(help="Version id")],
    home: HomeOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Promote even if the evaluation gate refuses")
    ] = False,
    canary: Annotated[
        int | None,
        typer.Option("--canary", help="Send this percent of /ask traffic to VERSION first"),
    ] = None,
    key: KeyOpt = None,
) -> None:
    """Make VERSION the active one; with LORE_EVAL_SET set, only if it does not regress.

    With --canary N it serves N% of /ask traffic (sticky per conversation or API key) until
    `lore promote VERSION` finishes the rollout or `lore rollback` ends it."""
    from cli.commands.eval_cmds import promote_with_report
    from lore.approvals import Approval

    record = promote_with_report(admin_for(settings_for(home)), version, force, canary, key)
    if isinstance(record, Approval):
        console.print(f"not promoted yet: approval {record.id} waits for a second admin")
    elif canary is None:
        console.print(f"{record.id} is now active")
    else:
        console.print(f"{record.id} serves {canary}% of /ask traffic as a canary")


def rollback(
    home: HomeOpt = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="A formerly active version; more than one step back needs a second "
        "admin")] = None,
    key: KeyOpt = None,
) -> None:
    """Return to the previously active version (or to an earlier one, with --to)."""
    from lore.approvals import Approval

    admin = admin_for(settings_for(home))
    record = admin.rollback(admin.principal(key), to)
    if isinstance(record, Approval):
        console.print(f"not rolled back yet: approval {record.id} waits for a second admin "
                      f"({record.reason})")
    else:
        console.print(f"rolled back: {record.id} serves all traffic")


def register(app: typer.Typer) -> None:
    for command in (ingest, versions, promote, rollback):
        app.command()(command)
