"""IRB processing (issue 19): fit of the RPD inventory and throughput against the bundled IRB
figures, old (post-hoc stock) vs new (FIFO queues, models/canada_us/processing.py) on the
same replicates, and the effect of the ``capacity`` scenario on inventory and waits.

    python benchmarks/irb_processing.py [--seed 1] [--replicates 4]

Runs the shipped ``historical`` scenario (its own parameters, not the calibration's draws)
``--replicates`` times; each replicate's daily referred claims feed both the old computation
(kept here, verbatim, for the comparison) and the new queues, and the queues again under each
RPD capacity source of :func:`capacity_variants` (the shipped funded capacity, its assumption
ranges, the finalisation-based sources): inventory sMAPE by year and waits against the IRB's
published projected waits. Then ``historical`` and
``capacity`` to 2026-12-31 with the same seed; costs per level of government (costs.py); PRRA
applications in 2026 with and without Bill C-12. Prints Markdown tables; the last
line is one JSON object (tables in src/roxham/models/canada_us/MODEL.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time

import numpy as np
import numpy.typing as npt
import polars as pl

from roxham.data import series as data_series
from roxham.metrics import smape
from roxham.models.canada_us import engine_model as E
from roxham.models.canada_us import processing as P
from roxham.models.canada_us.costs import cohort_cost, costs_by_level, unit_figures
from roxham.models.canada_us.model import (
    _months,
    build,
    replicate_seeds,
    run_replicate,
    run_scenario,
)
from roxham.models.canada_us.observed import observed
from roxham.models.canada_us.scenario import ModelScenario, load_scenario

#: Published IRB projected wait times for a new RPD claim (months), by the month they describe:
#: (month, published months, source). The IRB computes them as months of funded capacity to
#: clear the inventory (PAC binder, Nov 2020), i.e. a FIFO wait: compared with wait_days_p50.
PUBLISHED_WAITS: tuple[tuple[str, float, str], ...] = (
    ("2017-08", 16.0, "https://ipolitics.ca/2017/09/08/refugee-claim-backlog-hits-34000-for-year-end-total/"),
    ("2019-12", 24.0, "https://irb-cisr.gc.ca/en/reports-publications/planning-performance/Pages/operating-context.aspx"),
    ("2020-03", 22.0, "https://www.canada.ca/en/immigration-refugees-citizenship/corporate/transparency/committees/cimm-may-12-2022/irb-inventory-wait-times.html"),
    ("2020-10", 20.0, "https://irb.gc.ca/en/transparency/pac-binder-nov-2020/Pages/pac8a.aspx"),
    ("2022-03", 13.0, "https://www.canada.ca/en/immigration-refugees-citizenship/corporate/transparency/committees/cimm-may-12-2022/irb-inventory-wait-times.html"),
    ("2024-04", 44.0, "https://canadianparvasi.com/record-200000-refugee-claims-in-canada-drive-wait-times-to-44-months"),
)  # fmt: skip


def old_irb_pending(
    s: ModelScenario, referred_daily: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The removed post-hoc stock (model.py before issue 19), verbatim."""
    p = s.processing
    years = sorted(p.irb_finalised_per_year)
    pending = float(p.irb_pending_initial)
    out = np.empty(s.n_days)
    for i in range(s.n_days):
        d = s.start + dt.timedelta(days=i)
        y = d.year
        if y not in p.irb_finalised_per_year:
            y = min(years, key=lambda k: abs(k - d.year))
        ylen = 366 if (d.year % 4 == 0 and d.year % 100 != 0) or d.year % 400 == 0 else 365
        cap = p.irb_finalised_per_year[y] / ylen
        pending = pending + referred_daily[i] * p.irb_referral_share
        pending = max(0.0, pending - cap)
        out[i] = pending
    return out


def fit(labels: list[str], model: npt.NDArray[np.float64]) -> dict[str, float]:
    obs = observed("irb_pending", "CA")
    at = {m: i for i, m in enumerate(labels)}
    out: dict[str, float] = {}
    for name, lo, hi in (("2017_22", "2017-01", "2022-12"), ("2023_24", "2023-01", "2024-12")):
        sub = obs.filter((pl.col("period") >= lo) & (pl.col("period") <= hi)
                         & pl.col("period").is_in(list(at)))
        sim = [float(model[at[m]]) for m in sub["period"]]
        out[name] = round(smape(sim, sub["value"].to_list()), 1)
        out[f"n_{name}"] = sub.height
    return out


