"""Rejection ABC on the prior bank: the posterior of a training window from the simulations
already in :mod:`roxham.calibrate.bank`, scored by the calibration's own distance.

For a window ``[start, end]``, every bank simulation (a prior draw θ, simulated 2017–2024) is
scored by :func:`roxham.calibrate.distance.distance` (the weighted sMAPE over the official
figures of the targets inside the window, :mod:`roxham.calibrate.priors`); the ``accept``
simulations of smallest distance are the posterior sample (rejection ABC with the tolerance
set by quantile: ``accept / bank size``, 5 % of a 2,000-simulation bank by default). No new
simulation is needed for a new window, so every backtest origin gets its own posterior in
seconds. Deterministic for a seed (ties broken by bank order).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> d = np.array([5.0, 1.0, 3.0, np.nan, 2.0])
>>> accepted_rows(d, 2).tolist()
[1, 4]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from roxham.calibrate.bank import SimBank
from roxham.calibrate.distance import Observed, distance
from roxham.calibrate.models import series_table

__all__ = ["ABC_ACCEPT", "ABCPosterior", "abc_posterior", "accepted_rows", "bank_distances"]

#: Simulations accepted out of the bank (the tolerance is their largest distance).
ABC_ACCEPT = 100


def accepted_rows(dist: npt.ArrayLike, accept: int) -> npt.NDArray[np.int64]:
    """Indices of the ``accept`` smallest finite distances, in increasing distance (stable:
    ties keep bank order)."""
    d = np.asarray(dist, dtype=float)
    d = np.where(np.isfinite(d), d, np.inf)
    order = np.argsort(d, kind="stable")
    order = order[np.isfinite(d[order])]
    return order[:accept].astype(np.int64)


def bank_distances(bank: SimBank, obs: Observed, start: str, end: str,
                   keys: Sequence[str] | None = None) -> npt.NDArray[np.float64]:
    """The calibration distance of every bank simulation over the window ``[start, end]``."""
    ks = sorted(keys or bank.series)
    cols = [(k.split("/", 1)[0], k.split("/", 1)[1]) for k in ks]
    out = np.full(len(bank), np.nan)
    for i in range(len(bank)):
        vals = np.stack([bank.series[k][i] for k in ks], axis=1)
        tab = series_table(bank.months, cols, vals, ks, obs.frequency)
        out[i] = distance(tab, obs, start, end).value
    return out


@dataclass
class ABCPosterior:
    """Accepted bank rows, their unit-cube draws and distances, and the tolerance."""

    rows: npt.NDArray[np.int64]
    u: npt.NDArray[np.float64]
    distances: npt.NDArray[np.float64]
    bank_size: int

    @property
    def tolerance(self) -> float:
        """The largest accepted distance."""
        return float(self.distances.max()) if self.distances.size else float("nan")

    def unit_draws(self, n: int, seed: int) -> npt.NDArray[np.float64]:
        """``n`` draws (with replacement, equal weights) of the accepted unit-cube points."""
        idx = np.random.default_rng([seed, 41]).integers(0, len(self.rows), n)
        return self.u[idx]


def abc_posterior(bank: SimBank, obs: Observed, start: str, end: str,
                  accept: int = ABC_ACCEPT) -> ABCPosterior:
    """Rejection ABC of the window ``[start, end]`` on ``bank`` (module docstring)."""
    d = bank_distances(bank, obs, start, end)
    rows = accepted_rows(d, accept)
    return ABCPosterior(rows, bank.u[rows], d[rows], len(bank))
