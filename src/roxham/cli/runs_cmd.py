"""``roxham runs gc``: remove the temporary folders that killed runs left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roxham.cli._common import console


def register(app: typer.Typer) -> None:
    """Add the ``runs`` command group."""
    runs = typer.Typer(help="Manage run directories.", no_args_is_help=True)

    @runs.command("gc")
    def gc(
        folders: Annotated[
            list[Path] | None,
            typer.Argument(help="Folders holding run directories (default: ./roxham-runs "
                           "and ./roxham-data/runs, the web app's)."),
        ] = None,
    ) -> None:
        """Remove hidden temporary folders (.NAME.tmp-PID) that no live writer holds: what a
        killed `roxham run` or server left behind. Finished runs are never touched."""
        from roxham.store.claim import collect_garbage

        roots = folders or [Path("roxham-runs"), Path("roxham-data") / "runs"]
        removed = [p for root in roots for p in collect_garbage(root)]
        for p in removed:
            console.print(f"removed {p}", markup=False)
        console.print(f"removed {len(removed)} temporary folder(s)", markup=False)

    app.add_typer(runs, name="runs")
