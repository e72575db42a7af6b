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

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.calibrate.bank import SimBank
from roxham.calibrate.distance import Observed
from roxham.calibrate.executor import Executor
from roxham.calibrate.fit import Calibration
from roxham.calibrate.models import CalibratableModel
from roxham.errors import UserError
from roxham.metrics import smape_rows

__all__ = [
    "ABC_ACCEPT",
    "ABC_SIMS",
    "ABCPosterior",
    "SBCResult",
    "abc_calibration",
    "abc_posterior",
    "abc_sbc",
    "accepted_rows",
    "bank_distances",
    "synthetic_observed",
]

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


def _year_columns(col: dict[str, int], year: str) -> list[int] | None:
    """The bank columns of the 12 months of ``year`` (an annual target is their sum), or None
    if the bank does not hold all of them."""
    js = [col.get(f"{year}-{mm:02d}") for mm in range(1, 13)]
    return [j for j in js if j is not None] if all(j is not None for j in js) else None


def _window_matrix(bank: SimBank, obs: Observed, key: str, start: str, end: str
                   ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """(simulated [n, periods], official [periods]) of ``key`` over the window's periods
    that have an official figure (annual targets: calendar-year sums of the bank's months,
    years with all 12 months in the bank); ``None`` if no period has one."""
    figs, _ = obs.window(key, start, end)
    if key not in bank.series:
        return None
    col = {m: j for j, m in enumerate(bank.months)}
    sims = bank.series[key]
    cols: list[npt.NDArray[np.float64]] = []
    vals: list[float] = []
    for per, v in figs.items():
        if obs.frequency.get(key) == "year":
            js = _year_columns(col, per)
            if js is None:
                continue
            cols.append(sims[:, js].sum(axis=1))
        elif per in col:
            cols.append(sims[:, col[per]])
        else:
            continue
        vals.append(v)
    if not vals:
        return None
    return np.stack(cols, axis=1).astype(float), np.asarray(vals, dtype=float)


def bank_distances(bank: SimBank, obs: Observed, start: str, end: str,
                   keys: Sequence[str] | None = None) -> npt.NDArray[np.float64]:
    """The calibration distance (:func:`roxham.calibrate.distance.distance`: weighted mean of
    per-target sMAPEs, periods without an official figure skipped) of every bank simulation
    over the window ``[start, end]``, computed for all simulations at once
    (:func:`roxham.metrics.smape_rows`)."""
    ks = [k for k in obs.series if keys is None or k in keys]
    num = np.zeros(len(bank))
    den = 0.0
    for k in ks:
        wm = _window_matrix(bank, obs, k, start, end)
        if wm is None:
            continue
        w = obs.weights.get(k, 1.0)
        num = num + w * smape_rows(*wm, obs.floors.get(k, 0.0))
        den += w
    return num / den if den > 0 else np.full(len(bank), np.inf)


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


#: Prior simulations in the bank of ``roxham calibrate --method abc``.
ABC_SIMS = 2000


def abc_calibration(
    model: CalibratableModel,
    obs: Observed,
    train_start: str,
    train_end: str,
    seed: int = 1,
    sims: int = ABC_SIMS,
    accept: int = ABC_ACCEPT,
    bank_seed: int = 0,
    executor: Executor | None = None,
    candidates: int = 4,
    check_seeds: int = 3,
    cache: Path | str | None = "default",
    progress: Callable[[int], None] | None = None,
    discrepancy: bool = True,
) -> tuple[Calibration, dict[str, Any], dict[str, Any] | None]:
    """``roxham calibrate --method abc``: (calibration, method block, discrepancy block).

    The bank (``sims`` prior simulations, cached) is scored on the window; the ``accept``
    nearest are the posterior sample (equal weights). Point estimate: of the ``candidates``
    accepted draws of smallest distance, the one of lowest mean distance over
    ``check_seeds`` new seeds (one lucky seed does not win). With ``discrepancy``, the
    split-conformal scales of :mod:`roxham.calibrate.discrepancy` (fit window only)."""
    from functools import partial

    from roxham.calibrate.bank import bank_info, build_bank
    from roxham.calibrate.executor import LocalExecutor, task_seed
    from roxham.calibrate.fit import SimTask, evaluate_task

    if accept < 2:
        raise UserError("--accept must be at least 2")
    if sims < accept:
        raise UserError(f"the bank ({sims} simulations) must hold at least --accept ({accept})")
    t0 = time.perf_counter()
    bank = build_bank(model, sims, bank_seed, executor=executor, cache=cache,
                      progress=progress)
    post = abc_posterior(bank, obs, train_start, train_end, accept)
    if len(post.rows) < accept:
        raise UserError(f"only {len(post.rows)} of {len(bank)} bank simulations have a "
                        f"finite distance over {train_start}..{train_end} (need {accept})")
    names = list(model.space.names)
    params = [model.space.from_unit(u.tolist()) for u in post.u]
    cand = list(range(min(candidates, len(params))))
    ex = executor if executor is not None else LocalExecutor()
    try:
        tasks = [SimTask(c * check_seeds + j, dict(params[c]),
                         task_seed(seed, 10**7 + c * check_seeds + j))
                 for c in cand for j in range(check_seeds)]
        res = ex.map(partial(evaluate_task, model, obs, train_start, train_end), tasks,
                     progress=progress)
    finally:
        if executor is None:
            ex.close()
    by_c = {c: [r for r in res if r["id"] // check_seeds == c] for c in cand}
    mean_d = {c: float(np.mean([r["distance"] for r in rs])) for c, rs in by_c.items()}
    best = min(cand, key=lambda c: (mean_d[c], c))
    rs = by_c[best]
    per: dict[str, float] = {}
    for k in rs[0]["per_series"]:
        v = [r["per_series"][k] for r in rs if math.isfinite(r["per_series"][k])]
        per[k] = float(np.mean(v)) if v else math.nan
    disc = None
    if discrepancy:
        from roxham.calibrate.discrepancy import fit_discrepancy

        disc = fit_discrepancy(bank, obs, train_start, train_end, accept).to_json()
    n_sim = len(bank) + len(res)
    wall = round(time.perf_counter() - t0, 3)
    cal = Calibration(
        model=model.name, space=model.space.to_json(), train_start=train_start,
        train_end=train_end, seed=seed, budget=len(bank), batch=0,
        best=dict(params[best]), best_distance=mean_d[best],
        best_replicate_distances=[float(r["distance"]) for r in rs],
        best_per_series=per, posterior_names=names,
        posterior_samples=[[float(p[k]) for k in names] for p in params],
        posterior_weights=[1.0 / len(params)] * len(params),
        posterior_distances=[float(x) for x in post.distances],
        skipped_months=dict(rs[0]["skipped_months"]), n_simulations=n_sim, resumed=0,
        wall_s=wall, executor=repr(ex),
    )
    method = {
        "search": "none: rejection ABC on a bank of prior simulations "
                  "(roxham.calibrate.abc, roxham.calibrate.bank)",
        "posterior": f"the {len(params)} bank simulations of smallest distance out of "
                     f"{len(bank)} (tolerance: the {100 * accept / len(bank):.1f} % quantile "
                     f"of the bank's distances, {post.tolerance:.3f}); equal weights",
        "point": f"of the {len(cand)} accepted draws of smallest distance, the one of lowest "
                 f"mean distance over {check_seeds} new seeds",
        "distance": "weighted mean sMAPE (%) over official series (monthly; IRCC claims by "
                    "office type annual), missing periods skipped (roxham.calibrate.priors)",
        "accept": accept, "tolerance": post.tolerance, "bank": bank_info(bank),
        "seed": seed, "n_simulations": n_sim, "wall_s": wall, "executor": repr(ex),
    }
    return cal, method, disc


def synthetic_observed(obs: Observed, bank: SimBank, row: int) -> Observed:
    """``obs`` with every official figure replaced by bank simulation ``row``'s value of the
    same period (annual targets: its calendar-year sum): a synthetic truth with the official
    pattern of missing periods, for simulation-based calibration."""
    col = {m: j for j, m in enumerate(bank.months)}
    series: dict[str, tuple[dict[str, float], int]] = {}
    for k, (vals, miss) in obs.series.items():
        out: dict[str, float] = {}
        if k in bank.series:
            sim = bank.series[k][row]
            for per in vals:
                if obs.frequency.get(k) == "year":
                    js = _year_columns(col, per)
                    if js is not None:
                        out[per] = float(sum(sim[j] for j in js))
                elif per in col:
                    out[per] = float(sim[col[per]])
        series[k] = (out, miss)
    return Observed(series, dict(obs.weights), dict(obs.sources), dict(obs.floors),
                    dict(obs.frequency))


@dataclass
class SBCResult:
    """Simulation-based calibration of rejection ABC: per dataset and parameter, whether the
    truth lies in the central 50 % / 90 % interval of the accepted draws, and its rank."""

    names: list[str]
    in50: npt.NDArray[np.bool_]
    in90: npt.NDArray[np.bool_]
    ranks: npt.NDArray[np.float64]

    def coverage(self) -> tuple[float, float]:
        """Pooled shares inside the 50 % and 90 % intervals."""
        return float(self.in50.mean()), float(self.in90.mean())


def abc_sbc(bank: SimBank, truths: SimBank, obs: Observed, start: str, end: str,
            accept: int = ABC_ACCEPT) -> SBCResult:
    """For each usable row of ``truths`` (prior draws simulated once, never in ``bank``):
    its synthetic figures (:func:`synthetic_observed`), the rejection-ABC posterior on
    ``bank``, and the truth's place among the accepted draws, on the prior's unit cube
    (quantile functions are monotone: the same as on the parameters). Ranks are normalised
    to (0, 1): uniform if the posterior is calibrated."""
    rows = np.flatnonzero(truths.ok())
    in50, in90, ranks = [], [], []
    for r in rows:
        post = abc_posterior(bank, synthetic_observed(obs, truths, int(r)), start, end,
                             accept)
        u, t = post.u, truths.u[r]
        q = np.quantile(u, [0.05, 0.25, 0.75, 0.95], axis=0)
        in50.append((t >= q[1]) & (t <= q[2]))
        in90.append((t >= q[0]) & (t <= q[3]))
        ranks.append(((u < t[None, :]).sum(axis=0) + 0.5) / (len(u) + 1))
    d = truths.u.shape[1]
    return SBCResult(list(truths.names), np.array(in50, dtype=bool).reshape(-1, d),
                     np.array(in90, dtype=bool).reshape(-1, d),
                     np.array(ranks, dtype=float).reshape(-1, d))
