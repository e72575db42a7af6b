"""``roxham version``."""

from __future__ import annotations

import typer

import roxham
from roxham.cli._common import console


def register(app: typer.Typer) -> None:
    """Add the ``version`` command."""

    @app.command("version")
    def version() -> None:
        """Print Roxham's version."""
        console.print(f"roxham {roxham.__version__}")
