"""The ``roxham calibrate`` command on a bare Typer app, for the CLI tests of this package."""

from __future__ import annotations

import typer


def calibrate_app() -> typer.Typer:
    """A Typer app holding only ``roxham calibrate`` (its callback keeps it a group)."""
    from roxham.cli.calibrate_cmd import register

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test root"""

    register(app)
    return app
