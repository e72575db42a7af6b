"""Model discrepancy: how far official months fall outside a calibrated run's band, beyond
what the model's own randomness and parameter uncertainty explain.

The 5–95 % band of a calibrated run (replicates × posterior draws) shows chance and parameter
uncertainty only; a model that misses a series' month-to-month shape holds far fewer than
90 % of its official months. This module measures the miss on the fit window and widens the
band by it: conformalized quantile regression (CQR; Romano, Patterson & Candès 2019), a
split-conformal method (Vovk et al. 2005; Lei et al. 2018) whose score is the distance
**outside the band**, so that the spread the band already carries is not counted twice:

1. **Held-out groups** — the fit window is cut into consecutive groups of
   :data:`GROUP_MONTHS` months (a calendar year for 2017-01..2022-12). For each group, the
   rejection-ABC posterior (:mod:`roxham.calibrate.abc`) is refitted **without the group's
   official figures** (the months masked, and the annual targets of the years it touches),
   so the group's months are out of sample for the posterior that predicts them.
2. **The bands a run would show** — a run of ``R`` replicates (``replicates``, 8 as the
   historical scenario) draws one posterior draw per replicate and shows the 5 % / 95 %
   quantiles (NumPy's linear interpolation) of its ``R`` values. For each month,
   :data:`SUBSETS` random ``R``-subsets of the accepted bank simulations (each a posterior
   draw and a seed) give :data:`SUBSETS` such bands (:func:`run_bands`, in ``log1p``): the
   bands of ``R``-replicate runs, not the (wider) band of all accepted draws, with the
   run-to-run variation of a band drawn from only ``R`` draws.
3. **Scores** — for each month of the group with an official figure ``y`` of a monthly
   target and each of those bands, in ``log1p``: ``max(lo − y, y − hi)``: negative inside
   the band, positive outside.
4. **Scale** — per series, the split-conformal quantile of its scores (months × bands) at
   level :data:`LEVEL` (0.90): the ``⌈(n + 1)·0.90⌉``-th smallest of its ``n`` scores
   (:func:`conformal_quantile`), and 0 if that is negative (a band is never narrowed). If
   exchangeable, a new month falls within a new ``R``-replicate run's band pushed out by
   ``scale`` on each side (in ``log1p``) with probability about 0.90, over months and runs.
5. **Widening** — :func:`widen`: a run's ``p05``/``p95`` become
   ``expm1(log1p(p05) − scale)`` (≥ 0) and ``expm1(log1p(p95) + scale)``: the band only
   widens, the mean and the replicates are unchanged (so ``roxham compare``'s paired
   differences are too).

6. **After the window** — the held-out groups are years *inside* the window, so the scale
   says nothing of how a run drifts away from the data beyond it. Months after the window's
   end are widened further, ``k`` months after it by ``Z90 × step × √k`` in ``log1p``
   (:func:`widen`): a random walk of the model's level, the same concept as the forecasts'
   and the southbound half's level discrepancy. ``step`` per series is the random-walk part
   of the fit's residuals (official ``log1p`` minus the median of the accepted simulations,
   month by month over the window), separated from their month noise by their variogram
   (:func:`roxham.metrics.level_step_variogram`).

Only official figures of the fit window enter (the scales and steps are stored in the
parameter file: a run never reads a figure of its later months). Limits: months are not exchangeable
(autocorrelated errors, shocks), so the 90 % holds on average over the fit window, not for
each month, and a regime the fit window never saw (2023's closure of Roxham Road) can
exceed it; the scale is one number per series (no seasonality of the miss); a run with more
replicates than ``R`` shows a wider band and over-covers a little, one with fewer the reverse.

>>> conformal_quantile([0.1, 0.4, 0.2, 0.3], 0.5)
0.3
>>> widen_bounds([8.0], [12.0], scale=0.0)
([8.0], [12.0])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.calibrate.bank import SimBank
from roxham.calibrate.distance import Observed, month_range

__all__ = [
    "GROUP_MONTHS",
    "LEVEL",
    "REPLICATES",
    "SUBSETS",
    "Discrepancy",
    "conformal_quantile",
    "fit_discrepancy",
    "fit_level_steps",
    "held_out_groups",
    "mask_observed",
    "run_bands",
    "scales_from",
    "steps_from",
    "widen",
    "widen_bounds",
]

#: nominal coverage of the widened band (its 5–95 % quantiles)
LEVEL = 0.90
#: months per held-out group (a calendar year from a January start)
GROUP_MONTHS = 12
#: replicates of the run whose band the scales are calibrated for (the historical scenario's)
REPLICATES = 8
#: random R-subsets of the accepted simulations: the bands of as many R-replicate runs
SUBSETS = 200
#: standard normal quantile of 0.95: a 5-95 % band's half-width in standard deviations
Z90 = 1.6448536269514722


def conformal_quantile(scores: Sequence[float], level: float = LEVEL) -> float:
    """The ``⌈(n + 1)·level⌉``-th smallest of ``n`` finite scores (``inf`` when that rank
    exceeds ``n``: too few scores for the level; ``nan`` when there are none)."""
    s = np.sort(np.asarray([x for x in scores if math.isfinite(x)], dtype=float))
    n = len(s)
    if n == 0:
        return math.nan
    k = math.ceil((n + 1) * level - 1e-9)
    return float(s[k - 1]) if k <= n else math.inf


def held_out_groups(start: str, end: str, size: int = GROUP_MONTHS) -> list[list[str]]:
    """Consecutive groups of ``size`` months of ``[start, end]`` (the last may be shorter).

    >>> [(g[0], g[-1]) for g in held_out_groups("2017-01", "2018-03", 6)]
    [('2017-01', '2017-06'), ('2017-07', '2017-12'), ('2018-01', '2018-03')]
    """
    ms = month_range(start, end)
    return [ms[i:i + size] for i in range(0, len(ms), size)]


def mask_observed(obs: Observed, months: Sequence[str]) -> Observed:
    """``obs`` without the figures of ``months`` (monthly targets) and of the years they
    touch (annual targets)."""
    ms = set(months)
    years = {m[:4] for m in ms}
    series: dict[str, tuple[dict[str, float], int]] = {}
    for k, (vals, miss) in obs.series.items():
        drop = years if obs.frequency.get(k) == "year" else ms
        series[k] = ({p: v for p, v in vals.items() if p not in drop}, miss)
    return Observed(series, dict(obs.weights), dict(obs.sources), dict(obs.floors),
                    dict(obs.frequency))


@dataclass
class Discrepancy:
    """Per monthly series (``series/geography``): the log1p scale and its number of months
    (``scores``: each held-out month's scores, one per run band; not stored in the parameter
    file)."""

    scales: dict[str, float]
    n: dict[str, int]
    window: tuple[str, str]
    level: float = LEVEL
    group_months: int = GROUP_MONTHS
    accept: int = 0
    replicates: int = REPLICATES
    scores: dict[str, list[tuple[str, float]]] = field(default_factory=dict, repr=False)
    steps: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """What the parameter file stores (key ``discrepancy``)."""
        return {
            "method": "conformalized quantile regression (split-conformal): log1p distance "
                      "of official months outside the 5-95 % band of a "
                      f"{self.replicates}-replicate run, each group of "
                      f"{self.group_months} months predicted by the rejection-ABC posterior "
                      "refitted without it (roxham.calibrate.discrepancy)",
            "level": self.level, "window": list(self.window),
            "group_months": self.group_months, "accept": self.accept,
            "replicates": self.replicates,
            "scales": {k: (None if not math.isfinite(v) else round(v, 6))
                       for k, v in self.scales.items()},
            "n": self.n,
            "level_steps": {k: round(v, 6) for k, v in self.steps.items()
                            if math.isfinite(v)},
            "level_steps_method": "after the window: random walk of the level, step = the "
                                  "random-walk part of the residuals (official log1p minus "
                                  "the accepted simulations' median) by their variogram "
                                  "(roxham.metrics.level_step_variogram); widening "
                                  "1.645 x step x sqrt(months after the window)",
        }


def scales_from(doc: Any) -> dict[str, float]:
    """The finite, non-negative scales of a parameter file's ``discrepancy`` mapping."""
    if not isinstance(doc, dict):
        return {}
    out: dict[str, float] = {}
    for k, v in (doc.get("scales") or {}).items():
        if isinstance(v, int | float) and math.isfinite(v) and v >= 0:
            out[str(k)] = float(v)
    return out


