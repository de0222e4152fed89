"""serve and ask."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from cli.commands.common import HomeOpt, settings_for

console = Console()


def serve(
    home: HomeOpt = None,
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
) -> None:
    """Serve the HTTP API (/ask, /search, /versions, /healthz, /readyz)."""
    import uvicorn

    from api.app import create_app

    settings = settings_for(home)
    console.print(f"lore API on http://{host}:{port} (home {settings.home})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def ask(
    question: Annotated[str, typer.Argument(help="The question")],
    home: HomeOpt = None,
    budget: Annotated[int | None, typer.Option(help="Token budget")] = None,
) -> None:
    """Answer QUESTION from the active version and print its citations."""
    from lore.compose import build
    from pipeline.state import Query, need

    app = build(settings_for(home))
    try:
        state, _ = app.ask(Query(question, budget=budget))
    finally:
        app.close()
    answer = need(state.answer, "answer")
    console.print(answer.text, markup=False)
    for c in answer.citations:
        page = f", p. {c.page}" if c.page else ""
        console.print(f"[{c.n}] {c.source}{page} — {c.title}", markup=False, style="dim")
    console.print(f"(version {state.version})", style="dim")


def register(app: typer.Typer) -> None:
    for command in (serve, ask):
        app.command()(command)
