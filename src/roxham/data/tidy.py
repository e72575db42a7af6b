"""The tidy catalogue: figures by measure, geography, office, period, qualifier, grade, vintage.

One row per figure with the columns of :data:`TIDY_COLUMNS` (documented in ``SCHEMA.md``):
``measure`` is one of the tens of :data:`~roxham.data.measures.MEASURES` (not the raw series
names), ``period_kind`` says month, year, fiscal_year, quarter, day, range or cumulative,
``vintage`` is the release date of the figure's table (IRCC's "Source: IRCC, <date>"; empty for
figures found in documents and the press), ``grade`` how far the source can be trusted, and
``status`` the older per-figure vintage (official, first_reported, press …).

>>> df = measure_figures("asylum_claims", "QC", "land_poe", "2017-08", "2017-08")
>>> df.select("period", "value", "grade", "vintage").row(0)
('2017-08', 290.0, 'official_mirror', '2025-07-31')
>>> measure_figures("asylum_claims", "QC", "land_poe", "2025-01", "2025-07").height
0
"""

from __future__ import annotations

import difflib
import os

import polars as pl

from roxham.data.catalog import GEOGRAPHIES
from roxham.data.grades import GRADES
from roxham.data.load import figures
from roxham.data.measures import MEASURES
from roxham.data.query import DateLike, _bounds
from roxham.errors import UserError

__all__ = ["TIDY_COLUMNS", "list_measures", "measure_figures", "tidy"]

_PathLike = str | os.PathLike[str] | None

#: Columns of the tidy view, in order, with their meaning.
TIDY_COLUMNS: dict[str, str] = {
    "period": "YYYY-MM for a month, YYYY for a year, else as written (FY2019, a..b, a day)",
    "value": "the figure",
    "grade": "official, official_mirror, press_of_official, press or weak",
    "vintage": "release date of the figure's table (YYYY-MM-DD), '' when not a dated table",
    "source_url": "where the figure was published or mirrored",
    "measure": "one of the measures of SCHEMA.md",
    "geography": "geography code (QC, CA, US-SW …)",
    "office": "claim office or route (airport, land_poe, inland, other, total …) or ''",
    "period_kind": "month, year, fiscal_year, quarter, day, range or cumulative",
    "start": "first day covered",
    "end": "last day covered",
    "qualifier": "exact, rounded_5, rounded_10, approximate, lower_bound or upper_bound",
    "unit": "count, percent, or a rate: count per day/week/month",
    "source": "host of source_url",
    "status": "official, official_rounded, later_release, first_reported, press, …",
    "series": "the series name of the raw table (kept for code that reads series by name)",
    "subgroup": "'all' or a breakdown (citizenship=…, office=…, route=…)",
    "source_note": "quote or locator in the source",
    "file": "raw file",
    "line": "line in that file",
}


def tidy(df: pl.DataFrame) -> pl.DataFrame:
    """The tidy view (:data:`TIDY_COLUMNS`) of rows of :func:`roxham.data.figures`."""
    period = (
        pl.when(pl.col("period_kind") == "month").then(pl.col("start").dt.strftime("%Y-%m"))
        .when(pl.col("period_kind") == "year").then(pl.col("start").dt.strftime("%Y"))
        .otherwise(pl.col("period_text"))
    )
    kind = pl.when(pl.col("cumulative") & (pl.col("period_kind") == "range")).then(
        pl.lit("cumulative")).otherwise(pl.col("period_kind"))
    unit = pl.when(pl.col("rate_per") != "").then(
        pl.col("unit") + pl.lit(" per ") + pl.col("rate_per")).otherwise(pl.col("unit"))
    return df.select(
        period.alias("period"), "value", "grade", pl.col("release").alias("vintage"),
        "source_url", "measure", "geography", "office", kind.alias("period_kind"), "start",
        "end", "qualifier", unit.alias("unit"), "source", pl.col("vintage").alias("status"),
        "series", "subgroup", "source_note", "file", "line",
    )


