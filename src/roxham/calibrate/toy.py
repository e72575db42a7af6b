"""A tiny stochastic model with the :class:`~roxham.calibrate.models.CalibratableModel`
interface, for tests, examples and benchmarks of the generic core (no roxham data needed).

Monthly Poisson counts ``level × (1 + amp·sin(2π(m − peak)/12))`` for one series
``toy/X`` from 2017-01; :func:`toy_observed` makes "official" figures from known parameters.

>>> m = ToyModel()
>>> df = m.simulate({"level": 100.0, "amp": 0.0, "peak": 1.0}, seed=1, end="2017-03")
>>> df["month"].to_list()
['2017-01', '2017-02', '2017-03']
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from roxham.calibrate.distance import Observed, Target, month_range
from roxham.calibrate.space import Param, ParameterSpace

__all__ = ["TOY_SPACE", "ToyModel", "toy_observed"]

TOY_SPACE = ParameterSpace(
    (
        Param("level", "level", 10.0, 1000.0, "loguniform", 100.0, "mean monthly count"),
        Param("amp", "amp", 0.0, 0.9, "uniform", 0.3, "seasonal amplitude"),
        Param("peak", "peak", 1, 12, "int", 7, "peak month"),
    )
)


@dataclass
class ToyModel:
    """Poisson monthly counts with seasonality."""

    name: str = "toy"
    space: ParameterSpace = field(default_factory=lambda: TOY_SPACE)
    targets: tuple[Target, ...] = (Target("toy", "X"),)
    start: str = "2017-01"

    def simulate(self, params: Mapping[str, float], seed: int, end: str) -> pl.DataFrame:
        """Monthly counts from ``start`` to ``end``."""
        months = month_range(self.start, end)
        rng = np.random.default_rng(seed)
        mm = np.array([int(m[5:7]) for m in months])
        lam = params["level"] * (1 + params["amp"] * np.sin(2 * math.pi * (mm - params["peak"])
                                                            / 12))
        vals = rng.poisson(np.maximum(lam, 0.0)).astype(float)
        return pl.DataFrame({"month": months, "series": ["toy"] * len(months),
                             "geography": ["X"] * len(months), "value": vals})


def toy_observed(params: Mapping[str, float], end: str, seed: int = 0,
                 missing: tuple[str, ...] = ()) -> Observed:
    """"Official" figures simulated from ``params`` (months in ``missing`` left out)."""
    df = ToyModel().simulate(params, seed, end)
    vals = {m: float(v) for m, v in zip(df["month"], df["value"], strict=True)
            if m not in missing}
    return Observed({"toy/X": (vals, len(missing))}, {"toy/X": 1.0}, {"toy/X": "synthetic"})
