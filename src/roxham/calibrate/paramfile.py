"""Parameter files: what a calibration writes and a scenario can use.

A parameter file is YAML::

    kind: roxham-parameters/v1
    model: canada_us
    base_scenario: historical
    base_hash: 1a2b3c4d5e6f     # scenario_hash of the base when fitted (staleness check)
    method: {...}                # how it was fitted (see roxham.calibrate.fit)
    train: {start: 2017-01, end: 2022-12}
    parameters: {nyc_base: 97.3, ...}         # point estimate (values of the space)
    overrides: {demand: {...}, choice: {...}}  # the same, as scenario keys (deep-merge)
    fit: {distance: ..., per_series: {...}, skipped_months: {...}}
    posterior: {names: [...], samples: [[...]], weights: [...], distances: [...]}
    space: [...]                 # priors used
    discrepancy: {scales: {series/geo: ...}, ...}  # optional (roxham.calibrate.discrepancy)

``overrides`` can be passed to ``load_scenario(base, overrides)``; :func:`write_parameter_file`
also writes ``<stem>.scenario.yaml`` (``extends: <base>`` + the overrides) so that
``roxham run <stem>.scenario.yaml`` runs the calibrated model.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import yaml

from roxham.calibrate.fit import Calibration
from roxham.calibrate.space import ParameterSpace, get_path
from roxham.errors import UserError

__all__ = [
    "KIND",
    "ParameterFile",
    "overrides_for",
    "read_parameter_file",
    "shipped_parameter_file",
    "write_parameter_file",
]

KIND = "roxham-parameters/v1"


def overrides_for(space: ParameterSpace, base: dict[str, Any], values: dict[str, float]
                  ) -> dict[str, Any]:
    """Minimal scenario overrides (for ``deep_merge``) setting ``values``: mappings down to
    the key; a path through a list carries the whole (modified) list, since lists replace.

    >>> from roxham.calibrate.space import Param
    >>> sp = ParameterSpace((Param("m", "d.shocks.a.x", 0, 9), Param("s", "c.k", 0, 9)))
    >>> base = {"d": {"shocks": [{"name": "a", "x": 1}, {"name": "b", "x": 2}]}, "c": {"k": 0}}
    >>> overrides_for(sp, base, {"m": 5.0, "s": 1.0})
    {'d': {'shocks': [{'name': 'a', 'x': 5.0}, {'name': 'b', 'x': 2}]}, 'c': {'k': 1.0}}
    """
    applied = space.apply(base, values)
    out: dict[str, Any] = {}
    for name in values:
        segs = space[name].path.split(".")
        node_out = out
        node_app: Any = applied
        for i, seg in enumerate(segs):
            child = node_app[seg]
            if i == len(segs) - 1 or isinstance(child, list):
                node_out[seg] = child
                break
            node_out = node_out.setdefault(seg, {})
            node_app = child
    return out


def _clean(x: Any) -> Any:
    if isinstance(x, float):
        return None if not math.isfinite(x) else x
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x


def write_parameter_file(
    cal: Calibration, path: Path, space: ParameterSpace, base_scenario: str,
    base: dict[str, Any], note: str = "", base_hash: str = "",
    method: dict[str, Any] | None = None,
    discrepancy: dict[str, Any] | None = None,
) -> Path:
    """Write ``path`` (YAML) and ``<stem>.scenario.yaml`` beside it; returns the latter.
    ``method`` replaces the description of the optimiser's method (e.g. for NPE, ABC);
    ``discrepancy`` (:mod:`roxham.calibrate.discrepancy`) is stored under that key."""
    over = overrides_for(space, base, cal.best)
    doc = {
        "kind": KIND,
        "model": cal.model,
        "base_scenario": base_scenario,
        "base_hash": base_hash,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "note": note,
        "method": method if method is not None else {
            "search": "optuna TPE (multivariate, constant liar), then CMA-ES (cmaes) from the "
                      "best point on the priors' unit cube; batches of fixed size",
            "refine": "best candidates re-simulated with new seeds; lowest mean distance wins",
            "posterior": "rejection ABC on the search samples, Epanechnikov weights "
                         "(approximation: search samples are not prior draws)",
            "distance": "weighted mean sMAPE (%) over official series (monthly; IRCC claims "
                        "by office type annual), missing periods skipped "
                        "(roxham.calibrate.priors)",
            "budget": cal.budget, "batch": cal.batch, "seed": cal.seed,
            "n_simulations": cal.n_simulations, "wall_s": cal.wall_s, "executor": cal.executor,
        },
        "train": {"start": cal.train_start, "end": cal.train_end},
        "parameters": cal.best,
        "overrides": over,
        "fit": {"distance": cal.best_distance,
                "replicate_distances": cal.best_replicate_distances,
                "per_series_smape": cal.best_per_series,
                "skipped_months": cal.skipped_months},
        "posterior": {"names": cal.posterior_names, "samples": cal.posterior_samples,
                      "weights": cal.posterior_weights, "distances": cal.posterior_distances},
        "space": cal.space,
    }
    if discrepancy is not None:
        doc["discrepancy"] = discrepancy
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(_clean(doc), sort_keys=False, width=100), encoding="utf-8")
    scen = path.with_name(path.stem + ".scenario.yaml")
    sdoc = {"extends": base_scenario, "name": f"{base_scenario}-calibrated",
            "description": f"{base_scenario} with the parameters of {path.name} "
                           f"(fitted {cal.train_start}..{cal.train_end})", **over}
    scen.write_text(
        f"# Written by roxham calibrate from {path.name}; edit that file's run, not this one.\n"
        + yaml.safe_dump(_clean(sdoc), sort_keys=False, width=100), encoding="utf-8")
    return scen


class ParameterFile:
    """A parameter file read back."""

    def __init__(self, data: dict[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    @property
    def parameters(self) -> dict[str, float]:
        """Point estimate."""
        return {k: float(v) for k, v in self.data["parameters"].items()}

    @property
    def overrides(self) -> dict[str, Any]:
        """Scenario overrides of the point estimate."""
        return dict(self.data.get("overrides") or {})

    @property
    def base_scenario(self) -> str:
        """The scenario the parameters apply to."""
        return str(self.data.get("base_scenario", "historical"))

    def posterior(self) -> tuple[list[str], list[list[float]], list[float]]:
        """(names, samples, weights) of the posterior approximation."""
        p = self.data.get("posterior") or {}
        return list(p.get("names", [])), list(p.get("samples", [])), list(p.get("weights", []))

    @property
    def discrepancy(self) -> dict[str, float]:
        """Model-discrepancy scales per monthly series (log1p), empty if the file has none
        (:mod:`roxham.calibrate.discrepancy`)."""
        from roxham.calibrate.discrepancy import scales_from

        return scales_from(self.data.get("discrepancy"))

    @property
    def discrepancy_steps(self) -> dict[str, float]:
        """Level-discrepancy steps per monthly series (log1p a month) for the months after
        the discrepancy's window, empty if the file has none
        (:func:`roxham.calibrate.discrepancy.steps_from`)."""
        from roxham.calibrate.discrepancy import steps_from

        return steps_from(self.data.get("discrepancy"))

    def check_against(self, space: ParameterSpace, base: dict[str, Any]) -> None:
        """Refuse a file whose parameters are not in ``space``."""
        for n in self.parameters:
            if n not in space.names:
                raise UserError(f"{self.where}: parameter {n!r} is not in the model's space")
            get_path(base, space[n].path)


def read_parameter_file(path: Path | str) -> ParameterFile:
    """Read and check a parameter file."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"parameter file {str(p)!r} not found")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        raise UserError(f"{p}: not valid YAML") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise UserError(f"{p}: not a roxham parameter file (kind: {KIND})")
    for key in ("parameters", "posterior"):
        if not isinstance(data.get(key), dict):
            raise UserError(f"{p}: missing '{key}' mapping")
    return ParameterFile(data, str(p))


def shipped_parameter_file(model: str = "canada_us") -> Path | None:
    """The calibrated parameter file shipped with the package, if any."""
    from importlib import resources

    f = resources.files("roxham.calibrate").joinpath("calibrated", f"{model}.yaml")
    return Path(str(f)) if f.is_file() else None
