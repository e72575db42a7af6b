"""Cross-checks of the bundled figures: nothing is resolved, everything is reported.

:func:`verify` runs four checks and returns a :class:`VerifyReport` of Polars frames:

1. **aggregates** — every figure covering whole months (a year, a US or Canadian fiscal year, a
   quarter, a ``YYYY-MM..YYYY-MM`` range) of a series that also has monthly figures for the same
   geography and subgroup is compared with the sum of the preferred monthly figures
   (:func:`roxham.data.monthly`) over its months. If a month is missing the check is
   ``incomplete`` and the missing months are listed.
2. **parts** — national totals against the sum of their parts for the same period: Canada (CA)
   against its provinces, the US northern border against its Border Patrol sectors (only
   where at least two parts have a figure for that period).
3. **conflicts** — keys with several different figures (:func:`roxham.data.conflicts`): which
   rows, which sources, how large.
4. **gaps** — for every monthly series and geography, the calendar months without a figure
   between its first and last monthly figure.

Status of a comparison: ``ok`` (equal), ``rounding`` (differs by no more than the rounding of
the figures involved: DHS OHSS and IRCC from 2023 round to the nearest 10 or 5, so up to 5 per
rounded figure), ``mismatch`` (larger difference), ``incomplete`` (a month or part is missing).

A mismatch between two figures that are both the current figure of an official table
(vintage ``official`` on both sides) is a *problem* (a likely transcription error);
every other mismatch is a documented difference between sources or vintages.

>>> rep = verify()
>>> row = rep.aggregates.filter((pl.col("series") == "rcmp_interceptions")
...     & (pl.col("geography") == "QC") & (pl.col("period_text") == "2018")
...     & (pl.col("vintage") == "official"))
>>> row.select("aggregate", "monthly_sum", "status").row(0)
(18518.0, 18518.0, 'ok')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import polars as pl

from roxham.data.catalog import PARTS_OF, VINTAGES
from roxham.data.load import figures
from roxham.data.query import conflicts

__all__ = ["VerifyReport", "gaps", "grade_counts", "target_figures", "verify"]

_PathLike = str | os.PathLike[str] | None
_RANK = {v: i for i, v in enumerate(VINTAGES)}
_ROUNDED = ("official_rounded", "press_approx")
#: Fewer parts than this (and a total above their sum) → ``incomplete`` rather than mismatch:
#: IRCC tables list 7 provinces (NB, QC, ON, MB, SK, AB, BC); the US north has 8 sectors.
_MIN_PARTS = {"CA": 7, "US-NORTH": 8}


@dataclass(frozen=True)
class VerifyReport:
    """Results of :func:`verify`: one frame per check, and the problems among them."""

    aggregates: pl.DataFrame
    parts: pl.DataFrame
    conflicts: pl.DataFrame
    gaps: pl.DataFrame

    @property
    def problems(self) -> pl.DataFrame:
        """Mismatches between two current official figures (aggregates and parts)."""
        cols = ["check", "series", "geography", "period_text", "expected", "found", "diff",
                "where"]
        a = self.aggregates.filter(
            (pl.col("status") == "mismatch") & (pl.col("vintage") == "official")
            & pl.col("monthly_all_official")
        ).select(
            pl.lit("aggregate").alias("check"), "series", "geography", "period_text",
            pl.col("aggregate").alias("expected"), pl.col("monthly_sum").alias("found"),
            "diff", pl.col("file_line").alias("where"),
        )
        p = self.parts.filter(
            (pl.col("status") == "mismatch") & (pl.col("vintage") == "official")
            & pl.col("parts_all_official")
        ).select(
            pl.lit("parts").alias("check"), "series", "geography", "period_text",
            pl.col("total").alias("expected"), pl.col("parts_sum").alias("found"), "diff",
            pl.col("file_line").alias("where"),
        )
        return pl.concat([a, p]).select(cols)

    @property
    def ok(self) -> bool:
        """True when no problem was found (conflicts and gaps are reported, not failures)."""
        return self.problems.height == 0

    def summary(self) -> str:
        """A few lines of counts, for humans.

        >>> print(verify().summary().splitlines()[0])  # doctest: +ELLIPSIS
        aggregates vs monthly sums: ... checked, ... ok, ... within rounding, ...
        """
        def counts(df: pl.DataFrame) -> str:
            c = dict(df.group_by("status").len().iter_rows())
            return (f"{df.height} checked, {c.get('ok', 0)} ok, {c.get('rounding', 0)} within "
                    f"rounding, {c.get('mismatch', 0)} mismatch, "
                    f"{c.get('incomplete', 0)} incomplete")

        n_missing = int(self.gaps.get_column("n_missing").sum()) if self.gaps.height else 0
        return "\n".join([
            f"aggregates vs monthly sums: {counts(self.aggregates)}",
            f"national vs parts: {counts(self.parts)}",
            f"conflicts between sources: {self.conflicts.height} keys",
            f"monthly gaps: {n_missing} missing months in {self.gaps.height} series",
            f"problems (official vs official mismatches): {self.problems.height}",
        ])


def _month_starts(a: date, b: date) -> list[date]:
    out, y, m = [], a.year, a.month
    while (y, m) <= (b.year, b.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _fmt_months(months: list[date]) -> str:
    """Compress months into ranges: ``2019-01..2019-03, 2020-05``."""
    if not months:
        return ""
    out, run = [], [months[0]]
    for d in months[1:]:
        prev = run[-1]
        nxt = date(prev.year + (prev.month == 12), prev.month % 12 + 1, 1)
        if d == nxt:
            run.append(d)
        else:
            out.append(run)
            run = [d]
    out.append(run)
    return ", ".join(
        r[0].strftime("%Y-%m") + (".." + r[-1].strftime("%Y-%m") if len(r) > 1 else "")
        for r in out
    )


#: Qualifiers of figures rounded by their publisher (IRCC to 5, DHS OHSS to 10).
_ROUNDING_QUALIFIERS = ("rounded_5", "rounded_10")


def _rounded(r: dict[str, object]) -> bool:
    """A figure rounded or approximate (its vintage, approx flag or qualifier says so)."""
    return (r["vintage"] in _ROUNDED or bool(r["approx"])
            or r["qualifier"] in _ROUNDING_QUALIFIERS)


def _status(diff: float, n_rounded: int, complete: bool) -> str:
    if not complete:
        return "incomplete"
    if diff == 0:
        return "ok"
    if abs(diff) <= 5 * n_rounded:
        return "rounding"
    return "mismatch"


def _best_monthly(df: pl.DataFrame) -> pl.DataFrame:
    """One figure per (series, geography, subgroup, month): best vintage, earliest row."""
    m = df.filter((pl.col("period_kind") == "month") & (pl.col("unit") == "count"))
    return (
        m.with_columns(pl.col("vintage").replace_strict(_RANK, default=len(_RANK)).alias("_r"))
        .sort("_r", "file", "line")
        .group_by("series", "geography", "subgroup", "start", maintain_order=True)
        .first()
    )


def _whole_months(df: pl.DataFrame) -> pl.DataFrame:
    """Figures whose period is a run of whole calendar months, longer than one month."""
    nxt = pl.col("end").dt.offset_by("1d")
    return df.filter(
        (pl.col("period_kind") != "month") & (pl.col("period_kind") != "day")
        & (pl.col("start").dt.day() == 1) & (nxt.dt.day() == 1)
        & (pl.col("unit") == "count")
    )


def _aggregates(df: pl.DataFrame) -> pl.DataFrame:
    best = _best_monthly(df)
    index: dict[tuple[str, str, str], dict[date, tuple[float, bool, bool]]] = {}
    for r in best.iter_rows(named=True):
        index.setdefault((r["series"], r["geography"], r["subgroup"]), {})[r["start"]] = (
            float(r["value"]), _rounded(r),
            r["vintage"] == "official",
        )
    rows = []
    for r in _whole_months(df).iter_rows(named=True):
        key = (r["series"], r["geography"], r["subgroup"])
        if key not in index:
            continue
        months = _month_starts(r["start"], r["end"])
        have = [index[key].get(m) for m in months]
        missing = [m for m, h in zip(months, have, strict=True) if h is None]
        got = [h for h in have if h is not None]
        if not got:
            continue
        total = sum(v for v, _, _ in got)
        n_rounded = sum(1 for _, rd, _ in got if rd) + (
            1 if _rounded(r) else 0)
        diff = float(r["value"]) - total
        rows.append({
            "series": r["series"], "geography": r["geography"], "subgroup": r["subgroup"],
            "period_text": r["period_text"], "aggregate": float(r["value"]),
            "vintage": r["vintage"], "monthly_sum": total, "n_months": len(got),
            "months_needed": len(months), "diff": diff,
            "status": _status(diff, n_rounded, not missing),
            "missing_months": _fmt_months(missing),
            "monthly_all_official": all(o for _, _, o in got),
            "source_url": r["source_url"], "file_line": f"{r['file']}:{r['line']}",
        })
    schema = {
        "series": pl.Utf8, "geography": pl.Utf8, "subgroup": pl.Utf8, "period_text": pl.Utf8,
        "aggregate": pl.Float64, "vintage": pl.Utf8, "monthly_sum": pl.Float64,
        "n_months": pl.Int64, "months_needed": pl.Int64, "diff": pl.Float64,
        "status": pl.Utf8, "missing_months": pl.Utf8, "monthly_all_official": pl.Boolean,
        "source_url": pl.Utf8, "file_line": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort(
        "series", "geography", "subgroup", "period_text", "file_line")


def _parts(df: pl.DataFrame) -> pl.DataFrame:
    d = df.filter(pl.col("unit") == "count").with_columns(
        pl.col("vintage").replace_strict(_RANK, default=len(_RANK)).alias("_r"))
    rows = []
    for whole, parts in PARTS_OF.items():
        tot = d.filter(pl.col("geography") == whole)
        prt = (
            d.filter(pl.col("geography").is_in(parts))
            .sort("_r", "file", "line")
            .group_by("series", "subgroup", "period_text", "geography", maintain_order=True)
            .first()
        )
        grouped = {
            k: g for k, g in prt.group_by("series", "subgroup", "period_text")
        }
        for r in tot.iter_rows(named=True):
            g = grouped.get((r["series"], r["subgroup"], r["period_text"]))
            if g is None:
                continue
            if g.height < 2:  # a single part says nothing about the breakdown
                continue
            s = float(g.get_column("value").sum())
            n_rounded = int(g.select(pl.col("vintage").is_in(_ROUNDED) | pl.col("approx")
                                     | pl.col("qualifier").is_in(_ROUNDING_QUALIFIERS))
                            .to_series().sum()) + (1 if _rounded(r) else 0)
            n_parts = g.height
            # Parts of a whole that publish the breakdown: complete if every part present in
            # any period of this series appears here.
            diff = float(r["value"]) - s
            status = _status(diff, n_rounded, True)
            if status == "mismatch" and diff > 0 and n_parts < _MIN_PARTS.get(whole, 0):
                status = "incomplete"
            rows.append({
                "series": r["series"], "geography": whole, "subgroup": r["subgroup"],
                "period_text": r["period_text"], "total": float(r["value"]),
                "vintage": r["vintage"], "parts_sum": s, "n_parts": n_parts,
                "parts": ", ".join(sorted(g.get_column("geography").to_list())),
                "diff": diff, "status": status,
                "parts_all_official": bool((g.get_column("vintage") == "official").all()),
                "source_url": r["source_url"], "file_line": f"{r['file']}:{r['line']}",
            })
    schema = {
        "series": pl.Utf8, "geography": pl.Utf8, "subgroup": pl.Utf8, "period_text": pl.Utf8,
        "total": pl.Float64, "vintage": pl.Utf8, "parts_sum": pl.Float64, "n_parts": pl.Int64,
        "parts": pl.Utf8, "diff": pl.Float64, "status": pl.Utf8,
        "parts_all_official": pl.Boolean, "source_url": pl.Utf8, "file_line": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").sort(
        "series", "geography", "subgroup", "period_text", "file_line")


def gaps(*, data_dir: _PathLike = None) -> pl.DataFrame:
    """Months without a figure, per monthly series, geography and subgroup.

    Columns: series, geography, subgroup, first, last (first/last month with a figure),
    n_months (with a figure), n_missing, missing (compressed ranges).

    >>> g = gaps()
    >>> g.filter((pl.col("series") == "rcmp_interceptions") & (pl.col("geography") == "QC")
    ...          ).get_column("missing")[0].split(", ")[0]
    '2019-06..2021-09'
    """
    m = _best_monthly(figures(data_dir=data_dir))
    rows = []
    for (s, g, sub), grp in m.group_by("series", "geography", "subgroup"):
        have = set(grp.get_column("start").to_list())
        allm = _month_starts(min(have), max(have))
        miss = [d for d in allm if d not in have]
        rows.append({"series": s, "geography": g, "subgroup": sub, "first": min(have),
                     "last": max(have), "n_months": len(have), "n_missing": len(miss),
                     "missing": _fmt_months(miss)})
    schema = {"series": pl.Utf8, "geography": pl.Utf8, "subgroup": pl.Utf8, "first": pl.Date,
              "last": pl.Date, "n_months": pl.Int64, "n_missing": pl.Int64,
              "missing": pl.Utf8}
    return pl.DataFrame(rows, schema=schema, orient="row").sort("series", "geography",
                                                                 "subgroup")


def verify(*, data_dir: _PathLike = None) -> VerifyReport:
    """Run the cross-checks (module docstring) over the bundled data."""
    df = figures(data_dir=data_dir)
    return VerifyReport(
        aggregates=_aggregates(df),
        parts=_parts(df),
        conflicts=conflicts(data_dir=data_dir),
        gaps=gaps(data_dir=data_dir),
    )


#: Why a target figure that is not graded ``official`` is kept.
_KEPT_BECAUSE = {
    "official_mirror": "an unmodified copy of the agency's own file",
    "press_of_official": "the press quoting the agency; no official figure for this period "
                         "in the bundled data",
}


def grade_counts(*, data_dir: _PathLike = None) -> pl.DataFrame:
    """Number of figures per grade (every grade listed, best first): columns grade, n."""
    from roxham.data.grades import GRADES

    c = dict(figures(data_dir=data_dir).group_by("grade").len().iter_rows())
    return pl.DataFrame({"grade": list(GRADES), "n": [int(c.get(g, 0)) for g in GRADES]})


def target_figures(
    targets: list[tuple[str, str, str, str, str]], *, data_dir: _PathLike = None
) -> pl.DataFrame:
    """Grades of the figures that calibration/validation targets use, and of those they drop.

    ``targets``: (key, series, geography, subgroup, frequency ``month``/``year``). For each
    period with a figure: the figure used (best allowed grade, as
    :func:`roxham.data.monthly` with ``grades=TARGET_GRADES`` picks it) or, when every figure
    of that period has a grade below, ``used=False``. Columns: target, period, value, grade,
    used, why, source_url.
    """
    from roxham.data.grades import TARGET_GRADES
    from roxham.data.query import monthly, series

    rows: list[dict[str, object]] = []
    for key, name, geo, sub, freq in targets:
        if freq == "month":
            every = monthly(name, geo, subgroup=sub, data_dir=data_dir).filter(~pl.col("missing"))
            used = monthly(name, geo, subgroup=sub, grades=TARGET_GRADES, data_dir=data_dir)
            used_by_month = {r["month"]: r for r in used.iter_rows(named=True)
                             if not r["missing"]}
            for r in every.iter_rows(named=True):
                u = used_by_month.get(r["month"])
                best = u or r
                rows.append({"target": key, "period": r["month"].strftime("%Y-%m"),
                             "value": best["value"], "grade": best["grade"],
                             "used": u is not None, "source_url": best["source_url"]})
        else:
            y = series(name, geo, subgroup=sub, kind="year", vintage="official",
                       data_dir=data_dir).sort("line")
            for period, g in y.group_by("period_text", maintain_order=True):
                ok = g.filter(pl.col("grade").is_in(list(TARGET_GRADES)))
                best = (ok if ok.height else g).row(0, named=True)
                rows.append({"target": key, "period": str(period[0]), "value": best["value"],
                             "grade": best["grade"], "used": ok.height > 0,
                             "source_url": best["source_url"]})
    out = pl.DataFrame(rows, schema={"target": pl.Utf8, "period": pl.Utf8, "value": pl.Float64,
                                     "grade": pl.Utf8, "used": pl.Boolean,
                                     "source_url": pl.Utf8}, orient="row")
    why = [(_KEPT_BECAUSE.get(g, "") if u else f"dropped: graded {g}")
           for g, u in zip(out.get_column("grade"), out.get_column("used"), strict=True)]
    return out.with_columns(pl.Series("why", why, dtype=pl.Utf8)).select(
        "target", "period", "value", "grade", "used", "why", "source_url")
