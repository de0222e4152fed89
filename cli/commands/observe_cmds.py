"""trace, traces, feedback export: what requests did, and what users said of the answers."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.commands.common import HomeOpt, settings_for
from core.errors import BadInput, NotFound

if TYPE_CHECKING:
    from lore.observe import Observer

console = Console()
feedback_app = typer.Typer(help="User feedback on answers", no_args_is_help=True)


def _store(home: Path | None) -> Observer:
    from lore.compose import open_observer

    return open_observer(settings_for(home))


def trace(request_id: Annotated[str, typer.Argument(help="A request_id from /ask")],
          home: HomeOpt = None) -> None:
    """One request's timeline: every step, its time and what it recorded."""
    observer = _store(home)
    found = observer.traces.get(request_id)
    observer.close()
    if found is None:
        raise NotFound(f"no trace for request {request_id!r}")
    depth: dict[int, int] = {}
    for i, s in enumerate(found["spans"]):
        depth[i] = 0 if s["parent"] is None else depth[s["parent"]] + 1
        attrs = ", ".join(f"{k}={v}" for k, v in s["attributes"].items())
        console.print(f"{'  ' * depth[i]}{s['name']:<{24 - 2 * depth[i]}} "
                      f"{s['duration_ms']:9.2f} ms  {attrs}", markup=False)
    replay = found["attributes"].get("replay", {})
    for key in ("question", "standalone", "draft", "answer"):
        if replay.get(key):
            console.print(f"{key}: {replay[key]}", markup=False, style="dim")


def _since(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise BadInput(f"--since {value!r}: give an ISO 8601 date or time") from None


def traces(
    home: HomeOpt = None,
    slow: Annotated[float | None, typer.Option("--slow", help="at least this many ms")] = None,
    expensive: Annotated[float | None, typer.Option("--expensive",
                                                    help="costing at least this")] = None,
    abstained: Annotated[bool, typer.Option("--abstained")] = False,
    flagged: Annotated[bool, typer.Option("--flagged", help="a guard flagged it")] = False,
    since: Annotated[str | None, typer.Option("--since", help="ISO 8601 date/time")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recent requests, newest first."""
    from lore.traces import TraceQuery

    observer = _store(home)
    rows = observer.traces.find(TraceQuery(slow, expensive, abstained, flagged, _since(since),
                                           limit))
    observer.close()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("request", "when", "flow", "ms", "version", "abstained", "tokens", "cost",
                  "error")
    for r in rows:
        table.add_row(r["id"], time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["at"])),
                      r["flow"], f"{r['ms']:.1f}", r["version"] or "", str(bool(r["abstained"])),
                      str(r["tokens"]), f"{r['cost']:.5f}", r["error"] or "")
    console.print(table)


@feedback_app.command("export")
def export(out: Annotated[Path, typer.Option("--out", help="JSONL file to write")],
           home: HomeOpt = None) -> None:
    """Feedback as eval cases `lore eval --set FILE` accepts: edits and up-votes as reference
    answers, down-votes as answers not to give again."""
    observer = _store(home)
    cases = observer.feedback.eval_cases()
    observer.close()
    out.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    console.print(f"{len(cases)} eval cases written to {out}")


def register(app: typer.Typer) -> None:
    app.command()(trace)
    app.command()(traces)
    app.add_typer(feedback_app, name="feedback")
