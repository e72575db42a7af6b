"""Fit the southbound parameters on US Border Patrol figures up to a cut-off month (issue 15).

``python -m roxham.models.canada_us.southbound_fit --train-end 2024-02`` fits, by least squares
on ``log(1 + x)``, the model's *expected* monthly apprehensions (no simulation noise:
:func:`expected_apprehensions`) against, for the months ``2017-01..train_end`` only:

- Swanton sector apprehensions by month (CBP FY2000-FY2020 table; OHSS rounded to 10 after),
- northern-border USBP apprehensions by month (same sources),
- Mexican nationals apprehended on the northern border by month (OHSS, rounded; FY2022 on) and
  by fiscal year (FY2019-FY2021, OHSS top-6 tables),
- Indian nationals by fiscal year (OHSS top-6 tables; years ending on or before the cut-off).

``--rolling`` runs the rolling-origin check that chose the growth's form
(``growth_damping_per_year``, :data:`DAMPING_GRID`): a fit at each of :data:`ROLLING_ORIGINS`,
scored on the next six Swanton months, none after 2024-02.

Fitted: the air bases of MX / IN / OTHER, the growth of IN and OTHER, the pressure elasticity,
the resident baseline, the seasonality, and the COVID travel-restriction multipliers (air
groups; residents); then the month noise (the residual sd of log Swanton months) and the
level discrepancy's monthly step after the window (the random-walk part of the Swanton
residuals, :func:`roxham.metrics.level_step_variogram`; ``fitted_until`` = the cut-off).
Everything else stays as written in the scenario (assumed or computed).
It prints the fitted values as a ``southbound:`` YAML fragment and ends with ONE JSON line.
Nothing after ``train_end`` is read: every figure is filtered on its period's end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.metrics import level_step_variogram, shift_month
from roxham.models.canada_us.months import month_index
from roxham.models.canada_us.southbound import SECTOR_GEO, expected_rates
from roxham.models.canada_us.southbound_params import (
    GROUPS,
    SECTORS,
    SouthboundSection,
    air_mix_early,
    ramp_weight,
)

__all__ = ["DAMPING_GRID", "ROLLING_ORIGINS", "Targets", "expected_apprehensions", "fit",
           "fit_cached", "load_targets", "main", "rolling_origin_errors"]

FIT_START = dt.date(2017, 1, 1)
#: (name, path in the section) of the fitted parameters, searched in log space when positive.
FITTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base_MX", ("air_base_per_day", "MX")),
    ("base_IN", ("air_base_per_day", "IN")),
    ("base_OTHER", ("air_base_per_day", "OTHER")),
    ("growth_IN", ("growth_per_year", "IN")),
    ("growth_OTHER", ("growth_per_year", "OTHER")),
    ("elasticity", ("pressure_elasticity",)),
    ("resident", ("resident_per_day",)),
    ("swanton_early", ("swanton_share_air_early",)),
    ("level_early", ("air_level_early",)),
    ("season_amp", ("seasonality_amplitude",)),
    ("season_peak", ("seasonality_peak_doy",)),
    ("covid_air", ("shocks", "covid-travel-restrictions-air")),
    ("covid_resident", ("shocks", "covid-travel-restrictions-resident")),
)


#: Starting values of the search (the same whatever the scenario file says).
X0: dict[str, float] = {
    "base_MX": 3.0, "base_IN": 1.0, "base_OTHER": 1.0, "growth_IN": 0.5, "growth_OTHER": 0.5,
    "elasticity": 1.0, "resident": 8.0, "swanton_early": 0.25, "level_early": 0.5,
    "season_amp": 0.3, "season_peak": 170.0, "covid_air": 0.3, "covid_resident": 0.5,
}


def _month_end(m: str) -> dt.date:
    y, mo = int(m[:4]), int(m[5:7])
    return dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)


@dataclass
class Targets:
    """Observed figures used by the fit (month labels ``YYYY-MM``; FY = Oct..Sep)."""

    monthly: dict[tuple[str, str], dict[str, float]]  # (series, geo) -> month -> value
    fiscal: dict[tuple[str, str], dict[int, float]]   # (group, geo) -> FY -> value
    train_end: str


def load_targets(train_end: str, first: str = "2017-01") -> Targets:
    """The observed USBP figures of ``first..train_end`` (``roxham.data``; rounded OHSS values
    are kept as published and marked ``approx`` there)."""
    import polars as pl

    from roxham.data import monthly, series

    end = _month_end(train_end)
    out: dict[tuple[str, str], dict[str, float]] = {}
    for key, geo, sub in ((("usbp_apprehensions", "US-SWANTON")), "US-SWANTON", "all"), \
            ((("usbp_apprehensions", "US-NORTH")), "US-NORTH", "all"), \
            ((("usbp_apprehensions_by_group", "MX")), "US-NORTH", "citizenship=Mexico"):
        df = monthly("usbp_encounters", geo, first, train_end, subgroup=sub)
        df = df.filter(~pl.col("missing"))
        out[key] = {f"{d.year:04d}-{d.month:02d}": float(v)
                    for d, v in zip(df["month"], df["value"], strict=True) if v is not None}
    fy: dict[tuple[str, str], dict[int, float]] = {}
    for g, sub in (("MX", "citizenship=Mexico"), ("IN", "citizenship=India")):
        df = series("usbp_encounters", "US-NORTH", kind="fiscal_year", subgroup=sub)
        vals: dict[int, float] = {}
        for start, v in zip(df["period"], df["value"], strict=True):
            fy_end = dt.date(start.year + 1, 9, 30)
            if fy_end <= end and start >= dt.date(FIT_START.year - 1, 10, 1):
                vals[start.year + 1] = float(v)
        fy[(g, "US-NORTH")] = vals
    # monthly MX figures exist from FY2022: keep the FY totals only before them
    mx_months = out[("usbp_apprehensions_by_group", "MX")]
    fy[("MX", "US-NORTH")] = {y: v for y, v in fy[("MX", "US-NORTH")].items()
                              if f"{y - 1}-10" not in mx_months}
    return Targets(out, fy, train_end)


def _with(p: SouthboundSection, values: dict[str, float]) -> SouthboundSection:
    d = p.model_dump()
    for name, path in FITTED:
        if name not in values:
            continue
        v = values[name]
        if path[0] == "shocks":
            for sh in d["shocks"]:
                if sh["name"] == path[1]:
                    sh["multiplier"] = v
        elif len(path) == 2:
            d[path[0]][path[1]] = v
        elif path[0] == "seasonality_peak_doy":
            d[path[0]] = round(v)
        else:
            d[path[0]] = v
    return SouthboundSection.model_validate(d)


def expected_apprehensions(
    p: SouthboundSection, start: dt.date, n_days: int
) -> tuple[list[str], dict[tuple[str, str], npt.NDArray[np.float64]]]:
    """Expected monthly apprehensions by sector geography, ``US-NORTH`` and group (no noise):
    each air group's arrivals ``days_in_canada`` days earlier (residents: the same day) ×
    sector share × apprehension probability."""
    lead = p.days_in_canada
    pre = start - dt.timedelta(days=lead)
    rates, _ = expected_rates(p, pre, n_days + lead)
    month_labels, idx, _ = month_index(start, n_days)
    labels = list(month_labels)
    n_m = len(labels)
    out: dict[tuple[str, str], npt.NDArray[np.float64]] = {}
    north = np.zeros(n_m)
    by_sector = {s: np.zeros(n_m) for s in SECTORS}
    # air_mix of each day, linear in the ramp's weight
    w = np.array([ramp_weight(p, start + dt.timedelta(days=i - lead)) for i in range(n_days)])
    early = air_mix_early(p)
    air_share = {s: (1 - w) * early[s] + w * p.sector_mix_air.get(s, 0.0) for s in SECTORS}
    for g in GROUPS:
        daily = rates[g][:n_days] if g != "resident" else rates[g][lead:]
        gm = np.zeros(n_m)
        for s in SECTORS:
            m = np.zeros(n_m)
            share = (p.sector_mix_resident.get(s, 0.0) if g == "resident" else air_share[s])
            np.add.at(m, idx, daily * share * p.p_apprehension[s])
            by_sector[s] += m
            gm += m
        out[("usbp_apprehensions_by_group", g)] = gm
        north += gm
    for s in SECTORS:
        out[("usbp_apprehensions", SECTOR_GEO[s])] = by_sector[s]
    out[("usbp_apprehensions", "US-NORTH")] = north
    return labels, out


def _residuals(p: SouthboundSection, t: Targets) -> npt.NDArray[np.float64]:
    end = _month_end(t.train_end)
    n_days = (end - FIT_START).days + 1
    labels, exp = expected_apprehensions(p, FIT_START, n_days)
    li = {m: i for i, m in enumerate(labels)}
    res: list[float] = []
    for key, obs in t.monthly.items():
        w = 1.0 if key[1] != "MX" else 1.5
        for m, v in obs.items():
            if m in li:
                res.append(w * (np.log1p(exp[key][li[m]]) - np.log1p(v)))
    for (g, _geo), fy_obs in t.fiscal.items():
        series = exp[("usbp_apprehensions_by_group", g)]
        for fy, v in fy_obs.items():
            months = [f"{fy - 1}-{m:02d}" for m in (10, 11, 12)] + \
                     [f"{fy}-{m:02d}" for m in range(1, 10)]
            ix = [li[m] for m in months if m in li]
            if len(ix) < 12:  # the fiscal year starts before the fit window: scale
                if not ix:
                    continue
                v = v * len(ix) / 12
            res.append(2.0 * (np.log1p(series[ix].sum()) - np.log1p(v)))
    return np.asarray(res)


def fit(
    p: SouthboundSection, train_end: str = "2024-02"
) -> tuple[SouthboundSection, dict[str, Any]]:
    """Least-squares fit of :data:`FITTED` on the figures up to ``train_end`` (read inside
    :func:`roxham.data.observed_until` ``(train_end)``: the US driver too)."""
    from roxham.data import observed_until

    with observed_until(train_end):
        return _fit(p, train_end)


def _fit(p: SouthboundSection, train_end: str) -> tuple[SouthboundSection, dict[str, Any]]:
    from scipy.optimize import least_squares

    t = load_targets(train_end)
    x0, lo, hi, names = [], [], [], []
    start = dict(X0)  # fixed starting values: the fit does not depend on the scenario's
    bounds = {"base_MX": (0.01, 200), "base_IN": (0.001, 200), "base_OTHER": (0.01, 200),
              "growth_IN": (-1.0, 6.0), "growth_OTHER": (-1.0, 6.0),
              "elasticity": (0.0, 3.0), "resident": (0.1, 100), "swanton_early": (0.0, 1.0),
              "level_early": (0.0, 5.0), "season_amp": (0.0, 0.9), "season_peak": (1, 366),
              "covid_air": (0.0, 1.5), "covid_resident": (0.0, 1.5)}
    for name, _ in FITTED:
        a, b = bounds[name]
        names.append(name)
        x0.append(min(max(start[name], a + 1e-6), b - 1e-6))
        lo.append(a)
        hi.append(b)

    def f(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return _residuals(_with(p, dict(zip(names, map(float, x), strict=True))), t)

    # a few fixed starts (the cost has local minima, e.g. no seasonality); the best one wins
    starts = [x0]
    for alt in ({"season_peak": 220.0, "season_amp": 0.25},
                {"base_MX": 10.0, "base_IN": 10.0, "level_early": 0.2, "season_peak": 200.0}):
        starts.append([min(max(alt.get(n, x), a + 1e-6), b - 1e-6)
                       for n, x, a, b in zip(names, x0, lo, hi, strict=True)])
    fits = [least_squares(f, np.asarray(x), bounds=(lo, hi), diff_step=1e-3, max_nfev=400)
            for x in starts]
    r = min(fits, key=lambda z: float(z.cost))
    vals = dict(zip(names, map(float, r.x), strict=True))
    fitted = _with(p, vals)
    # residual sd of log Swanton months: the month noise of the bands (month_noise_sd)
    end = _month_end(train_end)
    labels, exp = expected_apprehensions(fitted, FIT_START, (end - FIT_START).days + 1)
    li = {m: i for i, m in enumerate(labels)}
    sw = t.monthly[("usbp_apprehensions", "US-SWANTON")]
    sim_sw = exp[("usbp_apprehensions", "US-SWANTON")]
    # log residuals of the Swanton months, month by month (NaN: no figure)
    res = np.full(len(labels), np.nan)
    for m, v in sw.items():
        if m in li:
            res[li[m]] = np.log1p(v) - np.log1p(sim_sw[li[m]])
    vals["month_noise_sd"] = float(np.sqrt(np.nanmean(np.square(res))))
    # the level discrepancy after the fit window: the random-walk part of those residuals
    # (their variogram's slope; the month-to-month noise is month_noise_sd's)
    vals["level_step_sd"] = level_step_variogram(res)
    fitted = fitted.model_copy(update={"month_noise_sd": vals["month_noise_sd"],
                                       "level_step_sd": vals["level_step_sd"],
                                       "fitted_until": train_end})
    info = {"train_end": train_end, "n_residuals": len(r.fun),
            "rms_log_error": float(np.sqrt(np.mean(r.fun ** 2))), "fitted": vals,
            "n_targets_monthly": {f"{k[0]}:{k[1]}": len(v) for k, v in t.monthly.items()},
            "n_targets_fiscal": {f"{k[0]}:{k[1]}": sorted(v) for k, v in t.fiscal.items()}}
    return fitted, info


#: Candidate dampings of the growth (per year) and the rolling origins of their check: each
#: origin's fit uses the figures up to it, and is scored on the Swanton months of the next
#: ``ROLLING_HORIZON`` months (all at or before 2024-02, so the check reads nothing later).
DAMPING_GRID: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 2.0)
ROLLING_ORIGINS: tuple[str, ...] = ("2022-12", "2023-03", "2023-06", "2023-09")
ROLLING_HORIZON = 6


def rolling_origin_errors(
    p: SouthboundSection, kappa: float, origins: tuple[str, ...] = ROLLING_ORIGINS,
    horizon: int = ROLLING_HORIZON, last: str = "2024-02",
) -> dict[str, float]:
    """Out-of-sample error of the growth form ``kappa`` (:attr:`SouthboundSection.
    growth_damping_per_year`): for each origin, :func:`fit` on the figures up to it, then the
    mean absolute error of log(1 + expected Swanton apprehensions) over the next ``horizon``
    months up to ``last``. Returns ``{origin: error}`` and ``mean``."""
    q = p.model_copy(update={"growth_damping_per_year": kappa})
    obs = load_targets(last).monthly[("usbp_apprehensions", "US-SWANTON")]
    out: dict[str, float] = {}
    for o in origins:
        f, _ = fit(q, o)
        months = [m for m in (shift_month(o, k) for k in range(1, horizon + 1))
                  if m <= last and m in obs]
        end = _month_end(months[-1])
        labels, exp = expected_apprehensions(f, FIT_START, (end - FIT_START).days + 1)
        li = {m: i for i, m in enumerate(labels)}
        sw = exp[("usbp_apprehensions", "US-SWANTON")]
        out[o] = float(np.mean([abs(np.log1p(sw[li[m]]) - np.log1p(obs[m])) for m in months]))
    out["mean"] = float(np.mean([out[o] for o in origins]))
    return out


_FIT_CACHE: dict[tuple[str, str], SouthboundSection] = {}


def fit_cached(p: SouthboundSection, train_end: str) -> SouthboundSection:
    """:func:`fit`, remembered per (section, cut-off) in this process (a forecast asks for the
    same origin for many draws) and on disk (:mod:`roxham.diskcache`, ``southbound_fits``):
    the disk entry's name holds everything the fit reads (the section, the cut-off, the
    target figures and the US driver up to it, the model's source, the library versions), so
    a changed figure or code is a new fit, never a stale one."""
    key = (p.model_dump_json(), train_end)
    hit = _FIT_CACHE.get(key)
    if hit is None:
        from roxham import diskcache

        disk_key = _fit_disk_key(p, train_end)
        got = diskcache.load("southbound_fits", disk_key)
        if got is not None:
            try:
                hit = SouthboundSection.model_validate_json(got[1]["section"])
            except (KeyError, ValueError):
                hit = None
        if hit is None:
            hit = fit(p, train_end)[0]
            diskcache.save("southbound_fits", disk_key, {},
                           {"section": hit.model_dump_json()})
        if len(_FIT_CACHE) >= 64:
            _FIT_CACHE.clear()
        _FIT_CACHE[key] = hit
    return hit


def _fit_disk_key(p: SouthboundSection, train_end: str) -> str:
    """The content key of a fit: its inputs as read inside ``observed_until(train_end)``."""
    from importlib.metadata import version

    from roxham.data import observed_until
    from roxham.diskcache import content_key, source_digest
    from roxham.models.canada_us.demand import _sw_driver_cached

    with observed_until(train_end):
        t = load_targets(train_end)
        end = _month_end(train_end)
        lead = p.days_in_canada
        start = FIT_START - dt.timedelta(days=lead)
        sw, ref, _ = _sw_driver_cached(start, (end - start).days + 1, p.pressure_lag_days)
    figures = (sorted((k, sorted(v.items())) for k, v in t.monthly.items()),
               sorted((k, sorted(v.items())) for k, v in t.fiscal.items()))
    return content_key("southbound_fit", p.model_dump_json(), train_end, figures,
                       sw.tobytes(), ref, source_digest("models/canada_us", "law", "sim",
                                                        "metrics.py"),
                       np.__version__, version("scipy"))


def _get(p: SouthboundSection, path: tuple[str, ...]) -> float:
    if path[0] == "shocks":
        return next(float(sh.multiplier) for sh in p.shocks if sh.name == path[1])
    v: Any = getattr(p, path[0])
    return float(v[path[1]] if len(path) == 2 else v)


def main(argv: list[str] | None = None) -> int:
    """Command line: fit and print the YAML fragment and one JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train-end", default="2024-02")
    ap.add_argument("--scenario", default="historical")
    ap.add_argument("--rolling", action="store_true",
                    help="the rolling-origin check of the growth's damping (DAMPING_GRID; one "
                         "JSON line per value, ~20 fits)")
    a = ap.parse_args(argv)
    from roxham.models.canada_us.scenario import load_scenario

    s = load_scenario(a.scenario)
    if a.rolling:
        for k in DAMPING_GRID:
            r = rolling_origin_errors(s.southbound, k)
            sys.stdout.write(json.dumps({"growth_damping_per_year": k,
                                         **{o: round(e, 4) for o, e in r.items()}}) + "\n")
        return 0
    fitted, info = fit(s.southbound, a.train_end)
    v = info["fitted"]
    sys.stdout.write(
        "southbound:  # fitted by roxham.models.canada_us.southbound_fit "
        f"--train-end {a.train_end}\n"
        f"  air_base_per_day: {{MX: {v['base_MX']:.4g}, IN: {v['base_IN']:.4g}, "
        f"OTHER: {v['base_OTHER']:.4g}}}\n"
        f"  growth_per_year: {{MX: 0.0, IN: {v['growth_IN']:.4g}, "
        f"OTHER: {v['growth_OTHER']:.4g}}}\n"
        f"  growth_damping_per_year: {s.southbound.growth_damping_per_year}  # as given\n"
        f"  pressure_elasticity: {v['elasticity']:.4g}\n"
        f"  resident_per_day: {v['resident']:.4g}\n"
        f"  swanton_share_air_early: {v['swanton_early']:.4g}\n"
        f"  air_level_early: {v['level_early']:.4g}\n"
        f"  seasonality_amplitude: {v['season_amp']:.4g}\n"
        f"  seasonality_peak_doy: {round(v['season_peak'])}\n"
        f"  month_noise_sd: {v['month_noise_sd']:.4g}\n"
        f"  fitted_until: '{a.train_end}'\n"
        f"  level_step_sd: {v['level_step_sd']:.4g}\n"
        f"  covid multipliers: air {v['covid_air']:.4g}, resident {v['covid_resident']:.4g}\n")
    del fitted
    sys.stdout.write(json.dumps(info) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
