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
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes serving the port, each with its own model and index handles "
        "(default: the number of cores)")] = None,
) -> None:
    """Serve the HTTP API and the web UI: the chat at /, the operator console at /admin."""
    import os

    import uvicorn

    from cli.commands.serving import cores, worker_environment

    settings = settings_for(home)
    workers = workers or cores()
    os.environ.update(worker_environment(settings, workers, port))
    console.print(f"lore on http://{host}:{port}: the chat at /, the console at /admin, the "
                  f"API at /docs (home {settings.home}, {workers} worker{'s' * (workers > 1)})")
    uvicorn.run("api.app:factory", factory=True, host=host, port=port, workers=workers,
                log_level="info")


def ask(
    question: Annotated[str, typer.Argument(help="The question")],
    home: HomeOpt = None,
    budget: Annotated[int | None, typer.Option(help="Token budget")] = None,
    stream: Annotated[bool, typer.Option(
        "--stream", help="Print the model's draft as it is written, then the verified answer")
    ] = False,
) -> None:
    """Answer QUESTION from the active version and print its citations."""
    from cli.commands.gateway_cmds import StreamPrinter
    from lore.compose import build
    from pipeline.state import Query, need

    printer = StreamPrinter() if stream else None
    app = build(settings_for(home))
    try:
        state, _ = app.ask(Query(question, budget=budget, sink=printer))
    finally:
        app.close()
    answer = need(state.answer, "answer")
    if printer is not None:
        console.print()  # ends the streamed draft's line
        if answer.text != printer.text:  # verification dropped or renumbered part of it
            console.print("verified:", style="dim", end=" ")
    if printer is None or answer.text != printer.text:
        console.print(answer.text, markup=False)
    for c in answer.citations:
        page = f", p. {c.page}" if c.page else ""
        console.print(f"[{c.n}] {c.source}{page} — {c.title}", markup=False, style="dim")
    usage = state.draft.usage if state.draft else None
    model = f", {usage.model} via {usage.provider}, {usage.input_tokens}+{usage.output_tokens} " \
        f"tokens, cost {usage.cost:g}" if usage else ""
    console.print(f"(version {state.version}{model})", style="dim", markup=False)


def register(app: typer.Typer) -> None:
    for command in (serve, ask):
        app.command()(command)