def steps_from(doc: Any) -> dict[str, float]:
    """The finite, non-negative level steps of a parameter file's ``discrepancy`` mapping
    (empty for a file written before they existed: no widening after the window)."""
    if not isinstance(doc, dict):
        return {}
    return {str(k): float(v) for k, v in (doc.get("level_steps") or {}).items()
            if isinstance(v, int | float) and math.isfinite(v) and v >= 0}


def fit_level_steps(bank: SimBank, obs: Observed, start: str, end: str,
                    accept: int) -> dict[str, float]:
    """Per monthly target: the level discrepancy's monthly step after the window (module
    docstring, 6.), from the residuals of the posterior fitted on the whole window."""
    from roxham.calibrate.abc import abc_posterior
    from roxham.metrics import level_step_variogram

    col = {m: j for j, m in enumerate(bank.months)}
    months = [m for m in month_range(start, end) if m in col]
    post = abc_posterior(bank, obs, start, end, accept)
    out: dict[str, float] = {}
    if not len(post.rows):
        return out
    for k, (vals, _) in obs.series.items():
        if obs.frequency.get(k, "month") != "month" or k not in bank.series:
            continue
        sims = bank.series[k][np.ix_(post.rows, np.array([col[m] for m in months],
                                                         dtype=np.int64))]
        med = np.nanmedian(np.log1p(np.maximum(sims, 0.0)), axis=0)
        r = np.array([math.log1p(max(vals[m], 0.0)) - med[j] if m in vals else np.nan
                      for j, m in enumerate(months)])
        if np.isfinite(r).sum() >= 12:
            out[k] = level_step_variogram(r)
    return out


