"""Run ``roxham data …`` in-process for the data CLI tests (one copy for every test module)."""

from __future__ import annotations

import pytest
import typer

from roxham.cli import data_cmd
from roxham.cli._common import run_app


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test root."""

    data_cmd.register(app)
    return app


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``roxham data ARGS``."""
    code = run_app(_app(), ["data", *args])
    out = capsys.readouterr()
    return code, out.out, out.err
