"""Fit of parameter files on new seeds: the calibration distance of each file's point estimate
(and of the hand-tuned scenario) on the same ``--seeds`` fresh seeds (paired), over the
training window.

    python benchmarks/calibration_check.py [FILE.yaml ...] [--seeds 4] [--first-seed 1001]

Without files it checks the shipped calibration. Prints a table; the last line is one JSON
object ``{"hand": {...}, "<file>": {...}}`` with the mean distance and per-series sMAPE.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from roxham.calibrate.distance import distance, load_observed, sim_table
from roxham.calibrate.models import CanadaUSModel
from roxham.calibrate.paramfile import read_parameter_file, shipped_parameter_file
from roxham.calibrate.priors import TRAIN_END, TRAIN_START


def check(model: CanadaUSModel, params: dict[str, float], seeds: list[int]) -> dict[str, object]:
    obs = load_observed(model.targets)
    per: dict[str, list[float]] = {}
    vals = []
    for sd in seeds:
        df = model.simulate(params, sd, TRAIN_END)
        d = distance(sim_table(df, list(obs.series), obs.frequency), obs, TRAIN_START, TRAIN_END)
        vals.append(d.value)
        for k, f in d.per_series.items():
            per.setdefault(k, []).append(f.smape)
    return {"distance": float(np.mean(vals)), "distances": vals,
            "per_series": {k: float(np.nanmean(v)) for k, v in per.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--first-seed", type=int, default=1001)
    a = ap.parse_args()
    files = a.files or [shipped_parameter_file("canada_us")]
    model = CanadaUSModel()
    seeds = list(range(a.first_seed, a.first_seed + a.seeds))
    out: dict[str, object] = {}
    t0 = time.perf_counter()
    out["hand"] = check(model, model.space.hand_values(), seeds)
    for f in files:
        if f is None:
            sys.exit("no shipped parameter file")
        out[str(f)] = check(model, read_parameter_file(f).parameters, seeds)
    keys = list(out["hand"]["per_series"])  # type: ignore[index]
    def label(k: str) -> str:
        series, geo = k.split("/")
        return geo if series == "rcmp_interceptions" else {"irb_pending": "IRB"}.get(
            series, f"cl.{geo}")[:8]

    print(f"{'':28s} {'distance':>9s} " + " ".join(f"{label(k):>8s}" for k in keys))
    for name, r in out.items():
        assert isinstance(r, dict)
        print(f"{Path(name).name[:28]:28s} {r['distance']:9.2f} "
              + " ".join(f"{r['per_series'][k]:8.1f}" for k in keys))
    print(f"seeds {seeds}; {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