def run_bands(sims: npt.NDArray[np.float64], replicates: int, subsets: int = SUBSETS,
              seed: int = 0) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The 5 % / 95 % bands, in ``log1p``, of ``subsets`` runs of ``replicates`` draws from the
    rows of ``sims`` [draws, months]: NumPy's linear quantiles of random subsets (without
    replacement), each ``[subsets, months]``; one band of all rows when there are not more
    rows than ``replicates``. By hand for 3 draws 0, 1, 3 (log1p 0, ln 2, ln 4): 5 % at rank
    0.1 → 0.1·ln 2, 95 % at rank 1.9 → 1.9·ln 2; expm1 → 0.072 and 2.732.

    >>> lo, hi = run_bands(np.array([[0.0], [1.0], [3.0]]), 3)
    >>> lo.shape, round(float(np.expm1(lo[0, 0])), 3), round(float(np.expm1(hi[0, 0])), 3)
    ((1, 1), 0.072, 2.732)
    """
    x = np.log1p(np.maximum(np.asarray(sims, dtype=float), 0.0))
    n = x.shape[0]
    if n <= replicates:
        q = np.quantile(x, [0.05, 0.95], axis=0)
        return q[0][None, :], q[1][None, :]
    rng = np.random.default_rng(seed)
    idx = np.argsort(rng.random((subsets, n)), axis=1)[:, :replicates]
    q = np.quantile(x[idx], [0.05, 0.95], axis=1)  # [2, subsets, months]
    return q[0], q[1]


def fit_discrepancy(bank: SimBank, obs: Observed, start: str, end: str, accept: int,
                    level: float = LEVEL, group_months: int = GROUP_MONTHS,
                    replicates: int = REPLICATES) -> Discrepancy:
    """Conformal scales of the monthly targets over ``[start, end]`` for runs of
    ``replicates`` replicates (module docstring); only official figures of that window are
    read."""
    from roxham.calibrate.abc import abc_posterior

    col = {m: j for j, m in enumerate(bank.months)}
    keys = [k for k in obs.series
            if obs.frequency.get(k, "month") == "month" and k in bank.series]
    scores: dict[str, list[tuple[str, float]]] = {k: [] for k in keys}
    for gi, g in enumerate(held_out_groups(start, end, group_months)):
        post = abc_posterior(bank, mask_observed(obs, g), start, end, accept)
        if not len(post.rows):
            continue
        for k in keys:
            vals = obs.series[k][0]
            ms = [m for m in g if m in vals and m in col]
            if not ms:
                continue
            sims = bank.series[k][np.ix_(post.rows, np.array([col[m] for m in ms], dtype=np.int64))]
            sims = sims[np.isfinite(sims).all(axis=1)]
            if not len(sims):
                continue
            lo, hi = run_bands(sims, replicates, seed=gi)
            for j, m in enumerate(ms):
                y = math.log1p(max(vals[m], 0.0))
                scores[k].extend((m, float(v)) for v in np.maximum(lo[:, j] - y, y - hi[:, j]))
    return Discrepancy({k: max(conformal_quantile([x for _, x in v], level), 0.0)
                        for k, v in scores.items() if v},
                       {k: len({m for m, _ in v}) for k, v in scores.items() if v},
                       (start, end), level,
                       group_months, accept, replicates,
                       {k: v for k, v in scores.items() if v},
                       fit_level_steps(bank, obs, start, end, accept))


def widen_bounds(lo: Sequence[float], hi: Sequence[float],
                 scale: float) -> tuple[list[float], list[float]]:
    """``(expm1(log1p(lo) − scale), expm1(log1p(hi) + scale))`` element-wise (bounds below 0
    taken as 0; the lower bound not below 0: counts); never narrower for ``scale`` ≥ 0, and
    unchanged for ``scale`` ≤ 0."""
    if scale <= 0:
        return list(map(float, lo)), list(map(float, hi))
    a = np.log1p(np.maximum(np.asarray(lo, dtype=float), 0.0))
    b = np.log1p(np.maximum(np.asarray(hi, dtype=float), 0.0))
    return (np.maximum(np.expm1(a - scale), 0.0).tolist(), np.expm1(b + scale).tolist())


def widen(monthly: Any, scales: dict[str, float], steps: dict[str, float] | None = None,
          window_end: str | None = None) -> Any:
    """``monthly`` (a run's long table: month, series, geography, value, p05, p95) with
    ``p05``/``p95`` of the series in ``scales`` pushed out by their scale in ``log1p``
    (:func:`widen_bounds`), and ``k`` months after ``window_end`` by ``Z90 × step × √k``
    more for the series in ``steps``; other rows unchanged.

    By hand: scale 0.1, step 0.2, two months after the window: 0.1 + 1.645 × 0.2 × √2 =
    0.565; a p95 of 99 becomes expm1(log(100) + 0.565) = 175.0.

    >>> import polars as pl
    >>> m = pl.DataFrame({"month": ["2022-12", "2023-02"], "series": ["x", "x"],
    ...                   "geography": ["CA", "CA"], "value": [50.0, 50.0],
    ...                   "p05": [9.0, 9.0], "p95": [99.0, 99.0]})
    >>> [round(v, 1) for v in widen(m, {"x/CA": 0.1}, {"x/CA": 0.2}, "2022-12")["p95"]]
    [109.5, 175.0]
    """
    import polars as pl

    steps = {k: float(v) for k, v in (steps or {}).items() if v > 0} if window_end else {}
    scales = {k: max(float(scales.get(k, 0.0)), 0.0) for k in {*scales, *steps}}
    scales = {k: v for k, v in scales.items() if v > 0 or k in steps}
    if not scales:
        return monthly
    key = pl.concat_str("series", pl.lit("/"), "geography")
    q = key.replace_strict(scales, default=None, return_dtype=pl.Float64)
    if steps and window_end is not None:
        y0, m0 = int(window_end[:4]), int(window_end[5:7])
        k = ((pl.col("month").str.slice(0, 4).cast(pl.Int64) - y0) * 12
             + pl.col("month").str.slice(5, 2).cast(pl.Int64) - m0).clip(lower_bound=0)
        step = key.replace_strict(steps, default=0.0, return_dtype=pl.Float64)
        q = q + Z90 * step * k.cast(pl.Float64).sqrt()
    lo = ((pl.col("p05").clip(lower_bound=0.0).log1p() - pl.col("_q")).exp() - 1.0)
    hi = ((pl.col("p95").clip(lower_bound=0.0).log1p() + pl.col("_q")).exp() - 1.0)
    out = monthly.with_columns(_q=q).with_columns(
        pl.when(pl.col("_q").is_not_null()).then(lo.clip(lower_bound=0.0))
        .otherwise(pl.col("p05")).alias("p05"),
        pl.when(pl.col("_q").is_not_null()).then(hi).otherwise(pl.col("p95")).alias("p95"),
    )
    return out.select(monthly.columns)
