"""Southbound fit and out-of-sample check (issue 15); ends with ONE JSON line.

Runs the southbound half of ``historical`` (its parameters fitted on 2017-01..2024-02 by
``python -m roxham.models.canada_us.southbound_fit --train-end 2024-02``) over 2017-01..2024-12
on the roxham.sim engine (seed 1, 32 replicates, ``replicate_seeds`` as ``roxham run``) and
reports, against the observed USBP figures (``roxham.data.usbp``):

- Swanton monthly fit 2017-01..2024-02 (in sample: the parameters and the month noise's sd
  were fitted on these months) and 2024-03..2024-09 (out of sample): sMAPE of the replicate
  mean and the share of observed months inside the 5-95 % band (engine draws and the fitted
  month noise, parameters fixed);
- the post-visa change, mean of 2024-03..2024-09 over the mean of 2023-03..2024-02, observed
  and simulated, for Mexican nationals on the northern border (the visa's direct effect),
  Swanton and the whole northern border, simulated (replicate mean) and expected (the
  model's expectation without noise, ``southbound_fit.expected_apprehensions``);
- scenarios ``no-mexico-visa`` and ``eta-tightening`` vs ``historical`` (full model, both
  directions, 2023-07..2024-12, seed 5, 8 replicates): totals with their 5-95 % band over
  replicates, for the southbound Mexican departures, Swanton apprehensions and the northbound
  airport claims.

- rolling-origin forecasts (``southbound.forecast_samples``, refitted at each origin, 100
  draws): the share of observed Swanton and northern-border months inside the 50 % and 90 %
  bands at quarterly origins 2021-12..2023-09 (outcomes up to 2024-02) and at the test origin
  2024-02 (outcomes 2024-03..2024-09).

    python benchmarks/southbound_check.py [--replicates 32] [--skip-scenarios]
        [--skip-rolling] [--draws 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time

import numpy as np
import polars as pl

from roxham.data.usbp import usbp_apprehensions
from roxham.metrics import shift_month
from roxham.models.canada_us import southbound as S
from roxham.models.canada_us.model import replicate_seeds, run_scenario
from roxham.models.canada_us.scenario import load_scenario


def smape(a: np.ndarray, f: np.ndarray) -> float:
    d = np.abs(a) + np.abs(f)
    return float(np.mean(np.where(d > 0, 2 * np.abs(f - a) / np.where(d > 0, d, 1), 0)) * 100)


def observed(geo: str, sub: str = "all") -> dict[str, float]:
    df = usbp_apprehensions(geo, "2017-01", "2024-09", subgroup=sub).filter(~pl.col("missing"))
    return dict(zip(df["period"], df["value"], strict=True))


def change(x: dict[str, float]) -> float:
    before = [x[m] for m in x if "2023-03" <= m <= "2024-02"]
    after = [x[m] for m in x if "2024-03" <= m <= "2024-09"]
    return 100.0 * (float(np.mean(after)) / float(np.mean(before)) - 1.0)


#: Rolling origins of the forecast check (quarterly; each forecast refits on the figures up to
#: its origin) and their horizon: outcomes after 2024-02 are left to the test origin 2024-02.
ROLLING_ORIGINS = ("2021-12", "2022-03", "2022-06", "2022-09", "2022-12", "2023-03",
                   "2023-06", "2023-09")
HORIZON = 7


def rolling(draws: int) -> dict[str, object]:
    """Coverage of the southbound forecasts' 50 % and 90 % bands (``forecast_samples``: a
    refit on 2017-01..origin, the month noise and the level discrepancy from the origin) at
    :data:`ROLLING_ORIGINS` (outcomes up to 2024-02 only) and at the test origin 2024-02
    (outcomes 2024-03..2024-09, the issue's out-of-sample window)."""
    obs = {geo: observed(geo) for geo in ("US-SWANTON", "US-NORTH")}
    res: dict[str, object] = {}
    for label, origins, last in (("before_2024_03", ROLLING_ORIGINS, "2024-02"),
                                 ("test_origin_2024_02", ("2024-02",), "2024-09")):
        hits: dict[str, list[tuple[bool, bool]]] = {g: [] for g in obs}
        per_origin = {}
        for o in origins:
            months = [m for m in (shift_month(o, k) for k in range(1, HORIZON + 1)) if m <= last]
            x, _ = S.forecast_samples(o, months, draws, 1)
            row = {}
            for geo in obs:
                q = np.quantile(x[("usbp_apprehensions", geo)], [0.05, 0.25, 0.75, 0.95],
                                axis=0)
                ins = [(bool(q[1, t] <= obs[geo][m] <= q[2, t]),
                        bool(q[0, t] <= obs[geo][m] <= q[3, t]))
                       for t, m in enumerate(months) if m in obs[geo]]
                hits[geo] += ins
                row[geo] = round(float(np.mean([b for _, b in ins])), 3)
            per_origin[o] = {"coverage_90": row}
        res[label] = {
            "n_months": {g: len(h) for g, h in hits.items()},
            "coverage_50": {g: round(float(np.mean([a for a, _ in h])), 3)
                            for g, h in hits.items()},
            "coverage_90": {g: round(float(np.mean([b for _, b in h])), 3)
                            for g, h in hits.items()},
            "per_origin_coverage_90": {o: v["coverage_90"] for o, v in per_origin.items()}}
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicates", type=int, default=32)
    ap.add_argument("--skip-scenarios", action="store_true")
    ap.add_argument("--skip-rolling", action="store_true")
    ap.add_argument("--draws", type=int, default=100,
                    help="draws per rolling-origin forecast")
    a = ap.parse_args()
    t0 = time.perf_counter()
    s = load_scenario("historical")
    seeds = replicate_seeds(1, a.replicates)
    df, _, _, _ = S.monthly_rows(s.southbound, s.start, dt.date(2024, 12, 31), seeds)

    def sim(series: str, geo: str) -> tuple[dict[str, float], dict[str, tuple[float, float]]]:
        sub = df.filter((pl.col("series") == series) & (pl.col("geography") == geo))
        mean = dict(zip(sub["month"], sub["value"], strict=True))
        band = {m: (lo, hi) for m, lo, hi in zip(sub["month"], sub["p05"], sub["p95"],
                                                  strict=True)}
        return mean, band

    out: dict[str, object] = {"seed": 1, "replicates": a.replicates}
    sw_obs = observed("US-SWANTON")
    sw_sim, sw_band = sim("usbp_apprehensions", "US-SWANTON")
    train = [m for m in sw_obs if "2017-01" <= m <= "2024-02"]
    test = [m for m in sw_obs if "2024-03" <= m <= "2024-09"]
    for label, months in (("train_2017_01_2024_02", train), ("test_2024_03_2024_09", test)):
        ob = np.array([sw_obs[m] for m in months])
        fc = np.array([sw_sim[m] for m in months])
        inside = [sw_band[m][0] <= sw_obs[m] <= sw_band[m][1] for m in months]
        out[f"swanton_{label}"] = {
            "n": len(months), "in_sample": label.startswith("train"),
            "smape_pct": round(smape(ob, fc), 1),
            "band_5_95_coverage_pct": round(100 * float(np.mean(inside)), 1),
            "mean_observed": round(float(ob.mean()), 1),
            "mean_simulated": round(float(fc.mean()), 1),
            "mean_abs_error": round(float(np.mean(np.abs(fc - ob))), 1)}
    from roxham.models.canada_us.southbound_fit import expected_apprehensions

    labels, exp = expected_apprehensions(s.southbound, s.start,
                                         (dt.date(2024, 9, 30) - s.start).days + 1)
    drops = {}
    for name, (geo_obs, sub, series, geo_sim) in {
        "mexicans_us_north": ("US-NORTH", "citizenship=Mexico", "usbp_apprehensions_by_group",
                              "MX"),
        "swanton": ("US-SWANTON", "all", "usbp_apprehensions", "US-SWANTON"),
        "us_north": ("US-NORTH", "all", "usbp_apprehensions", "US-NORTH"),
    }.items():
        o = change(observed(geo_obs, sub))
        m, _ = sim(series, geo_sim)
        f = change(m)
        ekey = ("usbp_apprehensions_by_group", "MX") if name.startswith("mex") else \
            ("usbp_apprehensions", geo_sim)
        e = change(dict(zip(labels, exp[ekey], strict=True)))
        drops[name] = {"observed_pct": round(o, 1), "simulated_pct": round(f, 1),
                       "gap_points": round(abs(f - o), 1), "expected_pct": round(e, 1),
                       "expected_gap_points": round(abs(e - o), 1)}
    out["post_visa_change"] = drops
    if not a.skip_rolling:
        out["rolling_forecasts"] = rolling(a.draws)
    if not a.skip_scenarios:
        scen = {}
        for name in ("historical", "no-mexico-visa", "eta-tightening"):
            sc = load_scenario(name, {"start": "2023-07-01", "end": "2024-12-31"})
            r = run_scenario(sc, seed=5, replicates=a.replicates)
            ci = {c: i for i, c in enumerate(r.columns)}
            row = {}
            nb_key = (("claims", "airport") if ("claims", "airport") in ci
                      else ("claims_airport", "CA"))
            labels = sorted(set(r.monthly["month"]))
            after = [i for i, m in enumerate(labels) if "2024-03" <= m <= "2024-12"]
            tot = r.replicate_monthly[:, after, ci[nb_key]].sum(axis=1)
            row["northbound_airport_claims_2024_03_12"] = [
                round(float(tot.mean())), round(float(np.quantile(tot, 0.05))),
                round(float(np.quantile(tot, 0.95)))]
            _, sbrep, sbcols, _ = S.monthly_rows(sc.southbound, sc.start, sc.end,
                                                 replicate_seeds(5, a.replicates))
            si = {c: i for i, c in enumerate(sbcols)}
            for key, col in (
                ("southbound_mx_departures_2024_03_12", ("southbound_departures", "MX")),
                ("swanton_apprehensions_2024_03_12", ("usbp_apprehensions", "US-SWANTON")),
            ):
                x = sbrep[:, after, si[col]].sum(axis=1)
                row[key] = [round(float(x.mean())), round(float(np.quantile(x, 0.05))),
                            round(float(np.quantile(x, 0.95)))]
            scen[name] = row
        out["scenarios_mean_p05_p95"] = scen
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
