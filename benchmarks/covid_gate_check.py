"""The COVID-19 travel gate of the statistical streams, measured (streams table of
models/canada_us/MODEL.md).

1. Airport and inland stream intensities (expected claims, ``build_demand`` of the historical
   scenario, hand-tuned shares) per year 2019–2022, gate on and off, vs IRCC's monthly
   figures (the streams' own series, ``demand.observed_stream``).
2. Whether to de-gate the forecasts' training history: for origins after the restrictions
   ended, the 12-month AutoETS forecast fitted on the observed history as published vs on the
   history divided by the gate (hand shares, day-weighted per month) vs with the restricted
   months treated as missing; mean |log(forecast / observed)| over the 12 months.
3. The streams' own 12-month forecasts (``demand.statistical_monthly`` from a fixed origin,
   the median, × the gate relative to the origin) from origins inside the restrictions,
   gate off / on: the same error (a cheap stand-in for the model backtest at these origins,
   which needs a prior bank).

    PYTHONPATH=src python benchmarks/covid_gate_check.py

No Canadian figure after 2024-12 is read (the last origin is 2023-12, 12 months ahead).
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np

from roxham import statforecast
from roxham.models.canada_us import demand as D
from roxham.models.canada_us.cohorts import profile_table
from roxham.models.canada_us.scenario import DemandSection, load_scenario

YEARS = (2019, 2020, 2021, 2022)
ORIGINS = ("2022-12", "2023-06", "2023-12")
COVID_ORIGINS = ("2019-12", "2020-06", "2020-12", "2021-06", "2021-12")


def _year_sums(labels: list[str], vals: np.ndarray) -> dict[int, float]:
    return {y: float(np.nansum([v for v, m in zip(vals, labels, strict=True)
                                if m[:4] == str(y)])) for y in YEARS}


def stream_totals() -> None:
    prof = profile_table()
    out = {}
    for gate in (False, True):
        s = load_scenario("historical", {"start": "2019-01-01", "end": "2022-12-31",
                                         "demand": {"covid_travel_gate": gate}})
        d = D.build_demand(s, prof)
        yrs = np.array([(s.start + dt.timedelta(days=i)).year for i in range(s.n_days)])
        for kind, label in ((D.KIND_AIR, "air"), (D.KIND_INLAND, "inland")):
            r = d.rates[:, d.kind == kind].sum(axis=1)
            out[(label, gate)] = {y: float(r[yrs == y].sum()) for y in YEARS}
    print("expected claims of the stream (rolling origins), gate off / on / IRCC official")
    for label in ("air", "inland"):
        obs = _year_sums(*D.observed_stream(label, "2022-12"))
        for y in YEARS:
            print(f"  {label:6s} {y}: {out[(label, False)][y]:8.0f} {out[(label, True)][y]:8.0f}"
                  f" {obs[y]:8.0f}")


def _month_share(dem: DemandSection, kind: str, month: str, ref: dt.date) -> float:
    y, m = int(month[:4]), int(month[5:7])
    days = [dt.date(y, m, d) for d in range(1, calendar.monthrange(y, m)[1] + 1)]
    return float(D.covid_gate(dem, kind, days, [ref] * len(days)).mean())


def degate_choice() -> None:
    dem = load_scenario("historical").demand
    print("12-month forecasts after the reopening: mean |log(forecast/observed)|")
    print("  stream origin   as published  de-gated  restricted=missing")
    for kind in ("air", "inland"):
        labels, vals = D.observed_stream(kind, "2024-12")
        for origin in ORIGINS:
            n = labels.index(origin) + 1
            hist, obs = vals[:n].copy(), vals[n:n + 12]
            ref = dt.date(int(origin[:4]), int(origin[5:7]), 28)  # no restriction in force
            shares = np.array([_month_share(dem, kind, m, ref) for m in labels[:n]])
            masked = np.where(shares < 1.0, np.nan, hist)
            errs = []
            for h in (hist, hist / shares, masked):
                f = statforecast.forecast(h, 12, n_samples=10, seed=1).point
                errs.append(float(np.mean(np.abs(np.log(f / obs)))))
            print(f"  {kind:6s} {origin}  {errs[0]:12.3f}  {errs[1]:8.3f}  {errs[2]:18.3f}")


def _month_end(month: str) -> dt.date:
    y, m = int(month[:4]), int(month[5:7])
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def origins_inside() -> None:
    dem = load_scenario("historical").demand
    print("stream forecasts from origins inside the restrictions, 12 months: "
          "mean |log(forecast/observed)|, gate off / on")
    for kind in ("air", "inland"):
        labels, vals = D.observed_stream(kind, "2022-12")
        for origin in COVID_ORIGINS:
            n = labels.index(origin) + 1
            months = labels[n:n + 12]
            f, _ = D.statistical_monthly(kind, months, origin, None)
            g = np.array([_month_share(dem, kind, m, _month_end(origin)) for m in months])
            obs = vals[n:n + 12]
            off, on = (float(np.mean(np.abs(np.log(x / obs)))) for x in (f, f * g))
            print(f"  {kind:6s} {origin}  {off:6.3f}  {on:6.3f}")


if __name__ == "__main__":
    stream_totals()
    degate_choice()
    origins_inside()
