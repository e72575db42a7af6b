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
    ``data_name``/``data_geography`` of :func:`roxham.data.monthly` (defaults: the same)."""

    series: str
    geography: str
    weight: float = 1.0
    data_name: str | None = None
    data_geography: str | None = None
    floor: float = 0.0

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

    def window(self, key: str, start: str, end: str) -> tuple[MonthValues, list[str]]:
        """(figures in [start, end], months of the window without a figure)."""
        vals = self.series[key][0]
        months = month_range(start, end)
        return ({m: vals[m] for m in months if m in vals}, [m for m in months if m not in vals])


def load_observed(targets: Sequence[Target]) -> Observed:
    """Official monthly figures of ``targets`` from :func:`roxham.data.monthly`, each figure
    as published (missing months are absent)."""
    from roxham.data import monthly

    series: dict[str, tuple[MonthValues, int]] = {}
    sources: dict[str, str] = {}
    for t in targets:
        df = monthly(t.data_name or t.series, t.data_geography or t.geography)
        ok = df.filter(~pl.col("missing"))
        vals = dict(zip(ok["month"].dt.strftime("%Y-%m").to_list(),
                        [float(v) for v in ok["value"].to_list()], strict=True))
        series[t.key] = (vals, int(df["missing"].sum()))
        if ok.height:
            sources[t.key] = str(ok["source_url"][0])
    return Observed(series, {t.key: t.weight for t in targets}, sources,
                    {t.key: t.floor for t in targets})


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


def sim_table(monthly: pl.DataFrame, keys: Sequence[str]) -> dict[str, MonthValues]:
    """``{series/geography: {month: value}}`` from a long monthly frame (columns month,
    series, geography, value) for ``keys``."""
    out: dict[str, MonthValues] = {k: {} for k in keys}
    sub = monthly.select(
        (pl.col("series") + "/" + pl.col("geography")).alias("key"), "month", "value"
    ).filter(pl.col("key").is_in(list(keys)))
    for k, m, v in sub.iter_rows():
        out[k][m] = float(v)
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
