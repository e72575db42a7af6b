"""``roxham data``: list, show, plot, sources, events and verify the bundled official figures."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from roxham.cli._common import EXIT_CHECK_FAILED, console
from roxham.errors import UserError

if TYPE_CHECKING:  # polars is imported by the commands that use it, not at CLI start-up
    import polars as pl

_SHOW_COLS = ("period_text", "geography", "subgroup", "value", "vintage", "source_url",
              "source_note")


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"
    return "" if v is None else str(v)


_FOLD = ("source_url", "figures", "missing", "where", "file_line")


def _table(df: pl.DataFrame, title: str | None = None, max_width: int | None = None) -> Table:
    """A rich table: numbers right-aligned; URLs folded; long notes cut with an ellipsis."""
    t = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    cap = max_width or 60
    cells = [[_fmt(v) for v in col] for col in df.iter_columns()]
    for c, vals in zip(df.columns, cells, strict=True):
        numeric = df.schema[c].is_numeric()
        width = min(max([len(c), *(len(v) for v in vals)]), cap)
        if c in _FOLD:
            t.add_column(c, overflow="fold", min_width=min(30, width), max_width=cap)
            continue
        t.add_column(c, justify="right" if numeric else "left", overflow="ellipsis",
                     no_wrap=True, min_width=width, max_width=width)
    for row in zip(*cells, strict=True):
        t.add_row(*(Text(v) for v in row))  # Text: brackets in notes are not markup
    return t


def _print(t: Table | Text) -> None:
    # Piped output is not a terminal (rich would assume 80 columns): use a wide page instead.
    out = console if console.is_terminal else Console(highlight=False, width=220)
    out.print(t)


def _print_fixed(df: pl.DataFrame, title: str) -> None:
    """A table of short columns that fits 80 terminal columns, whatever the terminal says."""
    t = Table(title=title, header_style="bold", title_justify="left")
    cells = [[_fmt(v) for v in col] for col in df.iter_columns()]
    for c, vals in zip(df.columns, cells, strict=True):
        width = max([len(c), *(len(v) for v in vals)])
        t.add_column(c, justify="right" if df.schema[c].is_numeric() else "left",
                     no_wrap=True, min_width=width)
    for row in zip(*cells, strict=True):
        t.add_row(*(Text(v) for v in row))
    Console(highlight=False, width=80, force_terminal=console.is_terminal).print(t)


def _emit(df: pl.DataFrame, as_json: bool, as_csv: bool, title: str | None = None) -> None:
    if as_json and as_csv:
        raise UserError("choose one of --json and --csv")
    if as_json:
        sys.stdout.write(json.dumps(df.to_dicts(), default=str, ensure_ascii=False, indent=1))
        sys.stdout.write("\n")
    elif as_csv:
        sys.stdout.write(df.write_csv())
    else:
        _print(_table(df, title, max_width=60))


def _pairs(names: list[str], geos: list[str]) -> list[tuple[str, str]]:
    from roxham.data.plot import default_geography

    if not geos:
        return [(n, default_geography(n)) for n in names]
    geos = [g.strip().upper() for g in geos]
    if len(geos) == 1:
        return [(n, geos[0]) for n in names]
    if len(names) == 1:
        return [(names[0], g) for g in geos]
    if len(names) == len(geos):
        return list(zip(names, geos, strict=True))
    raise UserError(
        f"{len(names)} series and {len(geos)} --geo: give one --geo for all, one series with "
        "several --geo, or as many --geo as series"
    )


def register(app: typer.Typer) -> None:
    """Add the ``data`` command group."""
    data = typer.Typer(
        help="The official numbers: every figure with its source (RCMP, IRCC, IRB, CBP, DHS).",
        no_args_is_help=True,
    )
    app.add_typer(data, name="data")

    @data.command("list")
    def list_cmd(
        wide: Annotated[bool, typer.Option(
            "--wide", help="every raw series × geography with all columns")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="JSON records")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV")] = False,
    ) -> None:
        """Measures (what is counted): geographies, coverage, figures, grades (--wide: all)."""
        if wide:
            from roxham.data import list_series

            df = list_series().select(
                "series", "geography", "first", "last", "n_figures", "n_months", "n_sources",
                "vintages", "title", "unit",
            )
            _emit(df, as_json, as_csv, "Bundled series (roxham data show SERIES --geo GEO)")
            return
        from roxham.data.tidy import list_measures

        df = list_measures()
        if as_json or as_csv:
            _emit(df, as_json, as_csv)
            return
        import polars as pl

        narrow = df.select(
            "measure",
            pl.col("n_geographies").alias("geos"),
            (pl.col("first").dt.strftime("%Y-%m") + ".." + pl.col("last").dt.strftime("%Y-%m"))
            .alias("coverage"),
            pl.col("n_figures").alias("figures"),
            (pl.col("n_official") * 100 / pl.col("n_figures")).round(0).cast(pl.Int64)
            .alias("official%"),
        )
        _print_fixed(narrow, "Measures (roxham data show MEASURE --geo GEO; --wide for all)")

    @data.command("show")
    def show_cmd(
        name: Annotated[str, typer.Argument(metavar="SERIES", help="e.g. rcmp_interceptions")],
        geo: Annotated[str | None, typer.Option("--geo", help="geography code, e.g. QC")] = None,
        start: Annotated[str | None, typer.Option("--from", help="first month, YYYY-MM")] = None,
        end: Annotated[str | None, typer.Option("--to", help="last month, YYYY-MM")] = None,
        subgroup: Annotated[str, typer.Option(
            "--subgroup", help="'all' (default), a breakdown such as office=airport, or 'any'"
        )] = "all",
        vintage: Annotated[str | None, typer.Option(
            "--vintage", help="only official, first_reported, press, …")] = None,
        monthly_only: Annotated[bool, typer.Option(
            "--monthly", help="one preferred figure per month, missing months marked")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="JSON records")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV")] = False,
    ) -> None:
        """Every figure of a series with its source (or --monthly: one per month)."""
        from roxham.data import monthly, series
        from roxham.data.plot import default_geography

        if monthly_only:
            g = geo.strip().upper() if geo else default_geography(name)
            df = monthly(name, g, start, end, subgroup=subgroup)
            df = df.select("month", "value", "missing", "conflict", "n_figures", "vintage",
                           "source_url")
        else:
            df = series(name, geo, start, end, subgroup=None if subgroup == "any" else subgroup,
                        vintage=vintage)
            if df.height == 0:
                raise UserError(
                    f"series {name!r} has no figures"
                    + (f" for {geo}" if geo else "")
                    + (f" in subgroup {subgroup!r}" if subgroup != "all" else "")
                    + " in that range (`roxham data list` shows coverage)"
                )
            full = as_json or as_csv
            df = df.select(
                "period", "period_text", "period_kind", "start", "end", "series", "geography",
                "subgroup", "value", "unit", "approx", "vintage", "value_text", "source_url",
                "source_note", "file", "line",
            ) if full else df.select(*_SHOW_COLS)
        _emit(df, as_json, as_csv, f"{name}" + (f" — {geo.upper()}" if geo else ""))

    @data.command("plot")
    def plot_cmd(
        names: Annotated[list[str], typer.Argument(metavar="SERIES...", help="series names")],
        out: Annotated[Path, typer.Option("-o", "--output", help="FILE.png or FILE.html")],
        geo: Annotated[list[str] | None, typer.Option(
            "--geo", help="geography code; repeat for several lines")] = None,
        start: Annotated[str | None, typer.Option("--from", help="first month, YYYY-MM")] = None,
        end: Annotated[str | None, typer.Option("--to", help="last month, YYYY-MM")] = None,
    ) -> None:
        """Chart of monthly series: title, units, missing months, sources (PNG or HTML)."""
        from roxham.data.plot import plot_series

        path = plot_series(_pairs(names, geo or []), out, start, end)
        console.print(f"wrote {path}")

    @data.command("sources")
    def sources_cmd(
        name: Annotated[str, typer.Argument(metavar="SERIES")],
        geo: Annotated[str | None, typer.Option("--geo", help="geography code, e.g. QC")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON records")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV")] = False,
    ) -> None:
        """The sources of a series: URL, number of figures, vintages, period covered."""
        from roxham.data import sources

        df = sources(name, geo)
        _emit(df, as_json, as_csv, f"Sources of {name}" + (f" — {geo.upper()}" if geo else ""))

    @data.command("events")
    def events_cmd(
        start: Annotated[str | None, typer.Option("--from", help="first day, YYYY-MM[-DD]")] = None,
        end: Annotated[str | None, typer.Option("--to", help="last day, YYYY-MM[-DD]")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON records")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV")] = False,
    ) -> None:
        """Dated events on both sides of the border, each with its source."""
        from roxham.data import events
        from roxham.data.query import parse_bound

        s = parse_bound(start, end=False, what="start (--from)")
        e = parse_bound(end, end=True, what="end (--to)")
        if s is not None and e is not None and s > e:
            raise UserError(f"start {s.isoformat()} (--from) is after end {e.isoformat()} (--to)")
        df = events(s, e).select("date_text", "event", "source_url")
        _emit(df, as_json, as_csv, "Dated events")

    @data.command("verify")
    def verify_cmd(
        as_json: Annotated[bool, typer.Option("--json", help="full report as JSON")] = False,
        details: Annotated[bool, typer.Option(
            "--details", help="also list every conflict and mismatch")] = False,
    ) -> None:
        """Cross-checks: monthly sums vs totals, provinces vs national, conflicts, gaps.

        Exit 1 when two current official figures disagree (a likely transcription error);
        conflicts between sources and missing months are reported, not failures.
        """
        from roxham.data import verify

        rep = verify()
        if as_json:
            payload = {
                "ok": rep.ok,
                "problems": rep.problems.to_dicts(),
                "aggregates": rep.aggregates.to_dicts(),
                "parts": rep.parts.to_dicts(),
                "conflicts": rep.conflicts.to_dicts(),
                "gaps": rep.gaps.to_dicts(),
            }
            sys.stdout.write(json.dumps(payload, default=str, ensure_ascii=False, indent=1))
            sys.stdout.write("\n")
        else:
            import polars as pl

            _print(Text(rep.summary()))
            mism = rep.aggregates.filter(pl.col("status") == "mismatch").select(
                "series", "geography", "period_text", "vintage", "aggregate", "monthly_sum",
                "diff", "file_line")
            parts = rep.parts.filter(pl.col("status") == "mismatch").select(
                "series", "geography", "period_text", "vintage", "total", "parts_sum", "diff",
                "file_line")
            gaps = rep.gaps.filter(pl.col("n_missing") > 0).select(
                "series", "geography", "subgroup", "n_missing", "missing")
            conf = rep.conflicts.sort("spread", descending=True)
            if not details:
                conf = conf.head(10)
            _print(_table(conf.select(
                "series", "geography", "period_text", "n_figures", "min", "max", "spread",
                "kind", "figures"),
                f"Conflicts between sources ({rep.conflicts.height}; "
                + ("all" if details else "10 largest, --details for all") + ")", 80))
            _print(_table(mism, "Aggregates that differ from their monthly sum", 50))
            _print(_table(parts, "National totals that differ from their parts", 50))
            _print(_table(gaps, "Months without a figure", 70))
            if not rep.ok:
                _print(_table(rep.problems, "PROBLEMS: official figures disagree", 50))
        if not rep.ok:
            raise typer.Exit(EXIT_CHECK_FAILED)