def smape_by_year(labels: list[str], model: npt.NDArray[np.float64]) -> dict[str, float]:
    """sMAPE (%) of the RPD inventory against the IRB's pending figures, per calendar year
    with figures (``n_<year>``: how many months) and over 2017–22."""
    obs = observed("irb_pending", "CA")
    at = {m: i for i, m in enumerate(labels)}
    obs = obs.filter(pl.col("period").is_in(list(at)))
    out: dict[str, float] = {}
    groups = [(y, y, y) for y in sorted({p[:4] for p in obs["period"]})]
    for name, lo, hi in [*groups, ("2017_22", "2017", "2022")]:
        sub = obs.filter((pl.col("period").str.slice(0, 4) >= lo)
                         & (pl.col("period").str.slice(0, 4) <= hi))
        sim = [float(model[at[m]]) for m in sub["period"]]
        out[name] = round(smape(sim, sub["value"].to_list()), 1)
        out[f"n_{name}"] = sub.height
    return out


def capacity_variants() -> dict[str, ModelScenario]:
    """The RPD capacity sources compared on the same replicates (issue 19): the shipped funded
    capacity, its assumption ranges, and the finalisation-based sources (lag 1: the former
    default; lag 0: the year's own figure, INVALID as a model input, shown for reference)."""
    fin = {"irb_capacity_source": "finalised"}
    hist = load_scenario("historical")
    high = [e.model_dump(mode="json") for e in hist.processing.irb_funded_capacity]
    for e in high:
        e["per_year"] = {21500: 26000, 30000: 32000}.get(int(e["per_year"]), e["per_year"])
    covid = lambda a, b: {"2020-03-17": a, "2020-07-01": b, "2020-10-01": 1.0}  # noqa: E731
    over: dict[str, dict[str, object]] = {
        "funded (shipped)": {},
        "funded, COVID factors 0.1 / 0.4": {"irb_hearing_disruption": covid(0.1, 0.4)},
        "funded, COVID factors 0.5 / 0.9": {"irb_hearing_disruption": covid(0.5, 0.9)},
        "funded, no COVID factor": {"irb_hearing_disruption": covid(1.0, 1.0)},
        "funded, 2017/2018 high ends 26,000 / 32,000": {"irb_funded_capacity": high},
        "finalised, year before (lag 1, former default)": {**fin, "irb_capacity_lag_years": 1},
        "finalised, year's own (lag 0, INVALID input)": {**fin, "irb_capacity_lag_years": 0},
    }
    return {k: load_scenario("historical", {"processing": v}) for k, v in over.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--replicates", type=int, default=4)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    s = load_scenario("historical")
    b = build(s)
    labels, midx = _months(s)
    n_m = len(labels)
    month_end = np.array([int(np.max(np.nonzero(midx == m)[0])) for m in range(n_m)])
    col = {n: i for i, n in enumerate(E.SERIES)}
    old, new, ref, fin, wait, rcmp = [], [], [], [], [], []
    variants = capacity_variants()
    v_pend: dict[str, list[npt.NDArray[np.float64]]] = {k: [] for k in variants}
    v_wait: dict[str, list[npt.NDArray[np.float64]]] = {k: [] for k in variants}
    for rs in replicate_seeds(a.seed, a.replicates):
        out = run_replicate(b, rs)["out"]
        referred = out[:, col["referred"]].astype(float)
        for k, vs in variants.items():
            vp = P.run_processing(vs.processing, s.start, referred,
                                  out[:, col["ineligible_in_canada"]].astype(float), midx, n_m)
            v_pend[k].append(vp["irb_pending"])
            v_wait[k].append(vp["wait_days_p50"])
        old.append(old_irb_pending(s, referred)[month_end])
        proc = P.run_processing(s.processing, s.start, referred,
                                out[:, col["ineligible_in_canada"]].astype(float), midx,
                                n_m)
        new.append(proc["irb_pending"])
        ref.append(proc["irb_referred"])
        fin.append(proc["irb_finalised"])
        wait.append(proc["wait_days_p50"])
        mr = np.zeros(n_m)
        np.add.at(mr, midx, out[:, col["claims_rcmp"]].astype(float))
        rcmp.append(mr)
    f_old, f_new = fit(labels, np.mean(old, axis=0)), fit(labels, np.mean(new, axis=0))
    print("| irb_pending vs IRB RPD pending (CA) | sMAPE 2017–22 | sMAPE 2023–24 |")
    print("|---|---|---|")
    print(f"| old post-hoc stock | {f_old['2017_22']} (n={f_old['n_2017_22']}) | "
          f"{f_old['2023_24']} (n={f_old['n_2023_24']}) |")
    print(f"| new FIFO queue | {f_new['2017_22']} | {f_new['2023_24']} |")
    # throughput: model vs IRB figures for the periods they cover
    mref, mfin = np.mean(ref, axis=0), np.mean(fin, axis=0)
    lab = np.array(labels)
    periods = {"2017": ("2017-01", "2017-12"), "2019 Apr–Dec": ("2019-04", "2019-12"),
               "2020 Jan–Sep": ("2020-01", "2020-09"), "2021": ("2021-01", "2021-12"),
               "2023 Jan–Sep": ("2023-01", "2023-09"), "2024 Jan–Sep": ("2024-01", "2024-09")}
    thr: dict[str, dict[str, float | None]] = {}

    def irb_sum(name: str, lo: str, hi: str) -> float | None:
        """The IRB's figures whose periods lie inside [lo, hi] (months), summed; None if the
        months are not covered."""
        d0 = dt.date.fromisoformat(lo + "-01")
        d1 = dt.date.fromisoformat(hi + "-01")
        df = data_series(name, "CA").filter((pl.col("period") >= d0) & (pl.col("period") <= d1)
                                            & (pl.col("end") <= d1 + dt.timedelta(days=31)))
        covered = sum((e - b).days + 1 for b, e in zip(df["period"], df["end"], strict=True))
        want = (d1.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - d0
        return float(df["value"].sum()) if df.height and covered == want.days else None

    def fmt(v: float | None) -> str:
        return "n/a" if v is None else f"{v:,.0f}"

    print("\n| period | referred: model / IRB | finalised: model / IRB |")
    print("|---|---|---|")
    for k, (lo, hi) in periods.items():
        sel = (lab >= lo) & (lab <= hi)
        irb = {n: irb_sum(n, lo, hi) for n in ("irb_rpd_referred", "irb_rpd_finalized")}
        thr[k] = {"referred_model": round(float(mref[sel].sum())),
                  "referred_irb": irb["irb_rpd_referred"],
                  "finalised_model": round(float(mfin[sel].sum())),
                  "finalised_irb": irb["irb_rpd_finalized"]}
        print(f"| {k} | {thr[k]['referred_model']:,} / {fmt(irb['irb_rpd_referred'])} | "
              f"{thr[k]['finalised_model']:,} / {fmt(irb['irb_rpd_finalized'])} |")
    mwait = np.mean(wait, axis=0)
    waits: dict[str, dict[str, float]] = {}
    print("\n| claims referred in | model wait_days_p50 (months) | IRB projected wait (months) "
          "| source |")
    print("|---|---|---|---|")
    for month, months, url in PUBLISHED_WAITS:
        days = float(mwait[labels.index(month)])
        waits[month] = {"model_days": round(days, 1), "model_months": round(days / 30.44, 1),
                        "published_months": months}
        print(f"| {month} | {days:.0f} d ({days / 30.44:.1f}) | {months:.0f} | {url} |")
    # RPD capacity sources on the same replicates (issue 19): inventory by year, waits
    cap_src: dict[str, dict[str, object]] = {}
    print("\n| RPD capacity | irb_pending sMAPE by year (n months) | 2017–22 | model wait vs IRB "
          "projected wait, " + ", ".join(m for m, _, _ in PUBLISHED_WAITS) + " |")
    print("|---|---|---|---|")
    for k in variants:
        f_y = smape_by_year(labels, np.mean(v_pend[k], axis=0))
        w = np.mean(v_wait[k], axis=0)
        diff = {m: round(100.0 * (float(w[labels.index(m)]) / 30.44 / months - 1.0))
                for m, months, _ in PUBLISHED_WAITS}
        cap_src[k] = {"smape": f_y, "wait_vs_published_pct": diff,
                      "wait_months": {m: round(float(w[labels.index(m)]) / 30.44, 1)
                                      for m, _, _ in PUBLISHED_WAITS}}
        years = ", ".join(f"{y} {f_y[y]} ({f_y['n_' + y]})" for y in f_y
                          if y.isdigit())
        print(f"| {k} | {years} | {f_y['2017_22']} | "
              + ", ".join(f"{v:+d} %" for v in diff.values()) + " |")
    # federal cost of the irregular migrants' cohorts (PBO unit costs, where the PBO gives one)
    cc = cohort_cost(pl.DataFrame({"month": labels, "value": np.mean(rcmp, axis=0)}))
    fy = cc.group_by("fiscal_year", maintain_order=True).agg(
        pl.col("value").sum(), pl.col("low").sum(), pl.col("high").sum())
    # low/high: None where the PBO gives no range (a sum of nulls is not a zero cost)
    fy = fy.join(cc.group_by("fiscal_year").agg(ranged=pl.col("low").is_not_null().all()),
                 on="fiscal_year").sort("fiscal_year")
    costs = {r["fiscal_year"]: {k: round(float(r[k]) / 1e6, 1)
                                if k == "value" or r["ranged"] else None
                                for k in ("value", "low", "high")}
             for r in fy.iter_rows(named=True)}
    print("\n| fiscal year of arrival | model RCMP-intercepted claimants × PBO unit cost ($M) |")
    print("|---|---|")
    for k, c_fy in costs.items():
        band = f" ({c_fy['low']:,.0f} – {c_fy['high']:,.0f})" if c_fy["high"] else ""
        print(f"| {k} | {c_fy['value']:,.1f}{band} |")
    # capacity scenario vs historical run to the same end
    end = {"end": "2026-12-31", "replicates": a.replicates}
    runs = {name: run_scenario(load_scenario(name, end), seed=a.seed).monthly
            for name in ("historical", "capacity")}
    # a processing-time target instead: every claim decided within 365 days from 2025-01-01
    tgt = {**end, "processing": {"irb_wait_target_days": {"2025-01-01": 365}}}
    target_run = run_scenario(load_scenario("historical", tgt), seed=a.seed).monthly

    def val(name: str, series: str, month: str) -> float:
        m = runs[name]
        v = m.filter((pl.col("series") == series) & (pl.col("geography") == "CA")
                     & (pl.col("month") == month))["value"]
        return round(float(v[0]), 1)

    cap: dict[str, dict[str, float]] = {}
    print("\n| month | irb_pending hist / capacity | wait_days_p50 (referred that month) "
          "hist / capacity | wait_days_p90 hist / capacity |")
    print("|---|---|---|---|")
    for month in ("2022-12", "2024-12", "2025-06", "2025-12", "2026-06", "2026-12"):
        cap[month] = {f"{k}_{n}": val(n, k, month) for n in runs
                      for k in ("irb_pending", "wait_days_p50", "wait_days_p90")}
        c = cap[month]
        print(f"| {month} | {c['irb_pending_historical']:,.0f} / {c['irb_pending_capacity']:,.0f}"
              f" | {c['wait_days_p50_historical']:.0f} / {c['wait_days_p50_capacity']:.0f} | "
              f"{c['wait_days_p90_historical']:.0f} / {c['wait_days_p90_capacity']:.0f} |")
    def year_sum(m: pl.DataFrame, series: str, year: str) -> float:
        v = m.filter((pl.col("series") == series) & (pl.col("geography") == "CA")
                     & pl.col("month").str.starts_with(year))["value"]
        return round(float(v.sum()))

    def at(m: pl.DataFrame, series: str, month: str) -> float:
        v = m.filter((pl.col("series") == series) & (pl.col("geography") == "CA")
                     & (pl.col("month") == month))["value"]
        return round(float(v[0]), 1)

    target: dict[str, dict[str, float]] = {}
    print("\n| year | RPD finalisations: historical / +30 % / 365-day target | irb_pending at "
          "year end: historical / +30 % / target |")
    print("|---|---|---|")
    for year in ("2024", "2025", "2026"):
        ms = {"historical": runs["historical"], "capacity": runs["capacity"],
              "target_365": target_run}
        target[year] = {f"finalised_{k}": year_sum(m, "irb_finalised", year)
                        for k, m in ms.items()}
        target[year].update({f"pending_{k}": at(m, "irb_pending", f"{year}-12")
                             for k, m in ms.items()})
        v = target[year]
        print(f"| {year} | {v['finalised_historical']:,.0f} / {v['finalised_capacity']:,.0f} / "
              f"{v['finalised_target_365']:,.0f} | {v['pending_historical']:,.0f} / "
              f"{v['pending_capacity']:,.0f} / {v['pending_target_365']:,.0f} |")
    for month in ("2024-06", "2025-06", "2026-06"):
        target[month] = {"wait_p90_target_365": at(target_run, "wait_days_p90", month)}
    print("target run wait_days_p90 (referred 2024-06 / 2025-06 / 2026-06): "
          + " / ".join(f"{target[m]['wait_p90_target_365']:.0f}"
                       for m in ("2024-06", "2025-06", "2026-06")))
    # costs per level of government (costs.py, unit_costs.yaml), historical run, by year
    cl = costs_by_level(runs["historical"]).filter(pl.col("item") == "total").with_columns(
        year=pl.col("month").str.slice(0, 4)).group_by("year", "level").agg(
        pl.col("value").sum(), pl.col("low").sum(), pl.col("high").sum()).sort("year", "level")
    by_level = {f"{r['year']}_{r['level']}": {k: round(float(r[k]) / 1e6, 1)
                                               for k in ("value", "low", "high")}
                for r in cl.iter_rows(named=True)}
    print("\n| year | level | cohort cost of the year's new claimants, $M (band) |")
    print("|---|---|---|")
    for k, v in by_level.items():
        y, lev = k.split("_", 1)
        print(f"| {y} | {lev} | {v['value']:,.1f} ({v['low']:,.1f} – {v['high']:,.1f}) |")
    f = unit_figures()
    qc_paid = {y: round(f[f"qc_last_resort_paid_{y}"].value / 1e6, 1) for y in ("2023", "2024")}
    print("Quebec last-resort assistance paid to asylum seekers' households (MESS): "
          + ", ".join(f"{y}: {v:,.1f} $M" for y, v in qc_paid.items()))
    # PRRA applications with and without Bill C-12's ineligibilities (2026)
    c12 = {"start": "2026-01-01", "end": "2026-12-31", "replicates": a.replicates}
    no_c12 = {**c12, "law": {"reform": {"in_force": {"D_C12_RA": None}}}}
    prra = {}
    for k, over in (("c12_on", c12), ("c12_off", no_c12)):
        m = run_scenario(load_scenario("historical", over), seed=a.seed).monthly
        prra[k] = year_sum(m, "prra_applications", "2026")
    print(f"\nPRRA applications in 2026: C-12 in force {prra['c12_on']:,.0f}, "
          f"without C-12 {prra['c12_off']:,.0f}")
    wall = time.perf_counter() - t0
    print(json.dumps({
        "command": f"python benchmarks/irb_processing.py --seed {a.seed} "
                   f"--replicates {a.replicates}",
        "wall_s": round(wall, 1),
        "irb_pending_smape_old": f_old, "irb_pending_smape_new": f_new,
        "throughput": thr, "published_waits": waits, "capacity_sources": cap_src,
        "capacity": cap,
        "federal_cohort_cost_musd": costs, "wait_target_365": target,
        "costs_by_level_musd": by_level, "qc_last_resort_paid_musd": qc_paid,
        "prra_applications_2026": prra,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
