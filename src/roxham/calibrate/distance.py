"""Distance between simulated and official monthly series over a window.

Per target: sMAPE (%) = 100/n Σ 2|s − o| / (|s| + |o| + c) over the months of the window that
have an official figure (pairs with s = o = 0 count 0); ``c`` is the target's ``floor``
(default 0: the plain sMAPE). A floor of a few persons keeps months with an official 0 and a
simulated 3 from counting as the worst possible error (200 %). Months without an official figure are
**skipped and counted** (never interpolated). The distance is the weighted mean of the
per-target sMAPEs over the targets that have at least one month in the window.

>>> obs = Observed({"x/A": ({"2020-01": 10.0, "2020-02": 20.0}, 1)}, {"x/A": 1.0})
>>> sim = {"x/A": {"2020-01": 10.0, "2020-02": 10.0}}
>>> r = distance(sim, obs, "2020-01", "2020-03")
>>> round(r.value, 3), r.per_series["x/A"].n, r.per_series["x/A"].missing
(33.333, 2, 1)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from roxham.errors import UserError
from roxham.metrics import smape

__all__ = [
    "DistanceResult",
    "Observed",
    "SeriesFit",
    "Target",
    "distance",
    "load_observed",
    "month_range",
    "sim_table",
    "smape",
]

#: month label → value
MonthValues = dict[str, float]


@dataclass(frozen=True)
class Target:
    """A model output (``series``/``geography``) compared with the official monthly series
    ``data_name``/``data_geography`` of :func:`roxham.data.monthly` (defaults: the same).

    ``data_subgroup`` picks the subgroup of the official series (e.g. ``office=land_poe`` of
    IRCC's claims by office type). With ``frequency="year"`` the official **annual** totals are
    compared (first official figure of each year of :func:`roxham.data.series`) with the
    simulated sums of the calendar years lying wholly in the window.
    """

    series: str
    geography: str
    weight: float = 1.0
    data_name: str | None = None
    data_geography: str | None = None
    floor: float = 0.0
    frequency: str = "month"
    data_subgroup: str = "all"

    @property
    def key(self) -> str:
        """``series/geography``."""
        return f"{self.series}/{self.geography}"


def month_range(start: str, end: str) -> list[str]:
    """``YYYY-MM`` labels from ``start`` to ``end`` inclusive.

    >>> month_range("2022-11", "2023-02")
    ['2022-11', '2022-12', '2023-01', '2023-02']
    """
    try:
        y, m = int(start[:4]), int(start[5:7])
        y1, m1 = int(end[:4]), int(end[5:7])
    except ValueError:
        raise UserError(f"months must be YYYY-MM, got {start!r} / {end!r}") from None
    if len(start) != 7 or len(end) != 7 or not (1 <= m <= 12 and 1 <= m1 <= 12):
        raise UserError(f"months must be YYYY-MM, got {start!r} / {end!r}")
    out = []
    while (y, m) <= (y1, m1):
        out.append(f"{y:04d}-{m:02d}")
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out



@dataclass
class Observed:
    """Official monthly figures per target key: ``{key: ({month: value}, n_missing_total)}``
    and target weights. ``sources`` keeps the source URL of each key's first figure."""

    series: dict[str, tuple[MonthValues, int]]
    weights: dict[str, float]
    sources: dict[str, str] = field(default_factory=dict)
    floors: dict[str, float] = field(default_factory=dict)
    frequency: dict[str, str] = field(default_factory=dict)

    def monthly_only(self) -> Observed:
        """The same figures without the annual targets (for month-by-month skill)."""
        keep = [k for k in self.series if self.frequency.get(k, "month") == "month"]
        return Observed({k: self.series[k] for k in keep},
                        {k: self.weights[k] for k in keep if k in self.weights},
                        {k: self.sources[k] for k in keep if k in self.sources},
                        {k: self.floors[k] for k in keep if k in self.floors},
                        {k: "month" for k in keep})

    def window(self, key: str, start: str, end: str) -> tuple[MonthValues, list[str]]:
        """(figures in [start, end], periods of the window without a figure); periods are
        months, or for annual targets the years wholly inside the window."""
        vals = self.series[key][0]
        periods = (whole_years(start, end) if self.frequency.get(key) == "year"
                   else month_range(start, end))
        return ({m: vals[m] for m in periods if m in vals},
                [m for m in periods if m not in vals])


def whole_years(start: str, end: str) -> list[str]:
    """Years ``YYYY`` whose 12 months all lie in [start, end].

    >>> whole_years("2017-01", "2019-06")
    ['2017', '2018']
    """
    months = set(month_range(start, end))
    years = sorted({m[:4] for m in months})
    return [y for y in years if f"{y}-01" in months and f"{y}-12" in months]


def load_observed(targets: Sequence[Target]) -> Observed:
    """Official monthly figures of ``targets`` from :func:`roxham.data.monthly`, each figure
    as published (missing months are absent); only figures graded official, official_mirror
    or press_of_official (:data:`roxham.data.grades.TARGET_GRADES`)."""
    from roxham.data import monthly
    from roxham.data import series as data_series
    from roxham.data.cutoff import current_cutoff
    from roxham.data.grades import TARGET_GRADES

    series: dict[str, tuple[MonthValues, int]] = {}
    sources: dict[str, str] = {}
    for t in targets:
        if t.frequency == "year":
            y = data_series(t.data_name or t.series, t.data_geography or t.geography,
                            subgroup=t.data_subgroup, kind="year", vintage="official",
                            grades=TARGET_GRADES)
            y = y.sort("line").unique(subset=["period"], keep="first", maintain_order=True)
            yv = dict(zip(y["period"].dt.strftime("%Y").to_list(),
                          [float(v) for v in y["value"].to_list()], strict=True))
            series[t.key] = (yv, 0)
            if y.height:
                sources[t.key] = str(y["source_url"][0])
            continue
        if t.frequency != "month":
            raise ValueError(f"target {t.key}: frequency must be 'month' or 'year'")
        try:
            df = monthly(t.data_name or t.series, t.data_geography or t.geography,
                         subgroup=t.data_subgroup, grades=TARGET_GRADES)
        except UserError:
            if current_cutoff() is None:
                raise
            # under a cut-off (an early window) a target may have no figure yet: none to fit
            series[t.key] = ({}, 0)
            continue
        ok = df.filter(~pl.col("missing"))
        vals = dict(zip(ok["month"].dt.strftime("%Y-%m").to_list(),
                        [float(v) for v in ok["value"].to_list()], strict=True))
        series[t.key] = (vals, int(df["missing"].sum()))
        if ok.height:
            sources[t.key] = str(ok["source_url"][0])
    return Observed(series, {t.key: t.weight for t in targets}, sources,
                    {t.key: t.floor for t in targets}, {t.key: t.frequency for t in targets})


@dataclass(frozen=True)
class SeriesFit:
    """Fit of one target in a window: months compared ``n``, months skipped ``missing``."""

    smape: float
    n: int
    missing: int


@dataclass(frozen=True)
class DistanceResult:
    """Weighted mean sMAPE ``value`` and the per-target fits."""

    value: float
    per_series: dict[str, SeriesFit]

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "value": self.value,
            "per_series": {k: {"smape": f.smape, "n": f.n, "missing": f.missing}
                           for k, f in self.per_series.items()},
        }