def _check_measure(name: str) -> None:
    if name not in MEASURES:
        close = difflib.get_close_matches(name, list(MEASURES), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UserError(f"unknown measure {name!r}{hint} (`roxham data list` shows all)")


def measure_figures(
    measure: str,
    geography: str | None = None,
    office: str | None = None,
    start: DateLike = None,
    end: DateLike = None,
    *,
    kind: str | None = None,
    vintage: str | None = None,
    grades: list[str] | None = None,
    data_dir: _PathLike = None,
) -> pl.DataFrame:
    """Tidy figures of a measure, newest vintage first, sorted by geography and period.

    ``office`` (claim office: ``airport``, ``land_poe``, ``inland``, ``other``, ``total``)
    defaults to ``total`` for ``asylum_claims``. An empty result (e.g. months after the
    newest vintage) is a frame with the columns and no rows, not an error; an unknown measure,
    geography of no figure of that measure, office, grade or vintage is a UserError.
    """
    _check_measure(measure)
    s, e = _bounds(start, end)
    df = figures(data_dir=data_dir, vintage=vintage).filter(pl.col("measure") == measure)
    if geography is not None:
        geo = geography.strip().upper()
        if geo not in GEOGRAPHIES and geo not in set(df.get_column("geography").to_list()):
            raise UserError(f"unknown geography {geography!r}; known: "
                            f"{', '.join(sorted(set(df.get_column('geography').to_list())))}")
        df = df.filter(pl.col("geography") == geo)
    if office is None and measure == "asylum_claims":
        office = "total"
    if office is not None:
        offices = sorted(set(figures(data_dir=data_dir).filter(pl.col("measure") == measure)
                             .get_column("office").to_list()) - {""})
        if office not in offices:
            raise UserError(f"unknown office {office!r} for {measure}; known: "
                            f"{', '.join(offices) or 'none'}")
        df = df.filter(pl.col("office") == office)
    if kind is not None:
        df = df.filter(pl.col("period_kind") == kind)
    if grades is not None:
        bad = [g for g in grades if g not in GRADES]
        if bad:
            raise UserError(f"unknown grade {bad[0]!r}; known: {', '.join(GRADES)}")
        df = df.filter(pl.col("grade").is_in(grades))
    if s is not None:
        df = df.filter(pl.col("start") >= s)
    if e is not None:
        df = df.filter(pl.col("end") <= e)
    return tidy(df.sort("geography", "start", "end", "file", "line"))


def _grade_counts(grades: list[str]) -> str:
    return ", ".join(f"{g} {grades.count(g)}" for g in GRADES if g in grades)


def list_measures(*, data_dir: _PathLike = None) -> pl.DataFrame:
    """One row per measure: definition, geographies, coverage, figures, grades.

    Columns: measure, definition, n_geographies, geographies, first, last, n_figures,
    n_series (raw series names mapped onto it), grades (``grade count, …``), n_official.

    >>> m = list_measures()
    >>> 10 <= m.height <= 40
    True
    """
    df = figures(data_dir=data_dir)
    agg = (
        df.group_by("measure")
        .agg(
            pl.col("geography").n_unique().alias("n_geographies"),
            pl.col("geography").unique().sort().str.join(" ").alias("geographies"),
            pl.col("start").min().alias("first"),
            pl.col("end").max().alias("last"),
            pl.len().alias("n_figures"),
            pl.col("series").n_unique().alias("n_series"),
            pl.col("grade"),
            (pl.col("grade") == "official").sum().alias("n_official"),
        )
        .sort("measure")
    )
    grades = [_grade_counts(list(g)) for g in agg.get_column("grade").to_list()]
    defs = [MEASURES[m] for m in agg.get_column("measure").to_list()]
    return agg.drop("grade").with_columns(
        pl.Series("grades", grades, dtype=pl.Utf8),
        pl.Series("definition", defs, dtype=pl.Utf8),
    ).select("measure", "definition", "n_geographies", "geographies", "first", "last",
             "n_figures", "n_series", "grades", "n_official")
