"""Model discrepancy: how far official months fall from the posterior-predictive median,
beyond what the model's own randomness and parameter uncertainty explain.

The 5–95 % band of a calibrated run (replicates × posterior draws) shows chance and parameter
uncertainty only; a model that misses a series' month-to-month shape holds far fewer than
90 % of its official months. This module measures the miss on the fit window and widens the
band by it (split conformal prediction, Vovk et al. 2005; Lei et al. 2018, *Distribution-free
predictive inference for regression*):

1. **Held-out groups** — the fit window is cut into consecutive groups of
   :data:`GROUP_MONTHS` months (a calendar year for 2017-01..2022-12). For each group, the
   rejection-ABC posterior (:mod:`roxham.calibrate.abc`) is refitted **without the group's
   official figures** (the months masked, and the annual targets of the years it touches),
   so the group's months are out of sample for the posterior that predicts them.
2. **Scores** — for each month of the group with an official figure ``y`` of a monthly
   target: ``|log1p(y) − log1p(median)|``, the median over the accepted bank simulations
   (each one a posterior draw and a seed: the posterior predictive) of that month.
3. **Scale** — per series, the split-conformal quantile of its scores at level
   :data:`LEVEL` (0.90): the ``⌈(n + 1)·0.90⌉``-th smallest of its ``n`` scores
   (:func:`conformal_quantile`). If exchangeable, a new month falls within
   ``median ·/÷ exp(scale)`` (in ``log1p``) with probability at least 0.90.
4. **Widening** — :func:`widen`: a run's ``p05``/``p95`` become ``min(p05, lo)`` and
   ``max(p95, hi)`` with ``lo, hi = expm1(log1p(median) ∓ scale)`` (``lo`` ≥ 0), the median
   over the run's replicates: the band only widens, the mean and the replicates are unchanged
   (so ``roxham compare``'s paired differences are too).

Only official figures of the fit window enter (the scales are stored in the parameter file:
a run never reads a figure of its later months). Limits: months are not exchangeable
(autocorrelated errors, shocks), so the 90 % holds on average over the fit window, not for
each month, and a regime the fit window never saw (2023's closure of Roxham Road) can
exceed it; the scale is one number per series (no seasonality of the miss).

>>> conformal_quantile([0.1, 0.4, 0.2, 0.3], 0.5)
0.3
>>> widen_bounds([10.0], [8.0], [12.0], scale=0.0)
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
    "Discrepancy",
    "conformal_quantile",
    "fit_discrepancy",
    "held_out_groups",
    "mask_observed",
    "scales_from",
    "widen",
    "widen_bounds",
]

#: nominal coverage of the widened band (its 5–95 % quantiles)
LEVEL = 0.90
#: months per held-out group (a calendar year from a January start)
GROUP_MONTHS = 12


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
    """Per monthly series (``series/geography``): the log1p scale and its number of scores
    (``scores``: each held-out month's score, not stored in the parameter file)."""

    scales: dict[str, float]
    n: dict[str, int]
    window: tuple[str, str]
    level: float = LEVEL
    group_months: int = GROUP_MONTHS
    accept: int = 0
    scores: dict[str, list[tuple[str, float]]] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        """What the parameter file stores (key ``discrepancy``)."""
        return {
            "method": "split-conformal, log1p residuals of official months vs the "
                      "posterior-predictive median, each group of "
                      f"{self.group_months} months predicted by the rejection-ABC posterior "
                      "refitted without it (roxham.calibrate.discrepancy)",
            "level": self.level, "window": list(self.window),
            "group_months": self.group_months, "accept": self.accept,
            "scales": {k: (None if not math.isfinite(v) else round(v, 6))
                       for k, v in self.scales.items()},
            "n": self.n,
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


def fit_discrepancy(bank: SimBank, obs: Observed, start: str, end: str, accept: int,
                    level: float = LEVEL, group_months: int = GROUP_MONTHS) -> Discrepancy:
    """Split-conformal scales of the monthly targets over ``[start, end]`` (module
    docstring); only official figures of that window are read."""
    from roxham.calibrate.abc import abc_posterior

    col = {m: j for j, m in enumerate(bank.months)}
    keys = [k for k in obs.series
            if obs.frequency.get(k, "month") == "month" and k in bank.series]
    scores: dict[str, list[tuple[str, float]]] = {k: [] for k in keys}
    for g in held_out_groups(start, end, group_months):
        post = abc_posterior(bank, mask_observed(obs, g), start, end, accept)
        if not len(post.rows):
            continue
        for k in keys:
            vals = obs.series[k][0]
            for m in g:
                if m not in vals or m not in col:
                    continue
                sims = bank.series[k][post.rows, col[m]]
                sims = sims[np.isfinite(sims)]
                if not sims.size:
                    continue
                med = float(np.median(np.log1p(np.maximum(sims, 0.0))))
                scores[k].append((m, abs(math.log1p(max(vals[m], 0.0)) - med)))
    return Discrepancy({k: conformal_quantile([x for _, x in v], level)
                        for k, v in scores.items() if v},
                       {k: len(v) for k, v in scores.items() if v}, (start, end), level,
                       group_months, accept, {k: v for k, v in scores.items() if v})


def widen_bounds(median: Sequence[float], lo: Sequence[float], hi: Sequence[float],
                 scale: float) -> tuple[list[float], list[float]]:
    """``(min(lo, expm1(log1p(median) − scale)), max(hi, expm1(log1p(median) + scale)))``
    element-wise, the lower bound not below 0 (counts)."""
    m = np.log1p(np.maximum(np.asarray(median, dtype=float), 0.0))
    a = np.maximum(np.expm1(m - scale), 0.0)
    b = np.expm1(m + scale)
    return (np.minimum(np.asarray(lo, dtype=float), a).tolist(),
            np.maximum(np.asarray(hi, dtype=float), b).tolist())


def widen(monthly: Any, replicates: npt.NDArray[np.float64], columns: Sequence[tuple[str, str]],
          months: Sequence[str], scales: dict[str, float]) -> Any:
    """``monthly`` (a run's long table: month, series, geography, value, p05, p95) with
    ``p05``/``p95`` of the series in ``scales`` widened around the median of ``replicates``
    [R, months, columns] (:func:`widen_bounds`); other rows unchanged."""
    import polars as pl

    med = np.median(replicates, axis=0)  # [months, columns]
    parts: list[pl.DataFrame] = []
    seen: set[str] = set()
    for j, (s, g) in enumerate(columns):
        q = scales.get(f"{s}/{g}")
        if q is None or f"{s}/{g}" in seen:
            continue
        seen.add(f"{s}/{g}")
        lo = np.maximum(np.expm1(np.log1p(np.maximum(med[:, j], 0.0)) - q), 0.0)
        hi = np.expm1(np.log1p(np.maximum(med[:, j], 0.0)) + q)
        parts.append(pl.DataFrame({"month": list(months), "series": [s] * len(months),
                                   "geography": [g] * len(months), "_lo": lo, "_hi": hi}))
    if not parts:
        return monthly
    add = pl.concat(parts)
    out = (monthly.with_row_index("_row")
           .join(add, on=["month", "series", "geography"], how="left").sort("_row"))
    out = out.with_columns(
        pl.when(pl.col("_lo").is_not_null()).then(pl.min_horizontal("p05", "_lo"))
        .otherwise(pl.col("p05")).alias("p05"),
        pl.when(pl.col("_hi").is_not_null()).then(pl.max_horizontal("p95", "_hi"))
        .otherwise(pl.col("p95")).alias("p95"),
    )
    return out.select(monthly.columns)