def sim_table(monthly: pl.DataFrame, keys: Sequence[str],
              frequency: Mapping[str, str] | None = None) -> dict[str, MonthValues]:
    """``{series/geography: {period: value}}`` from a long monthly frame (columns month,
    series, geography, value) for ``keys``; keys whose ``frequency`` is ``"year"`` get sums
    of the calendar years with all 12 months simulated.

    >>> m = pl.DataFrame({"month": [f"2020-{i:02d}" for i in range(1, 13)] + ["2021-01"],
    ...                   "series": ["c"] * 13, "geography": ["x"] * 13, "value": [1.0] * 13})
    >>> sim_table(m, ["c/x"], {"c/x": "year"})
    {'c/x': {'2020': 12.0}}
    """
    freq = frequency or {}
    out: dict[str, MonthValues] = {k: {} for k in keys}
    sub = monthly.select(
        (pl.col("series") + "/" + pl.col("geography")).alias("key"), "month", "value"
    ).filter(pl.col("key").is_in(list(keys)))
    counts: dict[str, dict[str, int]] = {k: {} for k in keys}
    for k, m, v in sub.iter_rows():
        if freq.get(k) == "year":
            y = m[:4]
            out[k][y] = out[k].get(y, 0.0) + float(v)
            counts[k][y] = counts[k].get(y, 0) + 1
        else:
            out[k][m] = float(v)
    for k in keys:
        if freq.get(k) == "year":
            out[k] = {y: v for y, v in out[k].items() if counts[k][y] == 12}
    return out


def distance(
    sim: Mapping[str, Mapping[str, float]], obs: Observed, start: str, end: str
) -> DistanceResult:
    """Weighted mean sMAPE of ``sim`` against ``obs`` over months [start, end].

    A target with no official month in the window is reported with n = 0 and left out of
    the mean; if no target has any, the distance is ``inf``.
    """
    per: dict[str, SeriesFit] = {}
    num = den = 0.0
    for key in obs.series:
        figs, absent = obs.window(key, start, end)
        simv = sim.get(key, {})
        months = [m for m in figs if m in simv]
        missing = len(absent) + len(figs) - len(months)
        if not months:
            per[key] = SeriesFit(math.nan, 0, missing)
            continue
        sm = smape([simv[m] for m in months], [figs[m] for m in months],
                   obs.floors.get(key, 0.0))
        per[key] = SeriesFit(sm, len(months), missing)
        w = obs.weights.get(key, 1.0)
        num += w * sm
        den += w
    return DistanceResult(num / den if den > 0 else math.inf, per)
