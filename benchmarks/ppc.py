"""Posterior predictive checks of the Canada–US model on the real series (issue 14).

1. **PPC** — ``--draws`` parameter draws of the posterior (``--method abc``, default: rejection
   ABC on the prior bank; ``npe``) fitted on 2017-01..2022-12
   (:func:`roxham.calibrate.posterior_for_window`), each simulated once to 2024-12 (seed
   ``task_seed(seed, i)``). For every target (monthly series; annual IRCC claims by office
   type as yearly sums), the share of official periods inside the predictive 50 % (25–75 %)
   and 90 % (5–95 %) bands, in sample (2017–2022) and out of sample (2023–2024).
2. **``roxham run`` bands** — the historical scenario run as ``roxham run`` runs it (shipped
   parameter file or ``--params``, the scenario's seed and replicates, one posterior draw per
   replicate, bands widened by the file's model-discrepancy scales): share of the official
   months (monthly targets) inside the run's 5–95 % band (``p05``..``p95`` of
   monthly.parquet), per series: in the fit window (goal 0.80–0.97), leave-one-year-out (each
   year's band widened by the scale fitted on the other years' scores only), out of sample
   (2023–2024), and before widening.

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
        period: str = "half", method: str = "abc") -> dict[str, Any]:
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
                                      config=NPEConfig(sims=sims, period=period),
                                      method=method)
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
    return {"method": method, "draws": draws, "bank_simulations": sims, "train_end": train_end,
            "per_series": res, "pooled": pooled}


def run_bands(params: Path | None, train_end: str, test_end: str = "2024-12"
              ) -> dict[str, Any]:
    """Share of official months inside ``roxham run``'s 5–95 % bands: fit window, each
    year of it with the discrepancy scale refitted without that year (leave-one-year-out),
    and the months after the fit window (out of sample); also the share inside the band
    before the discrepancy widening (parameter uncertainty + chance only)."""
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
    fit_start = (pf.data.get("train") or {}).get("start", "2017-01") if pf else "2017-01"
    win = month_range(fit_start, train_end)
    out_win = [x for x in month_range(fit_start, test_end) if x > train_end]
    col = {f"{a}/{g}": j for j, (a, g) in enumerate(res.columns)}
    mi = {x: i for i, x in enumerate(res.months)}
    rep = res.replicate_monthly
    loyo = _loyo_scales(pf, fit_start, train_end)
    out: dict[str, Any] = {}
    tot = {w: [0, 0] for w in ("fit", "loyo", "out", "raw")}
    for k in obs.series:
        ser, geo = k.split("/")
        sub = m.filter((pl.col("series") == ser) & (pl.col("geography") == geo))
        lo = dict(zip(sub["month"].to_list(), sub["p05"].to_list(), strict=True))
        hi = dict(zip(sub["month"].to_list(), sub["p95"].to_list(), strict=True))
        figs = obs.series[k][0]
        row: dict[str, Any] = {}
        for w, per in (("fit", win), ("out", out_win)):
            c, n = _inside(figs, lo, hi, per)
            row[w] = round(c / n, 3) if n else None
            row[f"n_{w}"] = n
            tot[w][0] += c
            tot[w][1] += n
        if k in col:
            ms = [x for x in win if x in mi]
            vals = rep[:, [mi[x] for x in ms], col[k]]
            rlo = dict(zip(ms, np.quantile(vals, 0.05, axis=0).tolist(), strict=True))
            rhi = dict(zip(ms, np.quantile(vals, 0.95, axis=0).tolist(), strict=True))
            c, n = _inside(figs, rlo, rhi, win)
            row["raw_fit"] = round(c / n, 3) if n else None
            tot["raw"][0] += c
            tot["raw"][1] += n
            if k in loyo:
                from roxham.calibrate.discrepancy import widen_bounds

                cl = nl = 0
                for y, q in loyo[k].items():
                    idx = [i for i, x in enumerate(ms) if x[:4] == y]
                    a, b = widen_bounds([rlo[ms[i]] for i in idx], [rhi[ms[i]] for i in idx],
                                        max(q, 0.0))
                    c, n = _inside(figs, dict(zip([ms[i] for i in idx], a, strict=True)),
                                   dict(zip([ms[i] for i in idx], b, strict=True)),
                                   [ms[i] for i in idx])
                    cl += c
                    nl += n
                row["loyo"] = round(cl / nl, 3) if nl else None
                tot["loyo"][0] += cl
                tot["loyo"][1] += nl
        out[k] = row
    fit_shares = [v["fit"] for v in out.values() if v["fit"] is not None]
    return {"file": res.manifest["calibration"]["file"] if res.manifest.get("calibration")
            else None, "band_covers": (res.manifest.get("band") or {}).get("covers"),
            "seed": s.seed, "replicates": s.replicates,
            "window": [fit_start, train_end], "out_of_sample": [out_win[0], out_win[-1]]
            if out_win else None, "per_series": out,
            "series_within_80_97": sum(0.80 <= x <= 0.97 for x in fit_shares),
            "series": len(fit_shares),
            "pooled": {w: round(c / n, 3) if n else None for w, (c, n) in tot.items()}}


def _loyo_scales(pf: Any, start: str, end: str) -> dict[str, dict[str, float]]:
    """Per series and year of the fit window: the discrepancy scale from the other years'
    scores only (refitted on the file's bank; empty without an ABC discrepancy block)."""
    disc = (pf.data.get("discrepancy") if pf is not None else None) or {}
    bank_doc = ((pf.data.get("method") or {}).get("bank") if pf is not None else None) or {}
    if not disc or not bank_doc:
        return {}
    from roxham.calibrate import CanadaUSModel, load_observed
    from roxham.calibrate.bank import build_bank
    from roxham.calibrate.discrepancy import conformal_quantile, fit_discrepancy

    model = CanadaUSModel()
    bank = build_bank(model, int(bank_doc["simulations"]), int(bank_doc.get("seed", 0)))
    d = fit_discrepancy(bank, load_observed(model.targets), start, end,
                        int(disc.get("accept") or 100), float(disc.get("level") or 0.9),
                        int(disc.get("group_months") or 12), int(disc.get("replicates") or 8))
    out: dict[str, dict[str, float]] = {}
    for k, sc in d.scores.items():
        years = sorted({x[:4] for x, _ in sc})
        out[k] = {y: conformal_quantile([v for x, v in sc if x[:4] != y], d.level)
                  for y in years}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sims", type=int, default=2000, help="prior bank of the NPE")
    ap.add_argument("--period", choices=("half", "quarter"), default="quarter")
    ap.add_argument("-w", "--workers", type=int, default=2)
    ap.add_argument("--train-end", default="2022-12")
    ap.add_argument("--part", choices=("ppc", "run", "both"), default="both")
    ap.add_argument("--method", choices=("abc", "npe"), default="abc",
                    help="posterior of the PPC part")
    ap.add_argument("--params", type=Path, default=None)
    a = ap.parse_args()
    t0 = time.perf_counter()
    out: dict[str, Any] = {}
    if a.part in ("ppc", "both"):
        out["ppc"] = ppc(a.draws, a.seed, a.workers, a.train_end, a.sims, a.period, a.method)
        for k, v in out["ppc"]["per_series"].items():
            print(f"PPC {k:24s} in 50/90 {v['in_50']}/{v['in_90']} (n {v['n_in']})  "
                  f"out 50/90 {v['out_50']}/{v['out_90']} (n {v['n_out']})")
    if a.part in ("run", "both"):
        out["run_bands"] = run_bands(a.params, a.train_end)
        rb = out["run_bands"]
        for k, v in rb["per_series"].items():
            print(f"run {k:28s} inside 5-95 %: fit {v['fit']} (n {v['n_fit']}), "
                  f"leave-one-year-out {v.get('loyo')}, out of sample {v['out']} "
                  f"(n {v['n_out']}); before widening {v.get('raw_fit')}")
        print(f"run: {rb['series_within_80_97']} of {rb['series']} series within 0.80-0.97 "
              f"in the fit window; pooled {rb['pooled']}; band covers: {rb['band_covers']}")
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
