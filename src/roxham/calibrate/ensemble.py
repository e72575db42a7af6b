"""Ensembles: parameter draws × seeds → quantile bands (p05/p50/p95) on every output series.

Draw ``i`` takes posterior sample ``k_i`` (weighted resampling with ``SeedSequence``-derived
generator of the run seed) and simulation seed ``task_seed(seed, i)``; results do not depend on
the executor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import numpy as np
import polars as pl

from roxham.calibrate.executor import Executor, LocalExecutor, Progress, task_seed
from roxham.calibrate.fit import SimTask
from roxham.calibrate.models import CalibratableModel

__all__ = ["draw_parameters", "ensemble", "quantile_bands", "simulate_task"]


def simulate_task(model: CalibratableModel, end: str, task: SimTask) -> pl.DataFrame:
    """One simulation of an ensemble, tagged with its draw id (column ``draw``)."""
    df = model.simulate(task.params, task.seed, end)
    return df.with_columns(pl.lit(task.id).alias("draw"))


def draw_parameters(
    names: Sequence[str], samples: Sequence[Sequence[float]], weights: Sequence[float],
    n: int, seed: int, point: Mapping[str, float] | None = None,
) -> list[dict[str, float]]:
    """``n`` parameter sets resampled from weighted posterior samples (the point estimate
    alone if there are no samples).

    >>> draw_parameters(["a"], [[1.0], [2.0]], [0.0, 1.0], 3, seed=1)
    [{'a': 2.0}, {'a': 2.0}, {'a': 2.0}]
    """
    if not samples:
        if point is None:
            raise ValueError("no posterior samples and no point estimate")
        return [dict(point) for _ in range(n)]
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7]))
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    idx = rng.choice(len(samples), size=n, replace=True, p=w)
    return [dict(zip(names, (float(x) for x in samples[int(k)]), strict=True)) for k in idx]


def quantile_bands(draws: pl.DataFrame) -> pl.DataFrame:
    """Per month/series/geography: mean, p05, p50, p95 over the ``draw`` column."""
    return (
        draws.group_by("month", "series", "geography")
        .agg(
            pl.col("value").mean().alias("mean"),
            pl.col("value").quantile(0.05, "linear").alias("p05"),
            pl.col("value").quantile(0.50, "linear").alias("p50"),
            pl.col("value").quantile(0.95, "linear").alias("p95"),
            pl.len().alias("n"),
        )
        .sort("series", "geography", "month")
    )


def ensemble(
    model: CalibratableModel,
    params: Sequence[Mapping[str, float]],
    end: str,
    seed: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Simulate each parameter set (own seed) to month ``end``; returns (all draws long,
    quantile bands)."""
    ex = executor if executor is not None else LocalExecutor()
    tasks = [SimTask(i, dict(p), task_seed(seed, i)) for i, p in enumerate(params)]
    frames = ex.map(partial(simulate_task, model, end), tasks, progress=progress)
    draws = pl.concat(frames)
    return draws, quantile_bands(draws)
