"""Asking for figures: series, one figure per month, sources, the catalogue, conflicts.

>>> qc = series("rcmp_interceptions", geography="QC", start="2017-08", end="2017-08",
...             vintage="official")
>>> int(qc.get_column("value")[0])
5530
>>> m = monthly("usbp_encounters", "US-SW", "2017-01", "2017-03")
>>> m.get_column("value").to_list()
[31576.0, 18754.0, 12195.0]
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from datetime import date

import polars as pl

from roxham.data.catalog import GEOGRAPHIES, SERIES_INFO, VINTAGES, SeriesInfo, describe
from roxham.data.grades import GRADES
from roxham.data.load import figures
from roxham.data.periods import PeriodError, parse_period
from roxham.errors import UserError

__all__ = [
    "DateLike",
    "conflicts",
    "info",
    "list_series",
    "monthly",
    "parse_bound",
    "series",
    "series_names",
    "sources",
]

DateLike = date | str | None
_PathLike = str | os.PathLike[str] | None

_RANK = {v: i for i, v in enumerate(VINTAGES)}


def parse_bound(value: DateLike, *, end: bool, what: str = "date") -> date | None:
    """A start (``end=False``) or end bound from a date or ``YYYY[-MM[-DD]]`` text.

    ``"2017-01"`` as a start means 2017-01-01; as an end it means 2017-01-31.

    >>> parse_bound("2022-02", end=True)
    datetime.date(2022, 2, 28)
    """
    if value is None or isinstance(value, date):
        return value
    try:
        p = parse_period(str(value))
    except PeriodError as e:
        raise UserError(f"bad {what}: {e}") from None
    return p.end if end else p.start


def _bounds(start: DateLike, end: DateLike) -> tuple[date | None, date | None]:
    s = parse_bound(start, end=False, what="start (--from)")
    e = parse_bound(end, end=True, what="end (--to)")
    if s is not None and e is not None and s > e:
        raise UserError(f"start {s.isoformat()} (--from) is after end {e.isoformat()} (--to)")
    return s, e


def series_names(*, data_dir: _PathLike = None) -> list[str]:
    """Sorted names of all series in the bundled data.

    >>> "rcmp_interceptions" in series_names()
    True
    """
    return figures(data_dir=data_dir).get_column("series").unique().sort().to_list()


def _check_name(name: str, df: pl.DataFrame) -> pl.DataFrame:
    names = df.get_column("series").unique().sort().to_list()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        close += [n for n in names if name and name in n and n not in close][: 3 - len(close)]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UserError(f"unknown series {name!r}{hint} (`roxham data list` shows all)")
    return df.filter(pl.col("series") == name)


def info(name: str) -> SeriesInfo:
    """Title, unit and notes of a series (curated, or taken from its raw label).

    >>> info("usbp_encounters").unit
    'apprehensions'
    """
    if name in SERIES_INFO:
        return SERIES_INFO[name]
    df = _check_name(name, figures())
    unit = "percent" if "percent" in df.get_column("unit").to_list() else "count"
    return describe(name, df.get_column("raw_series")[0] or "", unit)


def series(
    name: str,
    geography: str | None = None,
    start: DateLike = None,
    end: DateLike = None,
    *,
    subgroup: str | None = "all",
    vintage: str | None = None,
    kind: str | None = None,
    grades: Sequence[str] | None = None,
    data_dir: _PathLike = None,
) -> pl.DataFrame:
    """Every figure of a series, each with its source (columns: ``FIGURE_COLUMNS``).

    Nothing is resolved: where sources disagree, all their rows are returned (see
    :func:`conflicts`), and the same month can appear several times (a final agency figure and
    a first-reported press figure, a monthly and an annual figure): **do not sum the rows**;
    filter on ``vintage``/``kind``, or use :func:`monthly` for one figure per month.

    Filters: ``geography`` (a code such as ``QC``), ``start``/``end``
    (keep figures whose period lies within; ``"2017-01"`` or a :class:`datetime.date`),
    ``subgroup`` (``"all"`` by default, ``None`` for every breakdown), ``vintage``
    (``"official"`` …), ``kind`` (``"month"``, ``"year"``, ``"fiscal_year"`` …) and ``grades``
    (keep figures of these grades only, e.g. :data:`~roxham.data.grades.TARGET_GRADES`).

    Raises :class:`~roxham.errors.UserError` for an unknown series (with close names), an
    unknown geography, a bad date, or ``start`` after ``end``.

    >>> df = series("usbp_encounters", geography="US-SWANTON", kind="fiscal_year",
    ...             vintage="official", start="2016-10", end="2017-09")
    >>> df.select("period_text", "value").row(0)
    ('FY2017', 449.0)
    """
    from roxham.data.cutoff import current_cutoff, uncut

    s, e = _bounds(start, end)
    cut = current_cutoff()
    if cut is not None:  # a known series with nothing yet by the cut-off is empty, not unknown
        with uncut():
            known = _check_name(name, figures(data_dir=data_dir))
        df = known.filter(pl.col("end") <= cut)
    else:
        known = df = _check_name(name, figures(data_dir=data_dir))
    if geography is not None:
        geo = geography.strip().upper()
        geos = known.get_column("geography").unique().sort().to_list()
        if geo not in geos:
            raise UserError(
                f"series {name!r} has no geography {geography!r}; it has {', '.join(geos)}"
            )
        df = df.filter(pl.col("geography") == geo)
    if subgroup is not None:
        df = df.filter(pl.col("subgroup") == subgroup)
    if vintage is not None:
        if vintage not in VINTAGES:
            raise UserError(f"unknown vintage {vintage!r}; known: {', '.join(VINTAGES)}")
        df = df.filter(pl.col("vintage") == vintage)
    if kind is not None:
        df = df.filter(pl.col("period_kind") == kind)
    if grades is not None:
        unknown = [g for g in grades if g not in GRADES]
        if unknown:
            raise UserError(f"unknown grade {unknown[0]!r}; known: {', '.join(GRADES)}")
        df = df.filter(pl.col("grade").is_in(list(grades)))
    if s is not None:
        df = df.filter(pl.col("start") >= s)
    if e is not None:
        df = df.filter(pl.col("end") <= e)
    return df.sort("geography", "subgroup", "start", "end", "file", "line")


def _with_rank(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        pl.col("vintage").replace_strict(_RANK, default=len(_RANK)).alias("_rank")
    )


def monthly(
    name: str,
    geography: str,
    start: DateLike = None,
    end: DateLike = None,
    *,
    subgroup: str = "all",
    grades: Sequence[str] | None = None,
    data_dir: _PathLike = None,
) -> pl.DataFrame:
    """One row per calendar month: the preferred monthly figure, its source, and flags.

    The preferred figure is the one of best vintage (order of ``VINTAGES``: official, then
    official_rounded, later_release, first_reported, press, press_approx, estimate; ties go
    to the earlier file row). ``n_figures`` counts all figures for that month and
    ``conflict`` is true when they disagree, so the choice is never hidden. Months in the range
    without any figure are rows with ``missing=True`` and a null ``value``: nothing is
    interpolated. The default range is the first to the last month with a figure.

    Columns: month (Date, first day), value, vintage, approx, source_url, source_note, file,
    line, grade, n_figures, conflict, missing. ``grades`` keeps figures of these grades only
    (calibration and validation targets use :data:`~roxham.data.grades.TARGET_GRADES`).

    >>> m = monthly("usbp_encounters", "US-SWANTON", "2020-09", "2020-10")
    >>> m.select("value", "vintage").rows()
    [(50.0, 'official'), (30.0, 'official_rounded')]
    """
    df = series(name, geography, start, end, subgroup=subgroup, kind="month", grades=grades,
                data_dir=data_dir)
    s, e = _bounds(start, end)
    if df.height == 0 and (s is None or e is None):
        raise UserError(
            f"series {name!r} has no monthly figures for {geography} "
            f"(`roxham data show {name} --geo {geography}` lists what there is)"
        )
    first = s or df.get_column("start").min()
    last = e or df.get_column("start").max()
    assert isinstance(first, date) and isinstance(last, date)
    months = pl.date_range(
        date(first.year, first.month, 1), date(last.year, last.month, 1), "1mo", eager=True
    ).alias("month")
    ranked = _with_rank(df).sort("start", "_rank", "file", "line")
    stats = ranked.group_by("start").agg(
        pl.len().alias("n_figures"), (pl.col("value").n_unique() > 1).alias("conflict")
    )
    best = ranked.group_by("start", maintain_order=True).first()
    out = (
        months.to_frame()
        .join(best.rename({"start": "month"}), on="month", how="left")
        .join(stats.rename({"start": "month"}), on="month", how="left")
        .with_columns(
            pl.col("value").is_null().alias("missing"),
            pl.col("n_figures").fill_null(0).cast(pl.Int64),
            pl.col("conflict").fill_null(False),
        )
    )
    return out.select(
        "month", "value", "vintage", "approx", "source_url", "source_note", "file", "line",
        "grade", "n_figures", "conflict", "missing",
    )


def sources(
    name: str, geography: str | None = None, *, data_dir: _PathLike = None
) -> pl.DataFrame:
    """The sources of a series: one row per source URL, most-used first.

    Columns: source_url, n_figures, vintages, geographies, first (earliest start), last
    (latest end), example_note.

    >>> src = sources("rcmp_interceptions", "QC")
    >>> any("canada.ca" in u for u in src.get_column("source_url"))
    True
    """
    df = series(name, geography, subgroup=None, data_dir=data_dir)
    return (
        df.group_by("source_url")
        .agg(
            pl.len().alias("n_figures"),
            pl.col("vintage").unique().sort().str.join(", ").alias("vintages"),
            pl.col("geography").unique().sort().str.join(", ").alias("geographies"),
            pl.col("start").min().alias("first"),
            pl.col("end").max().alias("last"),
            pl.col("source_note").first().alias("example_note"),
        )
        .sort(["n_figures", "source_url"], descending=[True, False])
    )


def list_series(*, data_dir: _PathLike = None) -> pl.DataFrame:
    """One row per series and geography: coverage, number of figures and of sources.

    Columns: series, geography, geography_name, title, unit, kinds, first, last, n_figures,
    n_months, n_sources, vintages, measure, grades (``grade count, …``, best first) and
    best_grade.

    >>> cat = list_series()
    >>> cat.filter((pl.col("series") == "cbp_encounters") & (pl.col("geography") == "US-SW")
    ...            ).get_column("first")[0].isoformat()
    '2018-12-01'
    """
    df = figures(data_dir=data_dir)
    out = (
        df.group_by("series", "geography")
        .agg(
            pl.col("period_kind").unique().sort().str.join(", ").alias("kinds"),
            pl.col("start").min().alias("first"),
            pl.col("end").max().alias("last"),
            pl.len().alias("n_figures"),
            pl.col("start").filter(pl.col("period_kind") == "month").n_unique().alias("n_months"),
            pl.col("source_url").n_unique().alias("n_sources"),
            pl.col("vintage").unique().sort().str.join(", ").alias("vintages"),
            pl.col("raw_series").first().alias("_raw"),
            pl.col("measure").first().alias("measure"),
            pl.col("grade"),
        )
        .sort("series", "geography")
    )
    grade_lists = [list(g) for g in out.get_column("grade").to_list()]
    out = out.drop("grade").with_columns(
        pl.Series("grades", [", ".join(f"{g} {gl.count(g)}" for g in GRADES if g in gl)
                             for gl in grade_lists], dtype=pl.Utf8),
        pl.Series("best_grade", [next(g for g in GRADES if g in gl) for gl in grade_lists],
                  dtype=pl.Utf8),
    )
    infos = [describe(s, r) for s, r in
             zip(out.get_column("series"), out.get_column("_raw"), strict=True)]
    titles = [i.title for i in infos]
    units = [i.unit for i in infos]
    return out.drop("_raw").with_columns(
        pl.Series("title", titles, dtype=pl.Utf8),
        pl.Series("unit", units, dtype=pl.Utf8),
        pl.col("geography").replace_strict(GEOGRAPHIES, default=pl.col("geography"))
        .alias("geography_name"),
    ).select(
        "series", "geography", "geography_name", "title", "unit", "kinds", "first", "last",
        "n_figures", "n_months", "n_sources", "vintages", "measure", "grades", "best_grade",
    )


def _conflict_kind(vintages: list[str], values: list[float], approx: list[bool]) -> str:
    spread = max(values) - min(values)
    if "official_rounded" in vintages and spread <= 5 * (1 + vintages.count("official_rounded")):
        return "rounding"
    if any(approx) and spread <= 0.05 * max(values):
        return "approximation"
    if {"first_reported", "later_release"} & set(vintages) and (
        {"official", "official_rounded", "later_release"} & set(vintages)
    ) and len(set(vintages)) > 1:
        return "revision"
    return "disagreement"


def conflicts(*, data_dir: _PathLike = None) -> pl.DataFrame:
    """Keys (series, geography, subgroup, period) whose figures disagree, with how and where.

    One row per conflicting key. Columns: series, geography, subgroup, period_text, n_figures,
    min, max, spread, rel_spread (spread / max), kind (``rounding`` when within the rounding of
    OHSS figures, ``approximation`` when an approximate figure is within 5 %, ``revision``
    when a first-reported figure differs from a later one, else ``disagreement``) and
    ``figures``: each figure as ``value [vintage] file:line url``.

    >>> c = conflicts()
    >>> row = c.filter((pl.col("series") == "cbp_encounters")
    ...                & (pl.col("period_text") == "2023-01"))
    >>> (row.get_column("min")[0], row.get_column("max")[0], row.get_column("kind")[0])
    (156274.0, 157358.0, 'revision')
    """
    df = figures(data_dir=data_dir)
    key = ["series", "geography", "subgroup", "period_text", "unit"]
    grouped = (
        df.sort("file", "line")
        .group_by(key)
        .agg(
            pl.len().alias("n_figures"),
            pl.col("value").n_unique().alias("_n_values"),
            pl.col("value").min().alias("min"),
            pl.col("value").max().alias("max"),
            pl.col("value"),
            pl.col("vintage"),
            pl.col("approx"),
            pl.col("file"),
            pl.col("line"),
            pl.col("source_url"),
            pl.col("start").min().alias("_start"),
        )
        .filter(pl.col("_n_values") > 1)
        .sort("series", "geography", "subgroup", "_start", "period_text")
    )
    kinds, descr = [], []
    for row in grouped.iter_rows(named=True):
        kinds.append(_conflict_kind(row["vintage"], row["value"], row["approx"]))
        descr.append(
            "; ".join(
                f"{v:,.0f} [{vi}] {f}:{ln} {u}"
                for v, vi, f, ln, u in zip(
                    row["value"], row["vintage"], row["file"], row["line"], row["source_url"],
                    strict=True,
                )
            )
        )
    return grouped.select(
        "series", "geography", "subgroup", "period_text", "n_figures", "min", "max",
        (pl.col("max") - pl.col("min")).alias("spread"),
        ((pl.col("max") - pl.col("min")) / pl.col("max")).alias("rel_spread"),
    ).with_columns(
        pl.Series("kind", kinds, dtype=pl.Utf8), pl.Series("figures", descr, dtype=pl.Utf8)
    )
