"""Calibration: Optuna TPE point estimate, then a posterior approximation.

Method (documented here and in the parameter file it writes):

1. **Search** — ``budget`` simulations. First ``(1 − local) · budget`` proposed by Optuna's
   TPE sampler (the first one at the scenario's hand-tuned values when every parameter has
   one), in batches of ``batch`` (fixed, never derived from the number of workers); the sampler
   of batch ``g`` is seeded ``task_seed(seed, 10**6 + g)``. Then ``local · budget`` by CMA-ES
   (the ``cmaes`` library) on the unit cube of the priors, started at the best point found so
   far with step ``local_sigma``, one generation per batch (TPE explores 15 dimensions well
   but refines slowly: with 1,000 TPE trials and no local phase the hand-tuned start was
   still the best point). Simulation ``i`` is seeded ``task_seed(seed, i)``, so the run is
   reproduced exactly by any executor and worker count, and after an interruption (finished
   simulations come back from the checkpoint and are told to the samplers in order).
2. **Refine** — the ``refine`` best candidates (default min(4, budget/10)) are simulated
   again with ``refine_seeds`` new seeds (default 3; 1 for budgets under 20); the point
   estimate is the candidate with the lowest mean distance over its 1 + ``refine_seeds``
   replicates (one lucky replicate does not win).
3. **Posterior approximation** — rejection ABC on the search samples: the best ``accept``
   fraction (at least 10 samples) is kept, weighted by the Epanechnikov kernel
   ``1 − (d/ε)²`` with ``ε`` just above the largest accepted distance. TPE does not sample from
   the prior, so this is an approximation of the posterior (tighter than a true ABC-SMC
   posterior), used for ensembles; say so when reporting bands.
"""

from __future__ import annotations

import dataclasses
import math
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from roxham.calibrate.checkpoint import Checkpoint
from roxham.calibrate.distance import Observed, distance, load_observed, sim_table
from roxham.calibrate.executor import Executor, LocalExecutor, task_seed
from roxham.calibrate.models import CalibratableModel

__all__ = ["Calibration", "SimTask", "calibrate", "evaluate_task"]

ProgressFn = Callable[[int, int, float], None]


@dataclass(frozen=True)
class SimTask:
    """One simulation: ``id``, parameter values, seed."""

    id: int
    params: dict[str, float]
    seed: int


def evaluate_task(
    model: CalibratableModel, obs: Observed, start: str, end: str, task: SimTask
) -> dict[str, Any]:
    """Simulate ``task`` to month ``end`` and measure its distance over [start, end]
    (module-level so executors can pickle it)."""
    t0 = time.perf_counter()
    series = getattr(model, "simulate_series", None)
    if series is not None:  # the compared series only, summarised inside the run
        sim = series(task.params, task.seed, end, list(obs.series), obs.frequency)
    else:
        sim = sim_table(model.simulate(task.params, task.seed, end), list(obs.series),
                        obs.frequency)
    d = distance(sim, obs, start, end)
    return {
        "id": task.id,
        "params": task.params,
        "seed": task.seed,
        "distance": d.value,
        "per_series": {k: f.smape for k, f in d.per_series.items()},
        "skipped_months": {k: f.missing for k, f in d.per_series.items()},
        "wall_s": round(time.perf_counter() - t0, 4),
    }


@dataclass
class Calibration:
    """Result of :func:`calibrate`."""

    model: str
    space: list[dict[str, Any]]
    train_start: str
    train_end: str
    seed: int
    budget: int
    batch: int
    best: dict[str, float]
    best_distance: float
    best_replicate_distances: list[float]
    best_per_series: dict[str, float]
    posterior_names: list[str]
    posterior_samples: list[list[float]]
    posterior_weights: list[float]
    posterior_distances: list[float]
    skipped_months: dict[str, int]
    n_simulations: int
    resumed: int
    wall_s: float
    executor: str
    trials: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def to_json(self) -> dict[str, Any]:
        """Plain data (the trials are left out)."""
        d = dataclasses.asdict(self)
        d.pop("trials")
        return d


def _distributions(model: CalibratableModel) -> dict[str, Any]:
    import optuna

    out: dict[str, Any] = {}
    for p in model.space.params:
        if p.prior == "int":
            out[p.name] = optuna.distributions.IntDistribution(int(p.low), int(p.high))
        else:
            out[p.name] = optuna.distributions.FloatDistribution(
                p.low, p.high, log=p.prior == "loguniform")
    return out


