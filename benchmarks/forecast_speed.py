"""Wall time of ``make_forecast(origin="2024-12", months=12, draws=100)`` after compilation,
and the historical run's 2024 claims against the official total.

Run: ``python benchmarks/forecast_speed.py [--draws 100] [--workers 1]``. A first forecast
(2 draws) warms the worker processes (compiled kernel, law table, statistical streams); the
second call is timed.
Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=100)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--skip-historical", action="store_true")
    a = ap.parse_args()
    from roxham.forecast import make_forecast

    t0 = time.perf_counter()
    make_forecast("2024-12", 12, "flat", draws=max(2, a.workers), seed=9, decompose=False,
                  workers=a.workers)
    warm = time.perf_counter() - t0
    t1 = time.perf_counter()
    c1 = time.process_time()
    f = make_forecast("2024-12", 12, "flat", draws=a.draws, seed=1, workers=a.workers)
    wall = time.perf_counter() - t1
    cpu_main = time.process_time() - c1
    x = f.samples[("claims_total", "CA")].sum(axis=1)
    out = {"origin": "2024-12", "months": 12, "draws": a.draws, "workers": a.workers,
           "warmup_s": round(warm, 2),
           "wall_s": round(wall, 2), "cpu_s_main_process": round(cpu_main, 2),
           "cpu_count": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 1),
           "claims_total_2025_mean": round(float(x.mean())),
           "variance_shares_claims_total": f.variance_shares.get("claims_total/CA"),
           "structural_shares_claims_total":
               f.manifest["uncertainty"]["structural_shares"].get("claims_total/CA")}
    if not a.skip_historical:
        import polars as pl

        from roxham.calibrate.runs import load_calibration, run_with_calibration
        from roxham.data import series
        from roxham.models.canada_us.scenario import load_scenario

        res = run_with_calibration(load_scenario("historical"), 1, 8, load_calibration())
        m = res.monthly.filter((pl.col("series") == "claims_total")
                               & (pl.col("geography") == "CA")
                               & pl.col("month").str.starts_with("2024"))
        off = series("asylum_claims_by_office", "CA", subgroup="office=total", kind="year",
                     start="2024", end="2024")["value"][0]
        out["historical_2024_claims_total_simulated"] = round(float(m["value"].sum()))
        out["historical_2024_claims_total_official"] = round(float(off))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
