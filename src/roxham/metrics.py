"""Error measures and baseline forecasters shared by the fit reports, calibration, validation
and the forecast backtest (``benchmarks/forecast_backtest.py``).

This module imports no other roxham package (``docs/ARCHITECTURE.md``). Months are
``"YYYY-MM"`` strings; a history is a mapping month → official figure, with gaps where no
figure exists (nothing is interpolated).

- :func:`smape`: symmetric mean absolute percentage error;
- :func:`crps_samples` (exact for the empirical distribution of the samples) and
  :func:`crps_quantiles` (from a few quantiles only: an approximation, see there);
- :func:`interval_coverage`, :func:`central_interval`: bands and the share of outcomes inside;
- :func:`mase_scale`, :func:`mase`: mean absolute scaled error, scaled by the series' in-sample
  seasonal-naive (lag 12) MAE over its history up to the origin; the lag-1 naive when the
  history has fewer than 3 pairs 12 months apart (e.g. a series that starts less than 15 months
  before the origin, or whose figures have long gaps);
- baselines made from the history alone: :func:`seasonal_naive`, :func:`last_value` and
  :func:`statistical_forecast` (``statsforecast`` AutoETS or AutoARIMA, season 12).

>>> round(smape([100.0, 0.0], [50.0, 0.0]), 1)
33.3
>>> round(smape([4.0], [0.0], floor=12.0), 1)
50.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DISCREPANCY_BOUNDS",
    "DISCREPANCY_MONTHS",
    "StatisticalForecast",
    "central_interval",
    "crps_quantiles",
    "crps_samples",
    "interval_coverage",
    "last_value",
    "level_sigma",
    "level_step_variogram",
    "mase",
    "mase_scale",
    "months_between",
    "seasonal_naive",
    "shift_month",
    "smape",
    "smape_rows",
    "statistical_forecast",
]

#: Bounds of a level discrepancy's monthly log step (A): 0.05..0.5 (:func:`level_sigma`).
DISCREPANCY_BOUNDS = (0.05, 0.5)
#: Months of history used to estimate it (the latest up to the origin).
DISCREPANCY_MONTHS = 60

#: Standard normal quantile of 0.95 (half-width of a central 90 % normal band, in sd).
_Z90 = 1.6448536269514722


def smape(sim: Sequence[float], obs: Sequence[float], floor: float = 0.0) -> float:
    """Symmetric mean absolute percentage error in percent (0 perfect, 200 worst); each
    denominator ``|sim| + |obs|`` is raised by ``floor`` (for series of small counts)."""
    if len(sim) != len(obs) or not sim:
        raise ValueError("sim and obs must have the same, non-zero length")
    tot = 0.0
    for s, o in zip(sim, obs, strict=True):
        den = abs(s) + abs(o) + floor
        tot += 0.0 if den == 0 else 2.0 * abs(s - o) / den
    return 100.0 * tot / len(sim)


def smape_rows(sim: ArrayLike, obs: ArrayLike, floor: float = 0.0
               ) -> NDArray[np.float64]:
    """:func:`smape` of every row of ``sim`` [rows, periods] against ``obs`` [periods] at once
    (the same formula, vectorised: a bank of simulations scored in one pass).

    >>> smape_rows([[1.0, 3.0], [2.0, 2.0]], [2.0, 2.0]).round(6).tolist()
    [53.333333, 0.0]
    >>> float(smape_rows([[1.0, 3.0]], [2.0, 2.0])[0]) == smape([1.0, 3.0], [2.0, 2.0])
    True
    """
    s = np.asarray(sim, dtype=float)
    o = np.asarray(obs, dtype=float)[None, :]
    den = np.abs(s) + np.abs(o) + floor
    with np.errstate(invalid="ignore", divide="ignore"):
        term = np.where(den == 0, 0.0, 2.0 * np.abs(s - o) / den)
    out: NDArray[np.float64] = 100.0 * term.mean(axis=1)
    return out


# --- months -------------------------------------------------------------------------------


def shift_month(month: str, k: int) -> str:
    """``month`` moved by ``k`` months.

    >>> shift_month("2019-11", 3), shift_month("2020-01", -13)
    ('2020-02', '2018-12')
    """
    y, m = int(month[:4]), int(month[5:7])
    t = y * 12 + (m - 1) + k
    return f"{t // 12:04d}-{t % 12 + 1:02d}"


def months_between(a: str, b: str) -> int:
    """Months from ``a`` to ``b`` (positive when ``b`` is later).

    >>> months_between("2018-12", "2019-06")
    6
    """
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


# --- probabilistic scores -----------------------------------------------------------------


def crps_samples(samples: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Continuous ranked probability score of the empirical distribution of ``samples``
    (shape ``[n]`` or ``[n, H]``) at the outcome(s) ``y`` (scalar or ``[H]``):
    ``E|X − y| − ½ E|X − X'|`` with X, X' drawn from the samples (the "energy" form, exact for
    the empirical distribution; E|X − X'| by the sorted-sample identity
    ``(2/n²) Σᵢ (2i − n − 1) x₍ᵢ₎``). Same unit as the series; 0 for a point mass at ``y``.

    >>> float(crps_samples([1.0, 3.0], 2.0))
    0.5
    """
    x = np.asarray(samples, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    yv = np.broadcast_to(np.asarray(y, dtype=float), x.shape[1:])
    n = x.shape[0]
    if n == 0:
        raise ValueError("crps_samples needs at least one sample")
    xs = np.sort(x, axis=0)
    term1 = np.mean(np.abs(xs - yv[None, :]), axis=0)
    w = (2.0 * np.arange(1, n + 1) - n - 1)[:, None]
    e_xx = 2.0 * np.sum(w * xs, axis=0) / (n * n)
    out: NDArray[np.float64] = term1 - 0.5 * e_xx
    return out if np.ndim(samples) > 1 else out.reshape(())


def crps_quantiles(quantiles: Mapping[float, ArrayLike], y: ArrayLike) -> NDArray[np.float64]:
    """CRPS approximated from a few quantiles: ``(2/K) Σₖ QS_τₖ(q_τₖ, y)`` over the K levels
    τ given, with the pinball loss ``QS_τ(q, y) = (1{y < q} − τ)(q − y)``.

    CRPS = 2 ∫₀¹ QS_τ dτ; the mean over the given levels approximates that integral (coarsely
    with 5 levels: use :func:`crps_samples` whenever samples exist).

    >>> float(crps_quantiles({0.5: 2.0}, 4.0))
    2.0
    >>> float(crps_quantiles({0.25: 1.0, 0.75: 3.0}, 2.0))
    0.5
    """
    if not quantiles:
        raise ValueError("crps_quantiles needs at least one quantile")
    yv = np.asarray(y, dtype=float)
    tot = np.zeros(np.broadcast(yv, np.asarray(next(iter(quantiles.values())))).shape)
    for tau, q in quantiles.items():
        if not 0.0 < tau < 1.0:
            raise ValueError(f"quantile level must be in (0, 1), got {tau}")
        qv = np.asarray(q, dtype=float)
        tot = tot + ((yv < qv).astype(float) - tau) * (qv - yv)
    out: NDArray[np.float64] = 2.0 * tot / len(quantiles)
    return out


def central_interval(samples: ArrayLike, width: float
                     ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The central ``width`` band of ``samples`` ([n] or [n, H]): its (1 − w)/2 and
    (1 + w)/2 sample quantiles (linear interpolation).

    >>> lo, hi = central_interval(np.arange(101.0), 0.5)
    >>> float(lo), float(hi)
    (25.0, 75.0)
    """
    if not 0.0 < width < 1.0:
        raise ValueError(f"width must be in (0, 1), got {width}")
    x = np.asarray(samples, dtype=float)
    lo = np.quantile(x, (1.0 - width) / 2.0, axis=0)
    hi = np.quantile(x, (1.0 + width) / 2.0, axis=0)
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def interval_coverage(lo: ArrayLike, hi: ArrayLike, y: ArrayLike) -> float:
    """Share of outcomes ``y`` inside their band ``[lo, hi]`` (bounds included); nan when
    there is no outcome.

    >>> interval_coverage([0, 0, 0, 0], [1, 1, 1, 1], [0.5, 1.0, 2.0, -1.0])
    0.5
    """
    lo_, hi_, y_ = (np.asarray(v, dtype=float).ravel() for v in (lo, hi, y))
    if y_.size == 0:
        return math.nan
    return float(np.mean((y_ >= lo_) & (y_ <= hi_)))


# --- scaled errors ------------------------------------------------------------------------


def mase_scale(history: Mapping[str, float], lag: int = 12, min_pairs: int = 3
               ) -> tuple[float, int]:
    """In-sample MAE of the lag-``lag`` naive over ``history`` (pairs of months ``lag`` apart
    that both have a figure), and the lag used: the lag-1 naive when there are fewer than
    ``min_pairs`` such pairs; ``(nan, 0)`` when not even lag 1 has a pair.

    >>> mase_scale({"2020-01": 10.0, "2020-02": 14.0})
    (4.0, 1)
    >>> mase_scale({"2019-01": 1.0, "2019-02": 2.0, "2019-03": 3.0, "2020-01": 3.0,
    ...             "2020-02": 6.0, "2020-03": 3.0})
    (2.0, 12)
    """
    for lg in (lag, 1):
        pairs = [abs(v - history[shift_month(m, -lg)]) for m, v in history.items()
                 if shift_month(m, -lg) in history]
        if len(pairs) >= min_pairs or (lg == 1 and pairs):
            return float(np.mean(pairs)), lg
    return math.nan, 0


def mase(forecast: Sequence[float], actual: Sequence[float], scale: float) -> float:
    """Mean absolute scaled error: mean |f − a| / ``scale`` (nan if scale is not > 0).

    >>> mase([2.0, 4.0], [1.0, 4.0], 2.0)
    0.25
    """
    if not len(actual) or not scale > 0:
        return math.nan
    return float(np.mean(np.abs(np.asarray(forecast, dtype=float)
                                - np.asarray(actual, dtype=float)))) / scale


# --- baselines ----------------------------------------------------------------------------


def seasonal_naive(history: Mapping[str, float], months: Sequence[str]) -> dict[str, float]:
    """Seasonal naive: the figure 12 months earlier, else 24, 36, … (the latest figure of the
    same calendar month in ``history``); months without one are left out.

    >>> seasonal_naive({"2021-03": 5.0, "2022-02": 7.0}, ["2023-02", "2023-03"])
    {'2023-02': 7.0, '2023-03': 5.0}
    """
    out: dict[str, float] = {}
    for m in months:
        for k in range(1, 30):
            src = shift_month(m, -12 * k)
            if src in history:
                out[m] = float(history[src])
                break
    return out


def last_value(history: Mapping[str, float], months: Sequence[str]) -> dict[str, float]:
    """The latest figure of ``history``, for every month.

    >>> last_value({"2022-11": 3.0, "2022-12": 4.0}, ["2023-01"])
    {'2023-01': 4.0}
    """
    if not history:
        return {}
    v = float(history[max(history)])
    return {m: v for m in months}


@dataclass(frozen=True)
class StatisticalForecast:
    """A statistical forecast of ``months``: ``point`` (the median, [H]), ``samples``
    ([draws, H]) and what was fitted (``method``: e.g. ``"AutoETS(season 12)"``, or the
    fallback used)."""

    months: tuple[str, ...]
    point: NDArray[np.float64]
    samples: NDArray[np.float64]
    method: str
    fitted_on: tuple[str, str] | None


def _trailing_run(history: Mapping[str, float]) -> list[tuple[str, float]]:
    """The latest run of consecutive months with a figure."""
    ms = sorted(history)
    run = [ms[-1]]
    for m in reversed(ms[:-1]):
        if months_between(m, run[-1]) != 1:
            break
        run.append(m)
    return [(m, float(history[m])) for m in reversed(run)]


def statistical_forecast(
    history: Mapping[str, float], months: Sequence[str], *, method: str = "ets",
    draws: int = 200, seed: int = 0,
) -> StatisticalForecast:
    """A ``statsforecast`` model fitted to ``history`` only, forecasting ``months`` (all
    after the history's last month).

    Fitted on ``log1p`` of the latest run of consecutive months with a figure (nothing is
    interpolated across gaps), forecasting from its last month (so a month h steps after it
    is forecast h steps ahead). ``method``: ``"ets"`` (AutoETS) or ``"arima"`` (AutoARIMA),
    season 12 when the run has at least 24 months, else non-seasonal (season 1); with fewer
    than 6 months, or if the fit fails, a random walk on the log scale whose step sd is that
    of the run's monthly log changes (0 with a single month). Predictive samples are normal on
    the log scale, sd from the model's 90 % band (``(hi90 − mean) / 1.645`` per step), mapped
    back with ``expm1`` and floored at 0; ``point`` is ``expm1(mean)`` (the median).
    """
    if not history:
        raise ValueError("statistical_forecast needs a non-empty history")
    if method not in ("ets", "arima"):
        raise ValueError(f"method must be 'ets' or 'arima', got {method!r}")
    run = _trailing_run(history)
    last = run[-1][0]
    steps = np.array([months_between(last, m) for m in months])
    if steps.size == 0 or steps.min() < 1:
        raise ValueError(f"months must all be after the history's last month {last}")
    h = int(steps.max())
    y = np.log1p(np.maximum(np.array([v for _, v in run]), 0.0))
    mean: NDArray[np.float64] | None = None
    sd: NDArray[np.float64] | None = None
    used = ""
    if len(y) >= 6:
        season = 12 if len(y) >= 24 else 1
        try:
            mean, sd = _sf_fit(y, h, method, season)
            used = f"{'AutoETS' if method == 'ets' else 'AutoARIMA'}(season {season})"
        except Exception:  # any failure of the fit falls back to the random walk
            mean = None
    if mean is None or sd is None or not np.all(np.isfinite(mean)) \
            or not np.all(np.isfinite(sd)):
        step_sd = float(np.std(np.diff(y), ddof=1)) if len(y) > 2 else 0.0
        mean = np.full(h, y[-1])
        sd = step_sd * np.sqrt(np.arange(1, h + 1))
        used = "random walk (log scale)"
    idx = steps - 1
    mu, s = mean[idx], np.maximum(sd[idx], 0.0)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((draws, len(months)))
    samples = np.maximum(np.expm1(mu[None, :] + s[None, :] * z), 0.0)
    point = np.maximum(np.expm1(mu), 0.0)
    return StatisticalForecast(tuple(months), point, samples, used, (run[0][0], last))


def _sf_fit(y: NDArray[np.float64], h: int, method: str, season: int
            ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """statsforecast's mean and implied normal sd (from the 90 % band) for h steps."""
    from statsforecast.models import AutoARIMA, AutoETS

    model: Any = AutoETS(season_length=season) if method == "ets" \
        else AutoARIMA(season_length=season)
    r = model.forecast(y=y, h=h, level=[90])
    mean = np.asarray(r["mean"], dtype=float)
    sd = (np.asarray(r["hi-90"], dtype=float) - mean) / _Z90
    return mean, sd


def level_sigma(values: ArrayLike) -> float:
    """Monthly log step of the level discrepancy from an observed monthly series (up to the
    origin): a robust spread (1.4826 × median absolute deviation) of its month-to-month
    changes of log(1 + y), within :data:`DISCREPANCY_BOUNDS`; 0.2 (A) with under 12 changes.

    >>> level_sigma([100] * 20), level_sigma([100, 200] * 10 + [100]), level_sigma([5, 5, 5])
    (0.05, 0.5, 0.2)
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)][-(DISCREPANCY_MONTHS + 1):]
    if v.size < 13:
        return 0.2
    d = np.diff(np.log1p(np.maximum(v, 0.0)))
    mad = float(np.median(np.abs(d - np.median(d)))) * 1.4826
    return float(np.clip(mad, *DISCREPANCY_BOUNDS))


def level_step_variogram(residuals: ArrayLike, max_lag: int = 12) -> float:
    """Monthly log step of a level discrepancy from a fit's monthly residuals (log scale, one
    per consecutive month; NaN for a month without a figure), separated from their month-to-
    month noise: under a local-level model (a random walk of step ``s`` plus independent noise
    of sd ``e``) the mean squared difference of residuals ``h`` months apart is
    ``h s² + 2 e²``; ``s²`` is the least-squares slope of that variogram over ``h = 1 ..
    max_lag`` (at most a third of the months), clipped to ``0 .. DISCREPANCY_BOUNDS[1]²``.
    0.2 (A) with under 12 residuals.

    >>> rng = np.random.default_rng(1)
    >>> r = np.cumsum(0.15 * rng.standard_normal(4000)) + 0.3 * rng.standard_normal(4000)
    >>> round(level_step_variogram(r), 2)
    0.15
    >>> level_step_variogram(0.3 * rng.standard_normal(4000)) < 0.03
    True
    """
    r = np.asarray(residuals, dtype=float)
    if int(np.isfinite(r).sum()) < 12:
        return 0.2
    lags = np.arange(1, max(2, min(max_lag, r.size // 3)) + 1)
    v = np.array([np.nanmean((r[h:] - r[:-h]) ** 2) for h in lags])
    ok = np.isfinite(v)
    if ok.sum() < 2:
        return 0.2
    slope = float(np.polyfit(lags[ok].astype(float), v[ok], 1)[0])
    return float(np.sqrt(np.clip(slope, 0.0, DISCREPANCY_BOUNDS[1] ** 2)))