def _tick(progress: ProgressFn | None, budget: int, best: float, k: int) -> None:
    if progress:
        progress(k, budget, best)


def _posterior(
    rows: list[dict[str, Any]], names: list[str], accept: float
) -> tuple[list[list[float]], list[float], list[float]]:
    ok = sorted((r for r in rows if math.isfinite(r["distance"])), key=lambda r: r["distance"])
    k = min(len(ok), max(10, math.ceil(accept * len(ok))))
    kept = ok[:k]
    if not kept:
        return [], [], []
    eps = kept[-1]["distance"] * (1 + 1e-9) + 1e-12
    w = np.array([1.0 - (r["distance"] / eps) ** 2 for r in kept])
    w = np.clip(w, 1e-12, None)
    w = w / w.sum()
    return ([[float(r["params"][n]) for n in names] for r in kept],
            [float(x) for x in w], [float(r["distance"]) for r in kept])


def calibrate(
    model: CalibratableModel,
    budget: int = 300,
    seed: int = 1,
    train_start: str = "2017-01",
    train_end: str = "2022-12",
    executor: Executor | None = None,
    batch: int = 8,
    checkpoint: Path | None = None,
    progress: ProgressFn | None = None,
    refine: int | None = None,
    refine_seeds: int | None = None,
    start_from_hand: bool = True,
    accept: float = 0.1,
    n_startup: int | None = None,
    observed: Observed | None = None,
    local: float = 0.5,
    local_sigma: float = 0.08,
) -> Calibration:
    """Fit ``model``'s free parameters to its official targets over the training window.

    >>> # doctest: +SKIP
    >>> cal = calibrate(CanadaUSModel(), budget=40, train_end="2018-12")
    """
    import optuna

    from roxham.errors import UserError

    if budget < 2:
        raise UserError("--budget must be at least 2 simulations")
    if batch < 1:
        raise UserError("batch must be >= 1")
    if not 0.0 <= local < 1.0:
        raise UserError("local must be in [0, 1)")
    t0 = time.perf_counter()
    ex = executor if executor is not None else LocalExecutor()
    obs = observed if observed is not None else load_observed(model.targets)
    names = model.space.names
    dists = _distributions(model)
    n_startup = n_startup if n_startup is not None else max(8, min(40, budget // 4))
    refine = refine if refine is not None else min(4, max(1, budget // 10))
    refine_seeds = refine_seeds if refine_seeds is not None else (3 if budget >= 20 else 1)
    hand = model.space.hand_values() if start_from_hand else {}
    if len(hand) != len(model.space):
        hand = {}
    n_local = round(budget * local) if budget >= 20 else 0
    n_tpe = budget - n_local
    header = {
        "model": model.name, "space": model.space.to_json(),
        "targets": sorted(obs.series), "train": [train_start, train_end], "seed": seed,
        "batch": batch, "n_startup": n_startup, "method": "optuna-tpe+cmaes/v2",
        "refine": [refine, refine_seeds], "start": hand, "local": [n_local, local_sigma],
    }
    ck = Checkpoint(checkpoint, header)
    resumed = 0
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize")
    work = partial(evaluate_task, model, obs, train_start, train_end)
    rows: list[dict[str, Any]] = []
    done = 0
    best = math.inf
    g = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=optuna.exceptions.ExperimentalWarning)
        def run_batch(tasks: list[SimTask]) -> list[dict[str, Any]]:
            """Results of ``tasks`` in order: from the checkpoint, else simulated."""
            nonlocal resumed
            cached = {t.id: ck.done[t.id] for t in tasks
                      if t.id in ck.done and ck.done[t.id]["params"] == t.params}
            todo = [t for t in tasks if t.id not in cached]

            def tick(k: int, _best: float = best) -> None:
                if progress:
                    progress(k, budget, _best)

            if cached and progress:
                progress(len(cached), budget, best)
            resumed += len(cached)
            fresh = ex.map(work, todo, progress=tick) if todo else []
            ck.append(fresh)
            by_id = {**cached, **{r["id"]: r for r in fresh}}
            return [by_id[t.id] for t in tasks]

        while done < n_tpe:
            n = min(batch, n_tpe - done)
            study.sampler = optuna.samplers.TPESampler(
                seed=task_seed(seed, 10**6 + g), n_startup_trials=n_startup,
                multivariate=True, constant_liar=True,
            )
            if g == 0 and hand:
                study.enqueue_trial(hand)
            trials = [study.ask(dists) for _ in range(n)]
            tasks = [SimTask(done + i, dict(t.params), task_seed(seed, done + i))
                     for i, t in enumerate(trials)]
            for tr, r in zip(trials, run_batch(tasks), strict=True):
                rows.append(r)
                v = r["distance"]
                study.tell(tr, v if math.isfinite(v) else 1e9)
                best = min(best, v)
            done += n
            g += 1
        if n_local:
            from cmaes import CMA

            start = min(rows, key=lambda r: r["distance"])["params"]
            cma = CMA(mean=np.array(model.space.to_unit(start)), sigma=local_sigma,
                      bounds=np.array([[0.0, 1.0]] * len(names)),
                      seed=task_seed(seed, 2 * 10**6) % 2**32,
                      population_size=max(batch, 4))
            while done < budget:
                n = min(cma.population_size, budget - done)
                xs = [cma.ask() for _ in range(n)]
                tasks = [SimTask(done + i, model.space.from_unit(x.tolist()),
                                 task_seed(seed, done + i)) for i, x in enumerate(xs)]
                res = run_batch(tasks)
                rows.extend(res)
                best = min([best, *(r["distance"] for r in res)])
                if n == cma.population_size:
                    cma.tell([(x, r["distance"] if math.isfinite(r["distance"]) else 1e9)
                              for x, r in zip(xs, res, strict=True)])
                done += n
        # refine the best candidates with new seeds
        ranked = sorted(rows, key=lambda r: r["distance"])[: max(1, refine)]
        rtasks = [
            SimTask(budget + ci * refine_seeds + j, dict(r["params"]),
                    task_seed(seed, budget + ci * refine_seeds + j))
            for ci, r in enumerate(ranked) for j in range(refine_seeds)
        ]
        rcached = {t.id: ck.done[t.id] for t in rtasks if t.id in ck.done}
        rtodo = [t for t in rtasks if t.id not in rcached]
        if rcached and progress:
            progress(len(rcached), budget, best)
        rfresh = ex.map(work, rtodo, progress=partial(_tick, progress, budget, best)) \
            if rtodo else []
        ck.append(rfresh)
        resumed += len(rcached)
        rby = {**rcached, **{r["id"]: r for r in rfresh}}
    best_i, best_mean = 0, math.inf
    for ci, r in enumerate(ranked):
        reps = [r] + [rby[budget + ci * refine_seeds + j] for j in range(refine_seeds)]
        m = float(np.mean([x["distance"] for x in reps]))
        if m < best_mean:
            best_i, best_mean = ci, m
    reps = [ranked[best_i]] + [rby[budget + best_i * refine_seeds + j]
                               for j in range(refine_seeds)]
    per_series: dict[str, float] = {}
    for k in reps[0]["per_series"]:
        vals = [x["per_series"][k] for x in reps if math.isfinite(x["per_series"][k])]
        per_series[k] = float(np.mean(vals)) if vals else math.nan
    samples, weights, pdist = _posterior(rows, names, accept)
    return Calibration(
        model=model.name,
        space=model.space.to_json(),
        train_start=train_start,
        train_end=train_end,
        seed=seed,
        budget=budget,
        batch=batch,
        best={n: float(ranked[best_i]["params"][n]) for n in names},
        best_distance=best_mean,
        best_replicate_distances=[float(x["distance"]) for x in reps],
        best_per_series=per_series,
        posterior_names=names,
        posterior_samples=samples,
        posterior_weights=weights,
        posterior_distances=pdist,
        skipped_months=dict(ranked[best_i]["skipped_months"]),
        n_simulations=len(rows) + len(rtasks),
        resumed=resumed,
        wall_s=round(time.perf_counter() - t0, 3),
        executor=repr(ex),
        trials=rows,
    )


def param_dict(names: list[str], values: list[float]) -> Mapping[str, float]:
    """``dict(zip(names, values))``."""
    return dict(zip(names, values, strict=True))
