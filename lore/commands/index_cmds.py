"""ingest, versions, promote, rollback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lore.commands.common import HomeOpt, settings_for
from lore.commands.progress import ingest_progress
from lore.versions import version_rows
from lore.wiring import open_registry, open_store

console = Console()


def ingest(
    path: Annotated[Path, typer.Argument(help="File or folder of documents")],
    home: HomeOpt = None,
    trust: Annotated[Path | None, typer.Option("--trust", help="Trust config (YAML/TOML)")] = None,
    promote: Annotated[bool, typer.Option("--promote", help="Make the new version active")] = False,
) -> None:
    """Build a new immutable index version from PATH."""
    from ingestion.cache import EmbeddingCache
    from ingestion.pipeline import Ingestor
    from ingestion.trust import load_trust
    from lore.wiring import load_embedder

    settings = settings_for(home, trust_file=trust)
    trust_config = load_trust(settings.trust_file)
    if not path.exists():
        raise typer.BadParameter(f"{path}: no such file or folder", param_hint="PATH")
    ingestor = Ingestor(
        settings, open_store(settings), open_registry(settings), load_embedder(settings),
        EmbeddingCache(settings.home / "cache" / "embeddings.sqlite"), trust_config,
    )
    with ingest_progress(console) as progress:
        report = ingestor.run(path, promote=promote, progress=progress)
    print_report(report.as_dict(), promoted=promote)


def print_report(r: dict, promoted: bool) -> None:
    state = "built and promoted" if promoted else "built (not active: run `lore promote`)"
    console.print(f"[bold]{r['version']}[/] {state}")
    console.print(
        f"documents indexed {r['documents']} of {r['files']} files · chunks {r['chunks']} · "
        f"embedded {r['embedded']} · reused from cache {r['reused']} · {r['seconds']:.1f} s"
    )
    for s in r["skipped"]:
        console.print(f"  skipped {s['source']}: {s['reason']}", markup=False)
    for w in r["warnings"]:
        console.print(f"  warning {w['source']}: {w['warning']}", markup=False)


def versions(
    home: HomeOpt = None, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List index versions."""
    rows = version_rows(open_registry(settings_for(home)))
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("id", "status", "active", "documents", "chunks", "created_at", "model")
    for r in rows:
        table.add_row(r["id"], r["status"], "*" if r["active"] else "", str(r["documents"]),
                      str(r["chunks"]), r["created_at"], r["embedding_model"])
    console.print(table)


def promote(version: Annotated[str, typer.Argument(help="Version id")], home: HomeOpt = None) -> None:
    """Make VERSION the active one."""
    record = open_registry(settings_for(home)).promote(version)
    console.print(f"{record.id} is now active")


def rollback(home: HomeOpt = None) -> None:
    """Return to the previously active version."""
    record = open_registry(settings_for(home)).rollback()
    console.print(f"rolled back: {record.id} is now active")


def register(app: typer.Typer) -> None:
    for command in (ingest, versions, promote, rollback):
        app.command()(command)
