"""providers, and the printer `ask --stream` writes the draft with."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.commands.common import HomeOpt, settings_for

console = Console()
err = Console(stderr=True)
# A probe is one GET /models: a provider that cannot list its models in this long is not
# going to answer a question in time either.
PROBE_SECONDS = 5.0


def providers(
    home: HomeOpt = None,
    server: Annotated[str | None, typer.Option(
        help="A running lore's URL: show its live breakers (GET /readyz) instead")] = None,
    probe: Annotated[bool, typer.Option(help="Ask each provider for its models")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """The providers of LORE_PROVIDERS in fallback order: model, address, breaker, last error."""
    rows = _live(server) if server else _configured(settings_for(home), probe)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print("no providers configured (LORE_PROVIDERS is unset): answers are extractive")
        return
    table = Table("#", "provider", "model", "address", "breaker", "failures", "last error",
                  "probe")
    for i, r in enumerate(rows, 1):
        table.add_row(str(i), r["name"], r["model"], r.get("address") or "-",
                      r.get("breaker") or "-", str(r.get("failures", 0)),
                      r.get("last_error") or "-", r.get("probe", "-"))
    console.print(table)


def _configured(settings: Any, probe: bool) -> list[dict[str, Any]]:
    from answer.extractive import ExtractiveAnswerer
    from lore.compose import open_gateway

    gateway = open_gateway(settings, ExtractiveAnswerer(threshold=0.0))
    if gateway is None:
        return []
    try:
        rows = gateway.status()
        if probe:
            checks = {p.name: _probe(p) for p in gateway.providers}
            for row in rows:
                row["probe"] = checks.get(row["name"], "-")
        return rows
    finally:
        gateway.close()


def _probe(provider: Any) -> str:
    from gateway.errors import Failure

    try:
        return f"ok ({len(provider.models(PROBE_SECONDS))} models)"
    except Failure as failure:
        return f"{failure.kind}: {failure.detail}"


def _live(server: str) -> list[dict[str, Any]]:
    import httpx

    from core.errors import Upstream

    try:
        body = httpx.get(f"{server.rstrip('/')}/readyz", timeout=PROBE_SECONDS).json()
    except (httpx.HTTPError, ValueError) as exc:
        raise Upstream(f"cannot read {server}/readyz: {exc}") from None
    return list(body.get("providers", []))


class StreamPrinter:
    """The sink of `lore ask --stream`: text to stdout as it arrives, failovers to stderr."""

    def __init__(self) -> None:
        self.text = ""

    def __call__(self, event: object) -> None:
        from answer.base import Delta, Failover

        if isinstance(event, Delta):
            self.text += event.text
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, Failover):
            err.print(f"\n[{event.provider} failed mid-answer ({event.status}); the next "
                      "provider continues]", style="yellow", markup=False)


def register(app: typer.Typer) -> None:
    app.command()(providers)
