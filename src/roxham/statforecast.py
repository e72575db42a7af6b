"""Statistical forecasters for monthly counts: a thin wrapper of ``statsforecast``.

Imports no other ``roxham`` package (like :mod:`roxham.metrics`), so the model, the forecast
and the backtest can all use it.

:func:`forecast` fits **AutoETS** (default) or **AutoARIMA** with a 12-month season on
``log(1 + y)`` (counts vary multiplicatively and stay non-negative) and returns the point
forecast (the median, ``expm1`` of the log-scale mean), quantiles and sample paths:

- quantiles at any level come from the model's Gaussian prediction intervals on the log
  scale (``statsforecast``'s 90 % interval gives the standard deviation of each horizon);
- sample paths share their shocks across horizons (AR(1) on the standard normal scores with
  ``path_correlation`` 0.9, so each month's marginal quantiles are the model's and a sum over
  months is wider than with independent months, as it is for ETS/ARIMA paths).

Robust to what official series look like:

- **missing values** (IRCC suppresses 1–4, a month not yet published): leading and trailing
  gaps are dropped, interior ones filled by linear interpolation (``n_filled`` counts them);
- **short series**: fewer than 2 full seasons + 1 month → no seasonal term; fewer than
  :data:`MIN_OBS` observations → the mean of the last 3 observations with the spread of
  their log changes (``method="mean"``);
- **zeros**: an all-zero history forecasts zero (``method="zero"``); zeros elsewhere are fine
  on the ``log1p`` scale;
- a model that fails to fit falls back to AutoETS without season, then to ``mean``.

>>> import numpy as np
>>> y = 100 + 20 * np.sin(np.arange(48) * 2 * np.pi / 12)
>>> f = forecast(y, 12, n_samples=50, seed=1)
>>> f.method, f.point.shape, f.samples.shape, bool(np.all(f.quantile(0.05) <= f.point))
('AutoETS', (12,), (50, 12), True)
>>> forecast([0, 0, 0, 0], 3).method
'zero'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["MIN_OBS", "StatForecast", "available", "forecast"]

#: Fewer observations than this: no model is fitted (method ``mean``).
MIN_OBS = 6
_Z90 = 1.6448536269514722

Method = Literal["ets", "arima"]


def available() -> bool:
    """Whether ``statsforecast`` can be imported.

    >>> available()
    True
    """
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class StatForecast:
    """A forecast of ``h`` months.

    Attributes:
        point: median forecast per horizon (counts).
        mu, sigma: mean and standard deviation of ``log(1 + y)`` per horizon.
        samples: ``[n_samples, h]`` sample paths (counts, >= 0).
        method: ``AutoETS``, ``AutoARIMA``, ``AutoETS (no season)``, ``mean`` or ``zero``.
        n_obs: observations used; n_filled: interior gaps filled by interpolation.
    """

    point: npt.NDArray[np.float64]
    mu: npt.NDArray[np.float64]
    sigma: npt.NDArray[np.float64]
    samples: npt.NDArray[np.float64]
    method: str
    n_obs: int
    n_filled: int = 0
    notes: list[str] = field(default_factory=list)

    def quantile(self, q: float) -> npt.NDArray[np.float64]:
        """The ``q`` quantile per horizon (from the Gaussian on the log scale)."""
        if not 0.0 < q < 1.0:
            raise ValueError(f"quantile level {q} outside (0, 1)")
        from statistics import NormalDist

        z = NormalDist().inv_cdf(q)
        out: npt.NDArray[np.float64] = np.maximum(np.expm1(self.mu + z * self.sigma), 0.0)
        return out

    def quantiles(self, levels: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
                  ) -> dict[float, npt.NDArray[np.float64]]:
        """Quantiles at several levels."""
        return {q: self.quantile(q) for q in levels}


def _clean(y: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], int]:
    a = np.asarray(y, dtype=float).ravel()
    a = np.where(np.isfinite(a), a, np.nan)
    ok = np.nonzero(~np.isnan(a))[0]
    if ok.size == 0:
        return np.zeros(0), 0
    a = a[ok[0]: ok[-1] + 1]
    gaps = np.isnan(a)
    n_filled = int(gaps.sum())
    if n_filled:
        idx = np.arange(a.size)
        a[gaps] = np.interp(idx[gaps], idx[~gaps], a[~gaps])
    if np.any(a < 0):
        raise ValueError("a count series cannot be negative")
    return a, n_filled


def _paths(mu: npt.NDArray[np.float64], sigma: npt.NDArray[np.float64], n: int, seed: int,
           rho: float) -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(seed)
    h = mu.size
    z = np.empty((n, h))
    e = rng.standard_normal((n, h))
    z[:, 0] = e[:, 0]
    for t in range(1, h):
        z[:, t] = rho * z[:, t - 1] + math.sqrt(1.0 - rho * rho) * e[:, t]
    out: npt.NDArray[np.float64] = np.maximum(np.expm1(mu[None, :] + z * sigma[None, :]), 0.0)
    return out


def _fit(x: npt.NDArray[np.float64], h: int, method: Method, season: int
         ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], str]:
    try:
        from statsforecast.models import AutoARIMA, AutoETS
    except ImportError as e:  # pragma: no cover - statsforecast is a dependency
        raise ImportError("roxham.statforecast needs the package 'statsforecast' "
                          "(pip install statsforecast)") from e
    seasonal = season > 1 and x.size >= 2 * season + 1
    m = season if seasonal else 1
    label = "AutoARIMA" if method == "arima" else "AutoETS"
    if not seasonal:
        label += " (no season)"
    model = AutoARIMA(season_length=m) if method == "arima" else AutoETS(season_length=m)
    res = model.fit(x).predict(h, level=[90])
    mu = np.asarray(res["mean"], dtype=float)
    sd = (np.asarray(res["hi-90"], dtype=float) - np.asarray(res["lo-90"], dtype=float)) / (
        2 * _Z90)
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(sd))):
        raise FloatingPointError("non-finite forecast")
    return mu, np.maximum(sd, 1e-6), label


def forecast(
    y: npt.ArrayLike,
    h: int,
    *,
    method: Method = "ets",
    season_length: int = 12,
    n_samples: int = 200,
    seed: int = 0,
    path_correlation: float = 0.9,
) -> StatForecast:
    """Forecast ``h`` steps of the monthly count series ``y`` (oldest first; NaN = missing).

    ``method``: ``"ets"`` (AutoETS, fast) or ``"arima"`` (AutoARIMA, ~2 s a series).
    Deterministic for a ``seed``.
    """
    if h < 1:
        raise ValueError("h must be >= 1")
    if method not in ("ets", "arima"):
        raise ValueError(f"unknown method {method!r}; use 'ets' or 'arima'")
    x, n_filled = _clean(y)
    notes: list[str] = []
    if x.size == 0 or not np.any(x > 0):
        zero = np.zeros(h)
        return StatForecast(zero, zero.copy(), zero.copy(), np.zeros((n_samples, h)), "zero",
                            int(x.size), n_filled, ["no positive observation: zero forecast"])
    lx = np.log1p(x)
    mu: npt.NDArray[np.float64] | None = None
    sd: npt.NDArray[np.float64] | None = None
    label = "mean"
    if x.size >= MIN_OBS:
        for meth, seas in ((method, season_length), ("ets", 1)):
            try:
                mu, sd, label = _fit(lx, h, meth, seas)
                break
            except (ValueError, FloatingPointError, ZeroDivisionError, np.linalg.LinAlgError
                    ) as e:
                notes.append(f"{meth} (season {seas}) failed: {e}")
    if mu is None or sd is None:
        last = lx[-3:]
        spread = float(np.std(np.diff(lx[-6:]))) if x.size >= 3 else 0.5
        mu = np.full(h, float(last.mean()))
        sd = np.sqrt(np.arange(1, h + 1)) * max(spread, 0.1)
        label = "mean"
        notes.append(f"{x.size} observations: mean of the last 3, spread of log changes")
    samples = _paths(mu, sd, n_samples, seed, path_correlation)
    return StatForecast(np.maximum(np.expm1(mu), 0.0), mu, sd, samples, label, int(x.size),
                        n_filled, notes)
