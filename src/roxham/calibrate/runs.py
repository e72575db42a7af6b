"""Calibrated runs: a parameter file applied to any Canada–US scenario, one draw per replicate.

``roxham run`` (and ``roxham compare``, the web lab) run the model with the shipped calibration
by default. A parameter file is fitted on its base scenario (``historical``); a scenario that
extends it keeps what it changes itself. The rule, parameter by parameter:

- the scenario has no key at the parameter's path (e.g. it removed that shock): not applied;
- the scenario's value differs from the uncalibrated base's value there (the scenario sets
  it on purpose, e.g. a counterfactual): the scenario's value is kept;
- otherwise the calibrated value is written there.

With posterior samples in the file, replicate ``r`` takes its own parameter draw (weighted
resampling, reproducible from the run seed: :func:`roxham.calibrate.ensemble.draw_parameters`),
so bands show parameter uncertainty as well as chance. Two scenarios run with the same seed
get the same draws (paired comparisons).

>>> from roxham.models.canada_us.scenario import load_scenario
>>> from roxham.calibrate.paramfile import read_parameter_file, shipped_parameter_file
>>> pf = read_parameter_file(shipped_parameter_file())
>>> cal = calibrate_scenario(load_scenario("no-protocol"), pf, replicates=2, seed=1)
>>> len(cal.variants), cal.applied["asc_stay"] == pf.parameters["asc_stay"]
(2, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roxham.calibrate.ensemble import draw_parameters
from roxham.calibrate.paramfile import ParameterFile, read_parameter_file, shipped_parameter_file
from roxham.calibrate.priors import CANADA_US_SPACE
from roxham.calibrate.space import get_path
from roxham.errors import UserError
from roxham.scenario import with_params

__all__ = ["CalibratedRun", "calibrate_scenario", "load_calibration", "run_with_calibration"]


@dataclass
class CalibratedRun:
    """A scenario with a calibration applied.

    Attributes:
        scenario: the point-estimate scenario (names the run).
        variants: one scenario per replicate (posterior draws), or ``None`` when every
            replicate uses the point estimate.
        applied: parameter → calibrated point value written into the scenario.
        kept: parameter → the scenario's own value, kept because the scenario sets it.
        absent: parameters whose key the scenario does not have.
        info: what the manifest records (file, fit, draws).
    """

    scenario: Any
    variants: list[Any] | None
    applied: dict[str, float] = field(default_factory=dict)
    kept: dict[str, float] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


def load_calibration(path: Path | str | None = None) -> ParameterFile | None:
    """The parameter file at ``path``, else the shipped one (``None`` if none ships)."""
    if path is not None:
        return read_parameter_file(path)
    shipped = shipped_parameter_file("canada_us")
    return read_parameter_file(shipped) if shipped is not None else None


def _uncalibrated_base(name: str) -> dict[str, Any]:
    from roxham.models.canada_us.scenario import load_scenario

    return load_scenario(name).model_dump(mode="json")


def _plan(scen: dict[str, Any], base: dict[str, Any], names: list[str]
          ) -> tuple[list[str], dict[str, float], list[str]]:
    """(parameters to write, parameters kept with the scenario's value, absent ones)."""
    write: list[str] = []
    kept: dict[str, float] = {}
    absent: list[str] = []
    for n in names:
        path = CANADA_US_SPACE[n].path
        try:
            mine = get_path(scen, path)
        except UserError:
            absent.append(n)
            continue
        try:
            theirs = get_path(base, path)
        except UserError:
            theirs = None
        if theirs is not None and not _same(mine, theirs):
            kept[n] = float(mine)
        else:
            write.append(n)
    return write, kept, absent


def _same(a: Any, b: Any) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    except (TypeError, ValueError):
        return bool(a == b)


def _with(s: Any, values: Mapping[str, float], names: list[str]) -> Any:
    """``s`` with the parameters ``names`` set from ``values`` (:func:`roxham.scenario.with_params`,
    the one way parameters are written)."""
    return with_params(s, {n: float(values[n]) for n in names}, CANADA_US_SPACE)


def calibrate_scenario(
    s: Any, pf: ParameterFile, replicates: int, seed: int, *, posterior: bool = True
) -> CalibratedRun:
    """Apply parameter file ``pf`` to scenario ``s`` (a ``ModelScenario``): the point
    estimate, and with ``posterior`` one posterior draw per replicate."""
    if pf.data.get("model", "canada_us") != "canada_us":
        raise UserError(f"{pf.where}: parameters of model {pf.data.get('model')!r}, "
                        "not canada_us")
    point = pf.parameters
    unknown = [n for n in point if n not in CANADA_US_SPACE.names]
    if unknown:
        raise UserError(f"{pf.where}: parameter {unknown[0]!r} is not one of the model's "
                        f"({', '.join(CANADA_US_SPACE.names)})")
    scen = s.model_dump(mode="json")
    base = _uncalibrated_base(pf.base_scenario)
    write, kept, absent = _plan(scen, base, list(point))
    point_s = _with(s, point, write)
    names, samples, weights = pf.posterior()
    variants: list[Any] | None = None
    draws: list[dict[str, float]] = []
    if posterior and samples:
        if sorted(names) != sorted(point):
            raise UserError(f"{pf.where}: posterior names differ from the parameters")
        draws = draw_parameters(names, samples, weights, replicates, seed)
        variants = [_with(s, d, write) for d in draws]
    from roxham.models.canada_us.scenario import scenario_hash

    current = scenario_hash(_scenario_of(base))
    info: dict[str, Any] = {
        "file": Path(pf.where).name,
        "base_scenario": pf.base_scenario,
        "base_hash_fitted": pf.data.get("base_hash"),
        "base_hash_now": current,
        "stale": pf.data.get("base_hash") not in (None, current),
        "train": pf.data.get("train"),
        "fit_distance": (pf.data.get("fit") or {}).get("distance"),
        "applied": {n: point[n] for n in write},
        "kept_from_scenario": kept,
        "absent_in_scenario": absent,
        "posterior_draws": draws if variants is not None else None,
        "posterior_samples": len(samples),
    }
    return CalibratedRun(point_s, variants, {n: point[n] for n in write}, kept, absent, info)


def _scenario_of(data: dict[str, Any]) -> Any:
    from roxham.models.canada_us.scenario import ModelScenario

    return ModelScenario.model_validate(data)


def run_with_calibration(
    s: Any,
    seed: int,
    replicates: int,
    pf: ParameterFile | None,
    *,
    posterior: bool = True,
    progress: Any = None,
) -> Any:
    """Run scenario ``s`` (``ModelScenario``) with parameter file ``pf`` applied (``None``:
    the scenario's own values) and record what was applied in the manifest's
    ``calibration`` key. Returns the model's ``RunResult``.

    >>> from roxham.models.canada_us.scenario import load_scenario
    >>> s = load_scenario("historical", {"end": "2017-02-28"})
    >>> res = run_with_calibration(s, seed=1, replicates=2, pf=load_calibration())
    >>> res.manifest["calibration"]["posterior_samples"] > 0
    True
    """
    from roxham.models.canada_us.model import run_scenario

    if pf is None:
        res = run_scenario(s, seed=seed, replicates=replicates, progress=progress)
        res.manifest["calibration"] = None
        res.manifest["band"] = {"quantiles": [0.05, 0.95], "over": "replicates",
                                "covers": "chance only (replicate seeds; uncalibrated)"}
        return res
    cal = calibrate_scenario(s, pf, replicates, seed, posterior=posterior)
    res = run_scenario(cal.scenario, seed=seed, replicates=replicates, progress=progress,
                       variants=cal.variants)
    res.manifest["calibration"] = cal.info
    res.manifest["band"] = _widen_band(res, pf, cal.variants is not None)
    return res


def _widen_band(res: Any, pf: ParameterFile, drawn: bool) -> dict[str, Any]:
    """Widen ``res.monthly``'s p05/p95 by the file's model-discrepancy scales when the run
    used posterior draws (:mod:`roxham.calibrate.discrepancy`); the manifest's ``band``: what
    the 5–95 % band covers. The replicates (and so paired differences) are left as they are."""
    band: dict[str, Any] = {"quantiles": [0.05, 0.95], "over": "replicates"}
    if not drawn:
        band["covers"] = "chance only (replicate seeds; the point estimate in every replicate)"
        return band
    scales = pf.discrepancy
    if not scales or not res.monthly.height:
        band["covers"] = "parameter uncertainty (one posterior draw per replicate) + chance"
        return band
    from roxham.calibrate.discrepancy import widen

    win = (pf.data.get("discrepancy") or {}).get("window") or ["?", "?"]
    steps = pf.discrepancy_steps
    res.monthly = widen(res.monthly, scales, steps, str(win[1]) if steps else None)
    band["covers"] = ("parameter uncertainty + model discrepancy (split-conformal, fitted "
                      f"{win[0]}..{win[1]})")
    if steps:
        band["covers"] += (f" + after {win[1]}, a level drift growing with the months since "
                           "(random walk)")
        band["level_step_series"] = sorted(steps)
    band["discrepancy_series"] = sorted(scales)
    band["discrepancy_level"] = (pf.data.get("discrepancy") or {}).get("level")
    return band
