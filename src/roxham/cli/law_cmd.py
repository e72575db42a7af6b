"""``roxham law provisions`` and ``roxham law show ID``: the provisions, their texts and dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from roxham.cli._common import console
from roxham.errors import UserError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError("--as-of: expected a date YYYY-MM-DD") from None


def _interval(start: dt.date, end: dt.date | None) -> str:
    """``start → last day`` (versions run to the day before ``end``)."""
    s = "" if start == dt.date.min else start.isoformat()
    last = (end - dt.timedelta(days=1)).isoformat() if end else ""
    return f"{s} → {last}".strip()


def register(app: typer.Typer) -> None:
    """Add the ``law`` command group."""
    law = typer.Typer(help="The STCA provisions: texts, dates, sources.", no_args_is_help=True)
    app.add_typer(law, name="law")

    @law.command("provisions")
    def provisions_cmd(
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Only those in force on this day.")
        ] = None,
    ) -> None:
        """List the provisions (in force on --as-of, or all with their dates)."""
        from roxham.law import provisions, provisions_in_force

        day = _date(as_of) if as_of else None
        rows = provisions_in_force(day) if day else provisions()
        table = Table(title=f"Provisions in force on {day}" if day else "Provisions")
        table.add_column("id")
        table.add_column("kind")
        table.add_column("in force")
        table.add_column("marginal note")
        for p in rows:
            vs = p.versions_for()
            if day:
                v = p.version_on(day)
                span = _interval(v.start, v.end) if v else ""
            else:
                span = _interval(vs[0].start, vs[-1].end) if vs else "never"
            table.add_row(Text(p.id), Text(p.kind), Text(span), Text(p.marginal_note))
        console.print(table)

    @law.command("show")
    def show(
        pid: Annotated[str, typer.Argument(help='Provision id, e.g. "IRPR 159.5(c)".')],
    ) -> None:
        """Print one provision with its text(s), dates and source."""
        from roxham.law import get_provision

        p = get_provision(pid)
        console.print(Text(p.id, style="bold"))
        console.print(Text(f"[{p.marginal_note}]", style="italic"))
        if p.overrides:
            console.print(Text(f"Displaces: {p.overrides}"))
        for v in p.versions_for():
            console.print()
            console.print(Text(f"In force: {_interval(v.start, v.end)}", style="bold"))
            console.print(Text(v.text))
            if v.text_fr:
                console.print(Text(f"FR: {v.text_fr}"))
        if p.note:
            console.print()
            console.print(Text(f"Note: {p.note}"))
        console.print()
        console.print(Text(f"Source: {p.source}"))
