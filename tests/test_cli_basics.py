"""The CLI's plumbing: version, usage errors → exit 2, user errors → one line, exit 2."""

from __future__ import annotations

import subprocess
import sys

import typer

import roxham
from roxham.cli import main
from roxham.cli._common import EXIT_BAD_INPUT, run_app
from roxham.errors import UserError


def test_version_prints_package_version(capsys: object) -> None:
    try:
        main(["version"])
    except SystemExit as e:
        assert e.code == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert out.strip() == f"roxham {roxham.__version__}"


def test_unknown_command_is_bad_input() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "roxham", "no-such-command"], capture_output=True, text=True
    )
    assert proc.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in proc.stderr


def test_user_error_is_one_line_exit_2(capsys: object) -> None:
    app = typer.Typer()

    @app.command()
    def boom() -> None:
        raise UserError("facts.json: field 'age': must be >= 0\nsecond line never shown")

    @app.command()
    def other() -> None:
        pass

    code = run_app(app, ["boom"])
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert code == EXIT_BAD_INPUT
    assert err == "error: facts.json: field 'age': must be >= 0\n"


def test_exit_code_of_a_failed_check_is_kept() -> None:
    app = typer.Typer()

    @app.command()
    def check() -> None:
        raise typer.Exit(1)

    @app.command()
    def other() -> None:
        pass

    assert run_app(app, ["check"]) == 1
    assert run_app(app, ["other"]) == 0


def test_command_list_shows_one_line_per_command() -> None:
    import doctest

    import roxham.cli as cli

    assert doctest.testmod(cli).failed == 0
    for c in cli.app.registered_commands:
        assert c.short_help and "\n" not in c.short_help, c.name
