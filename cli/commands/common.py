"""Options and settings shared by the sub-commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lore.settings import Settings

if TYPE_CHECKING:
    from lore.admin import Admin

HomeOpt = Annotated[
    Path | None, typer.Option("--home", help="State folder (default: $LORE_HOME or ./.lore)")
]


KeyOpt = Annotated[str | None, typer.Option(
    "--key", envvar="LORE_ADMIN_KEY",
    help="Your admin key: with LORE_ADMIN_KEYS set, sensitive actions need a second admin's")]


def admin_for(settings: Settings) -> Admin:
    """The admin actions on the settings' home, as the API's admin routes run them."""
    from lore.admin import Admin, approvals_of
    from lore.stores import open_registry, open_store

    return Admin(settings, open_registry(settings), open_store(settings), approvals_of(settings))


def settings_for(home: Path | None, **overrides: object) -> Settings:
    """Environment settings with command-line overrides on top."""
    values = {k: v for k, v in {"home": home, **overrides}.items() if v is not None}
    return Settings.model_validate(values)
