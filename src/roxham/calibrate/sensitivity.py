"""Sensitivity: Morris elementary effects (SALib) ranking the free parameters.

Trajectories are drawn by ``SALib.sample.morris`` in the unit cube (``num_levels`` = 4) and
mapped through each parameter's prior (so log-uniform parameters move in log steps). All
simulations share one seed (common random numbers: an elementary effect measures the
parameter, not the noise between seeds). Outputs: the training distance and the totals of a
few key series over the window. Parameters are ranked by μ* (mean |elementary effect|) of
the distance, each output's μ* also shown normalised by its largest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import polars as pl

from roxham.calibrate.distance import Observed, distance, load_observed, month_range, sim_table
from roxham.calibrate.executor import Executor, LocalExecutor, Progress, task_seed
from roxham.calibrate.fit import SimTask
from roxham.calibrate.models import CalibratableModel

__all__ = ["DEFAULT_OUTPUTS", "Sensitivity", "morris"]

#: (series, geography) totals over the window used as outputs besides the distance.
DEFAULT_OUTPUTS: tuple[tuple[str, str], ...] = (
    ("rcmp_interceptions", "QC"),
    ("rcmp_interceptions", "MB"),
    ("claims_total", "CA"),
    ("stca_returns", "CA"),
)


@dataclass
class Sensitivity:
    """Morris indices per output: ``{output: {param: (mu_star, sigma)}}`` and the ranking."""

    names: list[str]
    outputs: list[str]
    mu_star: dict[str, dict[str, float]]
    sigma: dict[str, dict[str, float]]
    ranking: list[str]
    n_simulations: int
    trajectories: int

    def to_json(self) -> dict[str, Any]:
        """Plain data."""
        return {"names": self.names, "outputs": self.outputs, "mu_star": self.mu_star,
                "sigma": self.sigma, "ranking": self.ranking,
                "n_simulations": self.n_simulations, "trajectories": self.trajectories}


def _outputs_task(model: CalibratableModel, obs: Observed, start: str, end: str,
                  outputs: Sequence[tuple[str, str]], task: SimTask) -> list[float]:
    df = model.simulate(task.params, task.seed, end)
    d = distance(sim_table(df, list(obs.series), obs.frequency), obs, start, end).value
    months = set(month_range(start, end))
    win = df.filter(pl.col("month").is_in(list(months)))
    vals = [d]
    for s, g in outputs:
        sub = win.filter((pl.col("series") == s) & (pl.col("geography") == g))
        vals.append(float(sub["value"].sum()))
    return vals


def morris(
    model: CalibratableModel,
    trajectories: int = 10,
    seed: int = 1,
    train_start: str = "2017-01",
    train_end: str = "2022-12",
    executor: Executor | None = None,
    outputs: Sequence[tuple[str, str]] = DEFAULT_OUTPUTS,
    observed: Observed | None = None,
    progress: Progress | None = None,
) -> Sensitivity:
    """Morris screening of ``model.space``: ``trajectories × (k + 1)`` simulations."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    from roxham.errors import UserError

    if trajectories < 2:
        raise UserError("--trajectories must be at least 2")
    ex = executor if executor is not None else LocalExecutor()
    obs = observed if observed is not None else load_observed(model.targets)
    names = model.space.names
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    u = morris_sample.sample(problem, trajectories, num_levels=4, seed=seed)
    sim_seed = task_seed(seed, 0)
    tasks = [SimTask(i, model.space.from_unit(row.tolist()), sim_seed) for i, row in enumerate(u)]
    res = ex.map(partial(_outputs_task, model, obs, train_start, train_end, tuple(outputs)),
                 tasks, progress=progress)
    y = np.asarray(res, dtype=float)
    out_names = ["distance", *(f"{s}/{g}" for s, g in outputs)]
    mu: dict[str, dict[str, float]] = {}
    sg: dict[str, dict[str, float]] = {}
    for j, on in enumerate(out_names):
        col = y[:, j]
        if not np.all(np.isfinite(col)):
            col = np.where(np.isfinite(col), col, np.nanmax(col[np.isfinite(col)]))
        si = morris_analyze.analyze(problem, u, col, num_levels=4, print_to_console=False,
                                    seed=seed)
        mu[on] = {n: float(v) for n, v in zip(names, si["mu_star"], strict=True)}
        sg[on] = {n: float(v) for n, v in zip(names, si["sigma"], strict=True)}
    ranking = sorted(names, key=lambda n: -mu["distance"][n])
    return Sensitivity(names, out_names, mu, sg, ranking, len(tasks), trajectories)
