"""Posterior predictive checks of the Canada–US model on the real series (issue 14).

1. **PPC** — ``--draws`` parameter draws of the NPE posterior fitted on 2017-01..2022-12
   (:func:`roxham.calibrate.posterior_for_window`), each simulated once to 2024-12 (seed
   ``task_seed(seed, i)``). For every target (monthly series; annual IRCC claims by office
   type as yearly sums), the share of official periods inside the predictive 50 % (25–75 %)
   and 90 % (5–95 %) bands, in sample (2017–2022) and out of sample (2023–2024).
2. **``roxham run`` bands** — the historical scenario run as ``roxham run`` runs it (shipped
   parameter file or ``--params``, the scenario's seed and replicates, one posterior draw per
   replicate): share of the official months of the fit window (monthly targets) inside the
   run's 5–95 % band (``p05``..``p95`` of monthly.parquet), per series.

Last line: ONE JSON object {"ppc": {...}, "run_bands": {...}, "wall_s": ...}.

    python benchmarks/ppc.py [--draws 100] [--sims 2000] [--part ppc|run|both]
                             [--params FILE] [-w 2]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl


def _inside(figs: dict[str, float], lo: dict[str, float], hi: dict[str, float],
            periods: list[str]) -> tuple[int, int]:
    ps = [p for p in periods if p in figs and p in lo]
    return sum(lo[p] <= figs[p] <= hi[p] for p in ps), len(ps)


def ppc(draws: int, seed: int, workers: int, train_end: str, sims: int,
        period: str = "half") -> dict[str, Any]:
    """Predictive coverage of posterior draws fitted up to ``train_end``."""
    from roxham.calibrate import CanadaUSModel, LocalExecutor, load_observed, task_seed
    from roxham.calibrate.distance import month_range, sim_table, whole_years
    from roxham.calibrate.ensemble import ensemble
    from roxham.calibrate.inference import posterior_for_window
    from roxham.calibrate.npe import NPEConfig

    model = CanadaUSModel()
    obs = load_observed(model.targets)
    ex = LocalExecutor(workers)
    try:
        params = posterior_for_window("canada_us", train_end, draws, seed, executor=ex,
                                      config=NPEConfig(sims=sims, period=period))
        frames, _ = ensemble(model, params, "2024-12", seed=task_seed(seed, 99), executor=ex)
    finally:
        ex.close()
    keys = list(obs.series)
    per_draw = [sim_table(frames.filter(pl.col("draw") == i), keys, obs.frequency)
                for i in range(draws)]
    ins = month_range("2017-01", train_end)
    out_m = [m for m in month_range("2017-01", "2024-12") if m > train_end]
    res: dict[str, Any] = {}
    tot = {f"{w}_{b}": [0, 0] for w in ("in", "out") for b in ("50", "90")}
    for k in keys:
        figs = obs.series[k][0]
        annual = obs.frequency.get(k) == "year"
        periods = sorted({p for d in per_draw for p in d[k]})
        vals = np.array([[d[k].get(p, np.nan) for p in periods] for d in per_draw])
        qs = {q: dict(zip(periods, np.nanquantile(vals, q, axis=0), strict=True))
              for q in (0.05, 0.25, 0.75, 0.95)}
        win_in = whole_years("2017-01", train_end) if annual else ins
        win_out = sorted({m[:4] for m in out_m if m[:4] not in win_in}) if annual else out_m
        row: dict[str, Any] = {}
        for w, per in (("in", win_in), ("out", win_out)):
            for b, (lo, hi) in (("50", (0.25, 0.75)), ("90", (0.05, 0.95))):
                c, n = _inside(figs, qs[lo], qs[hi], per)
                row[f"{w}_{b}"] = round(c / n, 3) if n else None
                row[f"n_{w}"] = n
                tot[f"{w}_{b}"][0] += c
                tot[f"{w}_{b}"][1] += n
        res[k] = row
    pooled = {k: round(c / n, 3) if n else None for k, (c, n) in tot.items()}
    return {"draws": draws, "bank_simulations": sims, "train_end": train_end,
            "per_series": res, "pooled": pooled}


def run_bands(params: Path | None, train_end: str) -> dict[str, Any]:
    """Share of official fit-window months inside ``roxham run``'s 5–95 % bands."""
    from roxham.calibrate import load_observed
    from roxham.calibrate.distance import month_range
    from roxham.calibrate.priors import CANADA_US_TARGETS
    from roxham.calibrate.runs import load_calibration, run_with_calibration
    from roxham.models.canada_us.scenario import load_scenario

    s = load_scenario("historical")
    pf = load_calibration(params)
    res = run_with_calibration(s, s.seed, s.replicates, pf)
    m = res.monthly
    obs = load_observed([t for t in CANADA_US_TARGETS if t.frequency == "month"])
    win = month_range("2017-01", train_end)
    out: dict[str, Any] = {}
    c_all = n_all = 0
    for k in obs.series:
        ser, geo = k.split("/")
        sub = m.filter((pl.col("series") == ser) & (pl.col("geography") == geo))
        lo = dict(zip(sub["month"].to_list(), sub["p05"].to_list(), strict=True))
        hi = dict(zip(sub["month"].to_list(), sub["p95"].to_list(), strict=True))
        c, n = _inside(obs.series[k][0], lo, hi, win)
        out[k] = {"inside_5_95": round(c / n, 3) if n else None, "months": n}
        c_all += c
        n_all += n
    return {"file": res.manifest["calibration"]["file"] if res.manifest.get("calibration")
            else None, "seed": s.seed, "replicates": s.replicates,
            "window": ["2017-01", train_end], "per_series": out,
            "pooled": round(c_all / n_all, 3) if n_all else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sims", type=int, default=2000, help="prior bank of the NPE")
    ap.add_argument("--period", choices=("half", "quarter"), default="quarter")
    ap.add_argument("-w", "--workers", type=int, default=2)
    ap.add_argument("--train-end", default="2022-12")
    ap.add_argument("--part", choices=("ppc", "run", "both"), default="both")
    ap.add_argument("--params", type=Path, default=None)
    a = ap.parse_args()
    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    if a.part in ("ppc", "both"):
        out["ppc"] = ppc(a.draws, a.seed, a.workers, a.train_end, a.sims, a.period)
        for k, v in out["ppc"]["per_series"].items():
            print(f"PPC {k:24s} in 50/90 {v['in_50']}/{v['in_90']} (n {v['n_in']})  "
                  f"out 50/90 {v['out_50']}/{v['out_90']} (n {v['n_out']})")
    if a.part in ("run", "both"):
        out["run_bands"] = run_bands(a.params, a.train_end)
        for k, v in out["run_bands"]["per_series"].items():
            print(f"run {k:24s} inside 5-95 %: {v['inside_5_95']} ({v['months']} months)")
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
