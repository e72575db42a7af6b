"""The ``roxham`` command: a thin layer over the library.

Each family of commands lives in its own module under :mod:`roxham.cli` and exposes
``register(app)``. Exit codes: 0 ok, 1 the check asked for failed, 2 bad input, 70 an
internal error (a bug; one line, the traceback with ``ROXHAM_DEBUG=1``).
"""

from __future__ import annotations

import importlib
import sys

import typer

from roxham.cli._common import run_app

app = typer.Typer(
    name="roxham",
    help="Roxham: the Canada–US asylum border as law, data and simulation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _root() -> None:
    """Roxham: the Canada–US asylum border as law, data and simulation."""


# Command modules, each with ``register(app: typer.Typer) -> None``.
_COMMAND_MODULES: tuple[str, ...] = (
    "roxham.cli.run_cmd",
    "roxham.cli.forecast_cmd",
    "roxham.cli.runs_cmd",
    "roxham.cli.compare_cmd",
    "roxham.cli.version_cmd",
    "roxham.cli.serve_cmd",
    "roxham.cli.data_cmd",
    "roxham.cli.calibrate_cmd",
    "roxham.cli.flee_cmd",
    "roxham.cli.screen_cmd",
    "roxham.cli.law_cmd",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def _one_line(doc: str) -> str:
    r"""The first paragraph of a docstring as one line (the command list shows it; the
    command's own --help keeps the full text).

    >>> _one_line("Run a scenario and write\n    a run directory.\n\n    More.")
    'Run a scenario and write a run directory.'
    """
    return " ".join(doc.strip().split("\n\n")[0].split())


for _cmd in app.registered_commands:
    if _cmd.short_help is None and _cmd.callback is not None and _cmd.callback.__doc__:
        _cmd.short_help = _one_line(_cmd.callback.__doc__)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``roxham`` console script."""
    sys.exit(run_app(app, argv))


__all__ = ["app", "main"]
