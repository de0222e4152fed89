"""Options and settings shared by the sub-commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lore.settings import Settings

HomeOpt = Annotated[
    Path | None, typer.Option("--home", help="State folder (default: $LORE_HOME or ./.lore)")
]


def settings_for(home: Path | None, **overrides: object) -> Settings:
    """Environment settings with command-line overrides on top."""
    values = {k: v for k, v in {"home": home, **overrides}.items() if v is not None}
    return Settings.model_validate(values)
