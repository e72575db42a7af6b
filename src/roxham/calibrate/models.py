"""Models that can be calibrated: anything with ``simulate(params, seed, end)``.

The generic core (:mod:`roxham.calibrate.fit`, executors, distance) only needs a picklable
object with

- ``name: str`` and ``space: ParameterSpace`` (free parameters and priors),
- ``targets: tuple[Target, ...]`` (official series compared),
- ``simulate(params: Mapping[str, float], seed: int, end: str) -> pl.DataFrame`` — a long
  monthly table with columns ``month`` (``YYYY-MM``), ``series``, ``geography``, ``value``,
  from the model's start to the end of month ``end`` (the real policy timeline);
- optionally ``simulate_series(params, seed, end, keys, frequency)`` — the compared series
  only, as :func:`roxham.calibrate.distance.sim_table` would read them from ``simulate``'s
  table (same numbers); calibration uses it when present (no long table per simulation).

:class:`CanadaUSModel` adapts the Canada–US model through scenario overrides (the model's
code is untouched): the parameter values are written at their scenario keys of the base
scenario, then :func:`roxham.models.canada_us.model.run_scenario` runs it.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import polars as pl

from roxham.calibrate.distance import Target
from roxham.calibrate.space import ParameterSpace

__all__ = ["CalibratableModel", "CanadaUSModel", "month_end", "series_table"]


class CalibratableModel(Protocol):
    """What the calibration core needs from a model."""

    name: str
    space: ParameterSpace
    targets: tuple[Target, ...]

    def simulate(self, params: Mapping[str, float], seed: int, end: str) -> pl.DataFrame:
        """Monthly long table (month, series, geography, value) up to month ``end``."""
        ...


def series_table(
    months: Sequence[str], columns: Sequence[tuple[str, str]], values: npt.NDArray[np.float64],
    keys: Sequence[str], frequency: Mapping[str, str] | None = None,
) -> dict[str, dict[str, float]]:
    """What :func:`roxham.calibrate.distance.sim_table` gives for the long table of
    ``values`` [month, column] (the same numbers, without building the table): ``{key:
    {month: value}}``, and for keys whose ``frequency`` is ``"year"`` the sums of the
    calendar years with all 12 months present (added in month order).

    >>> v = np.ones((13, 1))
    >>> m = [f"2020-{i:02d}" for i in range(1, 13)] + ["2021-01"]
    >>> series_table(m, [("c", "x")], v, ["c/x"], {"c/x": "year"})
    {'c/x': {'2020': 12.0}}
    """
    freq = frequency or {}
    col = {f"{a}/{g}": i for i, (a, g) in enumerate(columns)}
    out: dict[str, dict[str, float]] = {}
    for k in keys:
        if k not in col:
            out[k] = {}
            continue
        vals = values[:, col[k]].tolist()
        if freq.get(k) == "year":
            sums: dict[str, float] = {}
            counts: dict[str, int] = {}
            for m, v in zip(months, vals, strict=True):
                y = m[:4]
                sums[y] = sums.get(y, 0.0) + float(v)
                counts[y] = counts.get(y, 0) + 1
            out[k] = {y: v for y, v in sums.items() if counts[y] == 12}
        else:
            out[k] = dict(zip(months, (float(v) for v in vals), strict=True))
    return out


def month_end(month: str) -> dt.date:
    """Last day of ``YYYY-MM``.

    >>> month_end("2024-02")
    datetime.date(2024, 2, 29)
    """
    y, m = int(month[:4]), int(month[5:7])
    return dt.date(y, m, calendar.monthrange(y, m)[1])


@dataclass
class CanadaUSModel:
    """The Canada–US model of :mod:`roxham.models.canada_us`, one replicate per simulation
    by default (``replicates`` > 1 averages replicates of one seed).

    >>> m = CanadaUSModel()
    >>> m.scenario({"asc_stay": 1.25}, "2017-02").choice.asc_stay
    1.25
    """

    base: str = "historical"
    replicates: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    name: str = "canada_us"
    space: ParameterSpace = field(default=None)  # type: ignore[assignment]
    targets: tuple[Target, ...] = ()
    _base: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from roxham.calibrate.priors import CANADA_US_SPACE, CANADA_US_TARGETS
        from roxham.calibrate.space import get_path

        if self.space is None:
            # hand-tuned values = the base scenario's current values (the model is retuned
            # by hand too; the priors module documents the values it was written against)
            base = self.base_dict()
            self.space = CANADA_US_SPACE.with_hand(
                {p.name: float(get_path(base, p.path)) for p in CANADA_US_SPACE.params})
        if not self.targets:
            self.targets = CANADA_US_TARGETS

    def base_hash(self) -> str:
        """Content hash of the resolved base scenario (recorded in parameter files)."""
        from roxham.models.canada_us.scenario import ModelScenario, scenario_hash

        return scenario_hash(ModelScenario.model_validate(self.base_dict()))

    def base_dict(self) -> dict[str, Any]:
        """The resolved base scenario as plain data (with ``extra`` overrides merged)."""
        from roxham.models.canada_us.scenario import load_scenario

        if self._base is None:
            self._base = load_scenario(self.base, self.extra or None).model_dump(mode="json")
        return copy.deepcopy(self._base)

    def scenario(self, params: Mapping[str, float], end: str) -> Any:
        """The scenario with ``params`` applied, ending on the last day of month ``end``."""
        from roxham.models.canada_us.scenario import ModelScenario
        from roxham.scenario import with_params

        data = self.base_dict()
        data["end"] = month_end(end).isoformat()
        return with_params(ModelScenario.model_validate(data), params, self.space)

    def simulate(self, params: Mapping[str, float], seed: int, end: str) -> pl.DataFrame:
        """Run the model with ``params`` (values of ``space``) to the end of month ``end``."""
        from roxham.models.canada_us.model import run_scenario

        s = self.scenario(params, end)
        res = run_scenario(s, seed=seed, replicates=self.replicates)
        return res.monthly.select("month", "series", "geography", "value")

    def simulate_series(
        self, params: Mapping[str, float], seed: int, end: str, keys: Sequence[str],
        frequency: Mapping[str, str] | None = None,
    ) -> dict[str, dict[str, float]]:
        """The series ``keys`` (``series/geography``) of :meth:`simulate`, as
        :func:`roxham.calibrate.distance.sim_table` reads them from its table (the same
        numbers), summarised from the run's replicate array without building the table."""
        from roxham.models.canada_us.model import run_scenario

        s = self.scenario(params, end)
        res = run_scenario(s, seed=seed, replicates=self.replicates, frame=False, keys=keys)
        mean = res.replicate_monthly.mean(axis=0)
        return series_table(res.months, res.columns, mean, keys, frequency)
