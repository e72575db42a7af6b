"""Summary statistics for likelihood-free inference (THE documented place; the optimiser's
distance is in :mod:`roxham.calibrate.distance`, both listed in :mod:`roxham.calibrate.priors`).

For a training window ``[start, end]`` and the official figures of the model's targets
(:class:`~roxham.calibrate.distance.Observed`), the summary vector has one feature per

- **monthly target × quarter** (``period="quarter"``, the default of
  :class:`~roxham.calibrate.npe.NPEConfig`; or × half-year, ``period="half"``) holding at
  least one official month in the window: the mean of ``log(1 + value)`` over the months of
  that quarter that have an official figure. A simulation is summarised over exactly the
  same months (missing official months are skipped, never interpolated, in the data and in
  the simulations alike);
- **annual target × calendar year** lying wholly in the window with an official figure:
  ``log(1 + yearly total)`` (the simulation's sum of the year's 12 months).

Why these: the official monthly series are sparse (RCMP interceptions by province are published
for some months only, the IRB inventory for 20), so a feature per month would be mostly
missing; quarterly means of logs keep the timing that identifies the 2017 Haitian wave, the
2020 closure and the 2022 New York ramp, the level of each province (route constants,
interception probability) and the annual office-type totals, while averaging out monthly
noise that the model does not try to reproduce. Half-years were tried first: the posterior
was as well calibrated (simulation-based calibration) but its predictive bands held far fewer
official months of Quebec and Canada (models/canada_us/MODEL.md, *Inference*). Logs make
Quebec's thousands and Ontario's zeros comparable (no per-series weight is needed: the neural
posterior learns how informative each feature is). The features are computed only from
figures inside the window: a month after ``end`` cannot enter (tested).

>>> from roxham.calibrate.distance import Observed
>>> obs = Observed({"x/A": ({"2020-01": 9.0, "2020-02": 99.0, "2020-08": 0.0}, 0)},
...                {"x/A": 1.0}, frequency={"x/A": "month"})
>>> spec = summary_spec(obs, "2020-01", "2020-12", month_range("2017-01", "2024-12"))
>>> [f.label for f in spec.features], spec.observed.round(3).tolist()
(['x/A 2020Q1', 'x/A 2020Q3'], [3.454, 0.0])
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from roxham.calibrate.distance import Observed, month_range

__all__ = ["Feature", "SummarySpec", "summary_spec"]


@dataclass(frozen=True)
class Feature:
    """One summary: target ``key``, ``label``, ``kind`` (``half``: mean of log1p over the
    months ``cols``; ``year``: log1p of the sum over ``cols``), ``cols`` = month indices."""

    key: str
    label: str
    kind: str
    cols: tuple[int, ...]


@dataclass(frozen=True)
class SummarySpec:
    """The features of a window and the official summary vector ``observed``."""

    start: str
    end: str
    months: tuple[str, ...]
    features: tuple[Feature, ...]
    observed: np.ndarray

    def simulated(self, series: Mapping[str, np.ndarray]) -> np.ndarray:
        """Summaries [n, F] of simulated monthly series ``{key: [n, len(months)]}``."""
        n = next(iter(series.values())).shape[0] if series else 0
        out = np.empty((n, len(self.features)))
        for j, f in enumerate(self.features):
            v = np.maximum(np.asarray(series[f.key], dtype=float)[:, list(f.cols)], 0.0)
            out[:, j] = np.log1p(v).mean(axis=1) if f.kind == "half" \
                else np.log1p(v.sum(axis=1))
        return out

    def digest(self) -> str:
        """Hash of the feature definitions (which months enter which feature)."""
        return hashlib.sha256(json.dumps(
            [[f.key, f.label, f.kind, list(f.cols)] for f in self.features]
        ).encode()).hexdigest()[:12]

    @property
    def labels(self) -> list[str]:
        """Feature labels, in order."""
        return [f.label for f in self.features]


def summary_spec(obs: Observed, start: str, end: str,
                 months: Sequence[str] | None = None, period: str = "quarter") -> SummarySpec:
    """Features and official summaries of ``obs`` over ``[start, end]``; ``months`` are the
    simulated months (default: the bank's, 2017-01..2024-12); ``period``: ``quarter`` (the
    default) or ``half`` (monthly features averaged per half-year instead)."""
    if period not in ("half", "quarter"):
        raise ValueError(f"period must be 'half' or 'quarter', got {period!r}")
    if months is None:
        from roxham.calibrate.bank import BANK_END, BANK_START

        months = month_range(BANK_START, BANK_END)
    idx = {m: i for i, m in enumerate(months)}
    feats: list[Feature] = []
    vals: list[float] = []
    for key in sorted(obs.series):
        figs, _missing = obs.window(key, start, end)
        if obs.frequency.get(key, "month") == "year":
            for y in sorted(figs):
                cols = tuple(idx[f"{y}-{m:02d}"] for m in range(1, 13) if f"{y}-{m:02d}" in idx)
                if len(cols) != 12:
                    continue
                feats.append(Feature(key, f"{key} {y}", "year", cols))
                vals.append(float(np.log1p(max(figs[y], 0.0))))
            continue
        halves: dict[str, list[str]] = {}
        for m in sorted(figs):
            if m in idx:
                mo = int(m[5:7])
                lab = (f"{m[:4]}H{1 if mo <= 6 else 2}" if period == "half"
                       else f"{m[:4]}Q{(mo - 1) // 3 + 1}")
                halves.setdefault(lab, []).append(m)
        for h, ms in sorted(halves.items()):
            feats.append(Feature(key, f"{key} {h}", "half", tuple(idx[m] for m in ms)))
            vals.append(float(np.mean([np.log1p(max(figs[m], 0.0)) for m in ms])))
    return SummarySpec(start, end, tuple(months), tuple(feats), np.array(vals))
