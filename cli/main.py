"""The `lore` command: one entry point, LoreError -> a one-line message and an exit code."""

from __future__ import annotations

import signal
import sys

import click
import typer

from cli.commands import (
    admin_cmds,
    eval_cmds,
    gateway_cmds,
    guard_cmds,
    index_cmds,
    observe_cmds,
    prompt_cmds,
    query_cmds,
)
from core.errors import (
    BadInput,
    Conflict,
    Forbidden,
    IndexBuildError,
    LoreError,
    NotFound,
    NotReady,
    Upstream,
)
from lore.offline import stay_offline

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
index_cmds.register(app)
query_cmds.register(app)
eval_cmds.register(app)
admin_cmds.register(app)
observe_cmds.register(app)
gateway_cmds.register(app)
prompt_cmds.register(app)
guard_cmds.register(app)

EXIT_CODES: dict[type[LoreError], int] = {
    IndexBuildError: 1,
    BadInput: 2,
    NotFound: 3,
    NotReady: 4,
    Conflict: 5,
    Forbidden: 6,
    Upstream: 7,
}


def exit_code(exc: LoreError) -> int:
    return next((code for cls, code in EXIT_CODES.items() if isinstance(exc, cls)), 1)


def _terminate(signum: int, frame: object) -> None:
    # `docker stop` sends SIGTERM: unwind like Ctrl-C so a half-built version is marked failed
    # and removed at once instead of waiting for the next run to reap it.
    raise KeyboardInterrupt


def main() -> None:
    stay_offline()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app(standalone_mode=False)
    except LoreError as exc:
        print(f"lore: {exc}", file=sys.stderr)
        sys.exit(exit_code(exc))
    except KeyboardInterrupt:
        print("lore: interrupted", file=sys.stderr)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: click's own message and code 2
        exc.show()
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, EOFError):
        sys.exit(1)
