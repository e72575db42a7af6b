"""Posterior draws for a training window: bank → summaries → NPE (:mod:`roxham.calibrate.npe`).

:func:`posterior_for_window` is the one entry point for forecasts and backtests
(docs/ARCHITECTURE.md): parameter draws fitted only on official figures of
``train_start..train_end``. The prior bank is shared by every window (simulations do not
depend on the window); the trained posterior is cached per (model hash, window, feature set,
method settings), so a backtest trains once per origin and later calls only sample.
:func:`npe_calibration` wraps the same steps into a :class:`~roxham.calibrate.fit.Calibration`
for ``roxham calibrate --method npe`` (the parameter file that ``roxham run`` uses).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from roxham.calibrate.bank import SimBank, bank_info, build_bank, cache_dir
from roxham.calibrate.distance import Observed, load_observed
from roxham.calibrate.executor import Executor
from roxham.calibrate.models import CalibratableModel
from roxham.calibrate.npe import (
    NPEConfig,
    TrainedNPE,
    load_trained,
    require_sbi,
    save_trained,
    train_npe,
)
from roxham.calibrate.summaries import SummarySpec, summary_spec
from roxham.errors import UserError

__all__ = [
    "METHODS",
    "MODELS",
    "WindowPosterior",
    "npe_calibration",
    "posterior_for_window",
    "window_posterior",
]

#: inference methods of posterior_for_window: rejection ABC on the prior bank with the
#: calibration distance (the default: on the real series with this model's targets it fits far
#: better than NPE, models/canada_us/MODEL.md, *Inference*), and neural posterior estimation
METHODS = ("abc", "npe")


def _canada_us() -> CalibratableModel:
    from roxham.calibrate.models import CanadaUSModel

    return CanadaUSModel()


#: models known by name
MODELS: dict[str, Callable[[], CalibratableModel]] = {"canada_us": _canada_us}


def _check_window(train_start: str, train_end: str) -> None:
    from roxham.calibrate.bank import BANK_END, BANK_START
    from roxham.calibrate.distance import month_range

    month_range(train_start, train_end)  # one clear line if malformed
    if train_end < train_start:
        raise UserError(f"training end {train_end} is before its start {train_start}")
    if train_start < BANK_START or train_end > BANK_END:
        raise UserError(f"training window {train_start}..{train_end} must lie in "
                        f"{BANK_START}..{BANK_END}")


class WindowPosterior:
    """A trained posterior of one window: the summaries, the network, the bank it learned
    from. :meth:`draws` gives parameter dicts for the official summaries."""

    def __init__(self, model: CalibratableModel, spec: SummarySpec, trained: TrainedNPE,
                 bank: SimBank, config: NPEConfig, cached: bool) -> None:
        self.model = model
        self.spec = spec
        self.trained = trained
        self.bank = bank
        self.config = config
        self.cached = cached

    def unit_draws(self, n: int, seed: int, x: np.ndarray | None = None) -> np.ndarray:
        """[n, d] unit-cube draws given summaries ``x`` (default: the official ones)."""
        return self.trained.sample_unit(self.spec.observed if x is None else x, n, seed)

    def draws(self, n: int, seed: int) -> list[dict[str, float]]:
        """``n`` parameter draws given the official summaries (deterministic for ``seed``)."""
        return [self.model.space.from_unit(u.tolist()) for u in self.unit_draws(n, seed)]

    def info(self) -> dict[str, Any]:
        """What a parameter file or manifest records."""
        return {
            "method": "npe", "window": [self.spec.start, self.spec.end],
            "features": len(self.spec.features), "feature_digest": self.spec.digest(),
            "bank": bank_info(self.bank), "config": self.config.__dict__,
            "train": {"simulations": self.trained.n_train, "epochs": self.trained.epochs,
                      "validation_loss": self.trained.val_loss,
                      "wall_s": self.trained.wall_s},
            "official_vs_bank": self.trained.outlying(self.spec.observed),
        }


def window_posterior(
    model: CalibratableModel,
    obs: Observed,
    train_start: str,
    train_end: str,
    config: NPEConfig | None = None,
    executor: Executor | None = None,
    cache: Path | str | None = "default",
    progress: Callable[[int], None] | None = None,
) -> WindowPosterior:
    """Build (or read) the bank, summarise the window's official figures, train (or read)
    the posterior. ``cache=None``: nothing read or written on disk."""
    require_sbi()
    _check_window(train_start, train_end)
    cfg = config or NPEConfig()
    bank = build_bank(model, cfg.sims, cfg.bank_seed, executor=executor, cache=cache,
                      progress=progress)
    spec = summary_spec(obs, train_start, train_end, bank.months, cfg.period)
    if not spec.features:
        raise UserError(f"no official figure of {model.name}'s targets in "
                        f"{train_start}..{train_end}: nothing to fit")
    path: Path | None = None
    if cache is not None:
        root = cache_dir() if cache == "default" else Path(cache)
        path = root / "npe" / (f"{bank.hash}-{train_start}-{train_end}-{spec.digest()}-"
                               f"{cfg.tag()}.pt")
    trained = load_trained(path) if path is not None else None
    cached = trained is not None
    if trained is None:
        x = spec.simulated(bank.series)
        trained = train_npe(bank.u, x, bank.names, cfg)
        if path is not None:
            save_trained(trained, path)
    return WindowPosterior(model, spec, trained, bank, cfg, cached)


def _observed_for(model: CalibratableModel, train_end: str) -> Observed:
    """Official figures of the model's targets, read under the cut-off of ``train_end``
    when :func:`roxham.data.observed_until` exists (the window restricts them again)."""
    import roxham.data as data

    cut = getattr(data, "observed_until", None)
    if cut is None:
        return load_observed(model.targets)
    with cut(train_end):
        return load_observed(model.targets)


def posterior_for_window(
    model: str,
    train_end: str,
    n: int,
    seed: int,
    train_start: str = "2017-01",
    *,
    executor: Executor | None = None,
    config: NPEConfig | None = None,
    method: str = "abc",
) -> list[dict[str, float]]:
    """``n`` parameter draws of ``model`` (``"canada_us"``) fitted only on the official
    figures of ``train_start..train_end``, from the prior bank (cached on disk per model
    hash): ``method="abc"`` (default) rejection ABC with the calibration distance
    (:mod:`roxham.calibrate.abc`), ``"npe"`` neural posterior estimation (trained network
    cached per window). The same draws for the same seed.

    Example (simulates the bank on the first call, then only scores it)::

        draws = posterior_for_window("canada_us", "2019-06", n=100, seed=1)
    """
    if model not in MODELS:
        raise UserError(f"unknown model {model!r}; known: {', '.join(sorted(MODELS))}")
    if n < 1:
        raise UserError("n must be >= 1")
    if method not in METHODS:
        raise UserError(f"unknown inference method {method!r}; known: {', '.join(METHODS)}")
    m = MODELS[model]()
    _check_window(train_start, train_end)
    obs = _observed_for(m, train_end)
    if method == "abc":
        from roxham.calibrate.abc import abc_posterior
        from roxham.calibrate.bank import build_bank

        cfg = config or NPEConfig()
        bank = build_bank(m, cfg.sims, cfg.bank_seed, executor=executor)
        post = abc_posterior(bank, obs, train_start, train_end)
        return [dict(m.space.from_unit(list(u))) for u in post.unit_draws(n, seed)]
    wp = window_posterior(m, obs, train_start, train_end, config, executor)
    return wp.draws(n, seed)


def npe_calibration(
    model: CalibratableModel,
    obs: Observed,
    train_start: str,
    train_end: str,
    seed: int = 1,
    config: NPEConfig | None = None,
    executor: Executor | None = None,
    draws: int = 400,
    check_seeds: int = 3,
    progress: Callable[[int], None] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """NPE fit as a :class:`~roxham.calibrate.fit.Calibration` (point estimate: the
    draw of highest posterior density; posterior: ``draws`` equal-weight draws) and the
    method's description for the parameter file. The point estimate's
    distance (:mod:`roxham.calibrate.distance`) is measured on ``check_seeds`` seeds."""
    from functools import partial

    from roxham.calibrate.executor import LocalExecutor, task_seed
    from roxham.calibrate.fit import Calibration, SimTask, evaluate_task

    t0 = time.perf_counter()
    wp = window_posterior(model, obs, train_start, train_end, config, executor,
                          progress=progress)
    u = wp.unit_draws(draws, seed)
    names = model.space.names
    # the draw of highest posterior density (a coordinate-wise median of a correlated
    # posterior can fall where the posterior has little mass)
    lp = wp.trained.log_prob_unit(u, wp.spec.observed)
    point = model.space.from_unit(u[int(np.argmax(lp))].tolist())
    samples = [[float(model.space.from_unit(r.tolist())[k]) for k in names] for r in u]
    ex = executor if executor is not None else LocalExecutor()
    try:
        tasks = [SimTask(j, point, task_seed(seed, 10**7 + j)) for j in range(check_seeds)]
        res = ex.map(partial(evaluate_task, model, obs, train_start, train_end), tasks,
                     progress=progress)
    finally:
        if executor is None:
            ex.close()
    per: dict[str, float] = {}
    for k in res[0]["per_series"] if res else []:
        v = [r["per_series"][k] for r in res if math.isfinite(r["per_series"][k])]
        per[k] = float(np.mean(v)) if v else math.nan
    info = wp.info()
    cal = Calibration(
        model=model.name, space=model.space.to_json(), train_start=train_start,
        train_end=train_end, seed=seed, budget=len(wp.bank), batch=0,
        best=point, best_distance=float(np.mean([r["distance"] for r in res])) if res
        else math.nan,
        best_replicate_distances=[float(r["distance"]) for r in res],
        best_per_series=per, posterior_names=names, posterior_samples=samples,
        posterior_weights=[1.0 / draws] * draws, posterior_distances=[],
        skipped_months=dict(res[0]["skipped_months"]) if res else {},
        n_simulations=len(wp.bank) + len(res), resumed=0,
        wall_s=round(time.perf_counter() - t0, 3), executor=repr(ex),
    )
    method = {
        "search": "none: neural posterior estimation (sbi NPE, masked autoregressive flow) "
                  "trained on a bank of prior simulations (roxham.calibrate.npe)",
        "posterior": f"{draws} draws of the NPE posterior given the official summaries "
                     "(equal weights)",
        "point": "the posterior draw of highest posterior density",
        "summaries": "quarterly means of log1p of official monthly figures, log1p of annual "
                     "totals (roxham.calibrate.summaries)",
        "distance": "weighted mean sMAPE (%) of the point estimate, mean of "
                    f"{check_seeds} seeds (reported only; not used to fit)",
        "seed": seed, "n_simulations": cal.n_simulations, "wall_s": cal.wall_s,
        "executor": cal.executor, **info,
    }
    return cal, method
