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


def _targets() -> list[tuple[str, str, str, str, str]]:
    """The Canada–US calibration targets as (key, series, geography, subgroup, frequency)."""
    from roxham.calibrate.priors import CANADA_US_TARGETS

    return [(t.key, t.data_name or t.series, t.data_geography or t.geography, t.data_subgroup,
             t.frequency) for t in CANADA_US_TARGETS]


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
        name: Annotated[str, typer.Argument(
            metavar="NAME", help="a measure (asylum_claims …) or a series name")],
        geo: Annotated[str | None, typer.Option("--geo", help="geography code, e.g. QC")] = None,
        office: Annotated[str | None, typer.Option(
            "--office", help="claim office: airport, land_poe, inland, other, total (default)"
        )] = None,
        start: Annotated[str | None, typer.Option("--from", help="first month, YYYY-MM")] = None,
        end: Annotated[str | None, typer.Option("--to", help="last month, YYYY-MM")] = None,
        subgroup: Annotated[str, typer.Option(
            "--subgroup", help="series view: 'all' (default), a breakdown such as "
                               "office=airport, or 'any'"
        )] = "all",
        vintage: Annotated[str | None, typer.Option(
            "--vintage", help="a release date YYYY-MM-DD of the IRCC table (default: newest; "
                              "`roxham data vintages`), or, for a series, a status: official, "
                              "first_reported, press, …")] = None,
        kind: Annotated[str | None, typer.Option(
            "--kind", help="measure view: month, year, fiscal_year, range, cumulative, …")] = None,
        monthly_only: Annotated[bool, typer.Option(
            "--monthly", help="one preferred figure per month, missing months marked")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="JSON records")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV")] = False,
    ) -> None:
        """Every figure of a measure (or series) with its grade, vintage and source.

        A measure (``roxham data list``) is shown in the tidy view: period (YYYY-MM for a
        month), value, grade, vintage, source_url, … — an empty range prints the header only.
        ``asylum_claims`` defaults to ``--office total``. A series name (``roxham data list
        --wide``) shows the raw series view (or --monthly: one figure per month).
        """
        import re

        from roxham.data import monthly, series, series_names
        from roxham.data.measures import MEASURES
        from roxham.data.plot import default_geography

        if name == "usbp_apprehensions":  # issue 15: one preferred figure per month
            from roxham.data.usbp import usbp_apprehensions

            if office is not None or kind is not None or vintage is not None:
                raise UserError("usbp_apprehensions takes --geo, --from, --to, --subgroup only")
            _emit(usbp_apprehensions(geo or "US-SWANTON", start, end, subgroup=subgroup),
                  as_json, as_csv, f"usbp_apprehensions — {(geo or 'US-SWANTON').upper()}")
            return

        release = vintage if vintage and re.fullmatch(r"\d{4}-\d{2}-\d{2}", vintage) else None
        measure_view = name in MEASURES and not monthly_only and (
            office is not None or kind is not None or release is not None
            or name == "asylum_claims" or name not in series_names())
        if measure_view:
            from roxham.data.tidy import measure_figures

            if vintage is not None and release is None:
                raise UserError(f"--vintage {vintage!r}: a measure takes a release date "
                                "YYYY-MM-DD (`roxham data vintages`)")
            df = measure_figures(name, geo, office, start, end, kind=kind, vintage=release)
            if df.height == 0 and not (as_json or as_csv):
                sys.stderr.write(f"no figures of {name} for that selection "
                                 "(`roxham data list` shows coverage)\n")
                return
            if not (as_json or as_csv):
                df = df.select("period", "geography", "office", "value", "qualifier", "grade",
                               "vintage", "source_url", "source_note")
            _emit(df, as_json, as_csv, name + (f" — {geo.upper()}" if geo else "")
                  + (f" — {office}" if office else ""))
            return
        if office is not None or kind is not None:
            raise UserError(f"--office and --kind apply to measures; {name!r} is not one "
                            f"(measures: {', '.join(MEASURES)})")
        if monthly_only:
            g = geo.strip().upper() if geo else default_geography(name)
            df = monthly(name, g, start, end, subgroup=subgroup)
            df = df.select("month", "value", "missing", "conflict", "n_figures", "vintage",
                           "grade", "source_url")
        else:
            df = series(name, geo, start, end, subgroup=None if subgroup == "any" else subgroup,
                        vintage=None if release else vintage)
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
                "subgroup", "value", "unit", "approx", "vintage", "grade", "release",
                "value_text", "source_url", "source_note", "file", "line",
            ) if full else df.select(*_SHOW_COLS)
        _emit(df, as_json, as_csv, f"{name}" + (f" — {geo.upper()}" if geo else ""))

    @data.command("import")
    def import_cmd(
        path: Annotated[Path, typer.Argument(metavar="FILE.xlsx",
                                             help="IRCC open-data workbook")],
        source_url: Annotated[str | None, typer.Option(
            "--source-url", help="where the workbook was downloaded (default: open.canada.ca)"
        )] = None,
    ) -> None:
        """Import an IRCC asylum claims workbook (claim office type × province × month).

        The figures go to the user data directory ($ROXHAM_DATA_DIR, else the platform's),
        as a new vintage; the newest vintage of each figure is used everywhere.
        """
        from roxham.data.ircc import DEFAULT_SOURCE_URL
        from roxham.data.store import import_workbook, store_dir

        res = import_workbook(path, source_url or DEFAULT_SOURCE_URL)
        v = res.vintage
        if res.added:
            console.print(f"imported {v.file_name}: vintage {v.vintage}, {v.first_month}.."
                          f"{v.last_month}, {v.n_figures} figures (sha256 {v.sha256[:12]}…) "
                          f"into {store_dir()}", highlight=False)
        else:
            console.print(f"already imported: {v.file_name} (vintage {v.vintage}, sha256 "
                          f"{v.sha256[:12]}…); nothing changed", highlight=False)

    @data.command("vintages")
    def vintages_cmd(
        as_json: Annotated[bool, typer.Option("--json", help="JSON records")] = False,
        as_csv: Annotated[bool, typer.Option("--csv", help="CSV")] = False,
    ) -> None:
        """Vintages of the IRCC claims table: the bundled one and every imported workbook."""
        import polars as pl

        from roxham.data.load import IRCC_CLAIMS_FILE, IRCC_FAMILY, REGISTRY, figures
        from roxham.data.store import vintages

        bundled = figures(IRCC_FAMILY, vintage="all")
        months = sorted(bundled.filter(pl.col("period_kind") == "month")
                        .get_column("start").dt.strftime("%Y-%m").to_list())
        spec = next(f for f in REGISTRY if f.family == IRCC_FAMILY)
        rows = [{"vintage": spec.release, "file_name": f"(bundled) {IRCC_CLAIMS_FILE}",
                 "months": f"{months[0]}..{months[-1]}",
                 "figures": bundled.height, "sha256": ""}]
        rows += [{"vintage": v.vintage, "file_name": v.file_name,
                  "months": f"{v.first_month}..{v.last_month}", "figures": v.n_figures,
                  "sha256": v.sha256} for v in vintages()]
        df = pl.DataFrame(rows).sort("vintage", "file_name")
        newest = df.get_column("vintage").max()
        df = df.with_columns((pl.col("vintage") == newest).alias("newest"))
        _emit(df, as_json, as_csv, "Vintages of the IRCC claims table (newest wins)")

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
        from roxham.data.verify import grade_counts, target_figures

        rep = verify()
        import polars as pl

        if as_json:
            payload = {
                "ok": rep.ok,
                "problems": rep.problems.to_dicts(),
                "aggregates": rep.aggregates.to_dicts(),
                "parts": rep.parts.to_dicts(),
                "conflicts": rep.conflicts.to_dicts(),
                "gaps": rep.gaps.to_dicts(),
                "grades": grade_counts().to_dicts(),
                "targets_not_official": target_figures(_targets()).filter(
                    pl.col("grade") != "official").to_dicts(),
            }
            sys.stdout.write(json.dumps(payload, default=str, ensure_ascii=False, indent=1))
            sys.stdout.write("\n")
        else:
            _print(Text(rep.summary()))
            _print(_table(grade_counts(), "Figures per grade", 20))
            tf = target_figures(_targets()).filter(pl.col("grade") != "official")
            _print(_table(tf, "Calibration/validation target figures not graded official "
                              f"({tf.filter(pl.col('used')).height} used, "
                              f"{tf.filter(~pl.col('used')).height} dropped)", 60))
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
