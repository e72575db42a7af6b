"""``make_forecast``: the Canada–US model run forward from an origin, with honest bands.

What a forecast from origin ``O`` (``YYYY-MM``) does
(src/roxham/models/canada_us/MODEL.md, *Forecasting*):

1. **Data up to O only.** Everything observed is read inside
   :func:`roxham.data.observed_until` ``(O)``: the air and inland streams are statistical
   forecasts fitted on IRCC's monthly figures up to O; the US southwest driver stops at its
   latest figure by O and follows the named US path (``us_scenario``) beyond; the IRB
   finalisation capacity uses complete years up to O; parameters come from
   :func:`roxham.forecast.fit.parameter_draws` (posterior up to O, or the shipped fit, flagged).
2. **State at O from data.** The simulation starts at the month after the latest IRB pending
   inventory figure by O (if it is at most 36 months old; else 2 months before O), with that
   inventory as its initial state.
3. **Bands from four sources.** Draw ``k`` (of ``draws``) takes parameter draw ``k``
   (*parameter*), its own replicate seed (*stochastic*), a US path shift drawn from the
   spread of the driver's 12-month log changes up to O (*driver*), and an assumption set
   (*structural*: push-response size ×0.5/×1/×2, exception awareness between ports 0.9,
   retry after return 0.3) with sample path ``k`` of the statistical streams (demand paths).
   Each source's share of the variance is estimated by one-at-a-time runs (only that source
   varying, the others at their central values), less the stochastic variance.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from roxham.errors import UserError
from roxham.metrics import DISCREPANCY_BOUNDS, DISCREPANCY_MONTHS, level_sigma

__all__ = ["OUTPUT_SERIES", "SERIES_MAP", "SOURCES", "STRUCTURAL_SETS", "Forecast",
           "contract_name", "latest_origin", "make_forecast"]

#: Model output (series, geography) under the model's former names → contract (series,
#: geography): the one mapping from old names (the model emits the contract's names since
#: outputs13; these entries only matter for a model that still emits the old ones).
SERIES_MAP: dict[tuple[str, str], tuple[str, str]] = {
    ("claims", "total"): ("claims_total", "CA"),
    ("claims", "airport"): ("claims_airport", "CA"),
    ("claims", "land_poe"): ("claims_land_poe", "CA"),
    ("claims", "inland"): ("claims_inland", "CA"),
    ("claims", "rcmp"): ("claims_rcmp", "CA"),
    ("rcmp_interceptions", "other"): ("rcmp_interceptions", "OTHER"),
}
#: Series of the forecast's monthly table (contract names), every geography the model gives.
OUTPUT_SERIES: tuple[str, ...] = (
    "claims_airport", "claims_land_poe", "claims_inland", "claims_rcmp", "claims_total",
    "rcmp_interceptions", "irb_pending", "stca_returns", "irregular_crossings", "stayed_us",
)


def contract_name(series: str, geography: str) -> tuple[str, str] | None:
    """The contract's (series, geography) of a model column, or ``None`` if not forecast.

    >>> contract_name("claims", "total"), contract_name("claims_inland", "QC")
    (('claims_total', 'CA'), ('claims_inland', 'QC'))
    """
    if (series, geography) in SERIES_MAP:
        return SERIES_MAP[(series, geography)]
    if series in OUTPUT_SERIES:
        return series, ("OTHER" if geography == "other" else geography)
    return None


#: Uncertainty sources of the bands.
SOURCES: tuple[str, ...] = ("parameter", "stochastic", "driver", "structural", "discrepancy")

#: Series that follow the land deciders (the mechanistic streams): their predictive samples
#: carry the level discrepancy (:func:`level_discrepancy`).
LAND_SERIES: tuple[str, ...] = ("claims_land_poe", "claims_rcmp", "rcmp_interceptions",
                                "irregular_crossings", "stca_returns")
# the level discrepancy's monthly log step: metrics.level_sigma of the observed land-port
# claims (the southbound half and the calibrated runs estimate theirs from their fit's
# residuals instead: metrics.level_step_variogram)

#: Alternative assumption sets (structural uncertainty), each (A): scenario overrides.
STRUCTURAL_SETS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("central", {}),
    ("push response ×0.5", {"demand": {"push_scale": 0.5}}),
    ("push response ×2", {"demand": {"push_scale": 2.0}}),
    ("exception awareness between ports 0.9",
     {"choice": {"exception_awareness_between_ports": 0.9}}),
    ("retry after a return 0.3", {"choice": {"retry_after_return": 0.3}}),
)

#: Observed series shown in the report (contract name, geography) → roxham.data query.
_OBSERVED: dict[tuple[str, str], tuple[str, str, str]] = {
    ("claims_total", "CA"): ("asylum_claims_by_office", "CA", "office=total"),
    ("claims_airport", "CA"): ("asylum_claims_by_office", "CA", "office=airport"),
    ("claims_land_poe", "CA"): ("asylum_claims_by_office", "CA", "office=land_poe"),
    ("claims_inland", "CA"): ("asylum_claims_by_office", "CA", "office=inland"),
    ("rcmp_interceptions", "QC"): ("rcmp_interceptions", "QC", "all"),
    ("rcmp_interceptions", "CA"): ("rcmp_interceptions", "CA", "all"),
    ("irb_pending", "CA"): ("irb_rpd_pending_end", "CA", "all"),
    ("usbp_apprehensions", "US-SWANTON"): ("usbp_encounters", "US-SWANTON", "all"),
    ("usbp_apprehensions", "US-NORTH"): ("usbp_encounters", "US-NORTH", "all"),
}


_OBS_SCHEMA = {"series": pl.Utf8, "geography": pl.Utf8, "period": pl.Utf8,
               "value": pl.Float64, "source_url": pl.Utf8, "source_note": pl.Utf8,
               "grade": pl.Utf8}


@dataclass
class Forecast:
    """A forecast: the monthly table (months after the origin), the predictive samples per
    (series, geography) ``[n_samples, n_months]``, the manifest, and the observed history
    up to the origin (for the report)."""

    monthly: pl.DataFrame
    samples: dict[tuple[str, str], npt.NDArray[np.float64]]
    manifest: dict[str, Any]
    observed: pl.DataFrame = field(default_factory=pl.DataFrame)
    variance_shares: dict[str, dict[str, float]] = field(default_factory=dict)


def level_discrepancy(samples: dict[tuple[str, str], npt.NDArray[np.float64]],
                      sigmas: dict[str, float], seed: int
                      ) -> dict[tuple[str, str], npt.NDArray[np.float64]]:
    """The samples with the model's level discrepancy (A): each draw's land-driven series
    (:data:`LAND_SERIES`) of geography ``g`` are multiplied by ``exp(sigma_g W_t)``, ``W`` a
    standard Gaussian random walk from the origin (one path per draw, shared by every series
    and geography, so the discrepancy is the land demand's level wandering off the model's);
    ``sigma_g`` from the observed land-port claims up to the origin (:func:`level_sigma`).
    Each geography's ``claims_total`` is then airport + land_poe + inland again. The median
    path is the model's; the spread grows like the square root of the horizon.

    >>> x = {("claims_land_poe", "QC"): np.full((4000, 12), 100.0)}
    >>> y = level_discrepancy(x, {"QC": 0.1}, 1)[("claims_land_poe", "QC")]
    >>> sd12 = float(np.std(np.log(y[:, 11] / 100)))  # 0.1 × sqrt(12) = 0.346
    >>> bool(abs(np.median(y[:, 0]) - 100) < 1.5), bool(abs(sd12 - 0.346) < 0.02)
    (True, True)
    """
    out = dict(samples)
    if not samples:
        return out
    n, h = next(iter(samples.values())).shape
    walk = np.cumsum(np.random.default_rng([seed, 29]).standard_normal((n, h)), axis=1)
    for (name, geo), x in samples.items():
        if name in LAND_SERIES:
            sig = sigmas.get(geo, sigmas.get("CA", 0.2))
            out[(name, geo)] = x * np.exp(sig * walk[:, : x.shape[1]])
    for (name, geo) in samples:
        keys = [(p, geo) for p in ("claims_airport", "claims_land_poe", "claims_inland")]
        if name == "claims_total" and all(k in out for k in keys):
            out[(name, geo)] = out[keys[0]] + out[keys[1]] + out[keys[2]]
    return out


def _land_sigmas(origin: str, geos: set[str]) -> dict[str, float]:
    """:func:`level_sigma` of IRCC's monthly land-port claims per geography, up to the origin
    (geographies without their own series take Canada's)."""
    from roxham.data import monthly, observed_until

    out: dict[str, float] = {}
    with observed_until(origin):
        for geo in sorted(geos | {"CA"}):
            try:
                m = monthly("asylum_claims_by_office", geo, "2015-01", origin,
                            subgroup="office=land_poe")
            except (UserError, KeyError, ValueError):
                continue
            vals = [x for x in m.filter(~pl.col("missing")).get_column("value").to_list()
                    if x is not None]
            out[geo] = level_sigma(vals)
    return out


def _month_add(month: str, k: int) -> str:
    t = int(month[:4]) * 12 + int(month[5:7]) - 1 + k
    return f"{t // 12:04d}-{t % 12 + 1:02d}"


def _first_day(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def latest_origin() -> str:
    """The latest month of official Canadian data (IRCC monthly claims, CA total)."""
    from roxham.data import monthly

    m = monthly("asylum_claims_by_office", "CA", subgroup="office=total")
    last = m.filter(~pl.col("missing")).get_column("month").max()
    assert isinstance(last, dt.date)
    return last.strftime("%Y-%m")


def _check(origin: str, months: int, us_scenario: str, draws: int, workers: int) -> str:
    from roxham.data.cutoff import parse_month
    from roxham.models.canada_us.demand import US_SCENARIOS

    latest = latest_origin()
    if origin == "latest":
        origin = latest
    parse_month(origin)
    if origin > latest:
        raise UserError(f"origin {origin} is after the latest official Canadian data ({latest})")
    if origin < "2017-03":
        raise UserError(f"origin {origin} is before the model's history (2017-03 at the "
                        "earliest)")
    if not 1 <= months <= 60:
        raise UserError(f"months must be between 1 and 60 (got {months})")
    if us_scenario not in US_SCENARIOS:
        raise UserError(f"unknown US scenario {us_scenario!r}; known: "
                        f"{', '.join(US_SCENARIOS)}")
    if not 1 <= workers <= 64:
        raise UserError(f"workers must be between 1 and 64 (got {workers})")
    if not 1 <= draws <= 5000:
        raise UserError(f"draws must be between 1 and 5000 (got {draws})")
    return origin


def _irb_state(origin: str) -> tuple[str | None, float | None]:
    """(month, value) of the latest IRB RPD pending figure by the origin: a month end, a year
    end or a fiscal-year end (the inventory at the end of the period), data up to the origin."""
    from roxham.data import observed_until, series

    with observed_until(origin):
        d = series("irb_rpd_pending_end", "CA")
    d = d.filter(pl.col("unit") == "count").sort("end", "line")
    if d.height == 0:
        return None, None
    row = d.row(-1, named=True)
    return row["end"].strftime("%Y-%m"), float(row["value"])


def _driver_sigma(origin: str) -> float:
    """SD of the 12-month log change of the US southwest driver, data up to ``origin``."""
    from roxham.data import monthly, observed_until

    with observed_until(origin):
        m = monthly("usbp_encounters", "US-SW", "2000-01", origin)
    v = np.array([x for x in m.get_column("value").to_list() if x is not None], dtype=float)
    if v.size < 24:
        return 0.3
    lv = np.log(np.maximum(v, 1.0))
    return float(np.clip(np.std(lv[12:] - lv[:-12]), 0.05, 1.5))


def _base_scenario(origin: str, months: int, us_scenario: str) -> tuple[Any, dict[str, Any]]:
    from roxham.models.canada_us.scenario import load_scenario

    hist = load_scenario("historical")
    irb_month, irb_value = _irb_state(origin)
    warm = _month_add(origin, -2)
    start_m = warm
    if irb_month is not None and _month_add(origin, -36) <= _month_add(irb_month, 1):
        start_m = _month_add(irb_month, 1)
    end_m = _month_add(origin, months)
    end_d = _first_day(_month_add(end_m, 1)) - dt.timedelta(days=1)
    origin_year = int(origin[:4]) if origin[5:7] == "12" else int(origin[:4]) - 1
    proc = hist.processing.model_dump(mode="json")
    yearly: dict[str, Any] = {}
    for key in ("irb_finalised_per_year", "rad_finalised_per_year", "irb_outcomes"):
        table = proc.get(key)
        if not isinstance(table, dict) or not table:
            continue
        kept = {y: v for y, v in table.items() if int(y) <= origin_year}
        yearly[key] = kept or {min(table, key=int): table[min(table, key=int)]}
    fin = yearly["irb_finalised_per_year"]
    # RPD capacity: the IRB's finalisations of the complete years by the origin, lagged
    # (historical.yaml's funded figures are for runs over the past, issue 19: the IRB decided
    # more than it was funded for in 2023-24, and the latest finalisations are known by then)
    yearly["irb_capacity_source"] = "finalised"
    over: dict[str, Any] = {
        "name": f"forecast-{origin}",
        "start": _first_day(start_m).isoformat(), "end": end_d.isoformat(),
        "demand": {"air_inland": "forecast", "air_inland_origin": origin,
                   "us_scenario": us_scenario},
        "processing": {},
        # the southbound half (issue 15) runs apart (_southbound): its parameters depend on
        # the origin, and its draws need not repeat the northbound ones
        "southbound": {"enabled": False},
    }
    if irb_value is not None:
        over["processing"]["irb_pending_initial"] = irb_value
    s = load_scenario("historical", over)
    # yearly tables restricted to complete years by the origin (replaced, not deep-merged)
    data = s.model_dump(mode="json")
    data["processing"].update(yearly)
    s = type(s).model_validate(data)
    state = {"simulation_start": start_m, "irb_pending_initial": irb_value,
             "irb_pending_month": irb_month,
             "irb_capacity_years": sorted(int(y) for y in fin),
             "irb_pending_note": ("the latest IRB pending figure by the origin; the "
                                  "simulation starts the month after it (travellers on the "
                                  "way at the origin: the months between)") if irb_month and
             start_m == _month_add(irb_month, 1) else
             "latest IRB pending figure older than 36 months or missing: the simulation "
             "starts 2 months before the origin from it (or from the scenario's initial "
             "value)"}
    return s, state


def _variant(base: Any, params: dict[str, float] | None, structural: int, sample: int | None,
             shift: float) -> Any:
    from roxham.calibrate.priors import CANADA_US_SPACE
    from roxham.models.canada_us.scenario import ModelScenario
    from roxham.scenario import deep_merge, with_params

    s = base
    if params:
        s = with_params(s, {k: v for k, v in params.items() if k in CANADA_US_SPACE.names},
                        CANADA_US_SPACE)
    data = s.model_dump(mode="json")
    data = deep_merge(data, STRUCTURAL_SETS[structural][1])
    data = deep_merge(data, {"demand": {"air_inland_sample": sample, "us_path_shift": shift}})
    return ModelScenario.model_validate(data)


def _simulate(task: tuple[Any, int, str]) -> tuple[npt.NDArray[np.float64], list[str],
                                                   list[tuple[str, str]]]:
    """One draw: its scenario run once with its own seed, data cut at the origin (a worker
    process does not inherit the caller's cut-off, so it is entered here)."""
    from roxham.data import observed_until
    from roxham.models.canada_us.model import run_scenario

    variant, seed, origin = task
    with observed_until(origin):
        res = run_scenario(variant, seed=seed, replicates=1)
    months = sorted(set(res.monthly.get_column("month").to_list()))
    return res.replicate_monthly[0], months, res.columns


_EXECUTORS: dict[int, Any] = {}


def _executor(workers: int) -> Any:
    """A local executor of ``workers`` processes, kept for the next forecast (warm caches)."""
    from roxham.calibrate.executor import LocalExecutor

    ex = _EXECUTORS.get(workers)
    if ex is None:
        import atexit

        ex = _EXECUTORS[workers] = LocalExecutor(workers)
        atexit.register(ex.close)
    return ex


def _run(variants: list[Any], seed: int, origin: str, workers: int
         ) -> tuple[npt.NDArray[np.float64], list[str], list[tuple[str, str]]]:
    """Run each draw with seed ``replicate_seeds(seed, n)[k]`` (the same whatever the number
    of workers); returns ``[n, months, columns]``."""
    from roxham.store.identity import replicate_seeds

    seeds = replicate_seeds(seed, len(variants), bits=32)
    out = _executor(workers).map(_simulate, [(v, int(sd), origin) for v, sd in
                                             zip(variants, seeds, strict=True)])
    return np.stack([o[0] for o in out]), out[0][1], out[0][2]


def make_forecast(
    origin: str = "latest",
    months: int = 12,
    us_scenario: str = "flat",
    draws: int = 100,
    seed: int = 1,
    *,
    decompose: bool = True,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Forecast:
    """Forecast the ``months`` months after ``origin`` (``YYYY-MM`` or ``"latest"``) with
    ``draws`` draws (module docstring). Deterministic for ``seed``, whatever ``workers``
    (local processes running the draws; 1 = this process). Bad input: one
    :class:`UserError` line."""
    from roxham.data import observed_until
    from roxham.forecast.fit import parameter_draws_info
    from roxham.models.canada_us.demand import N_STAT_SAMPLES, STATISTICAL_STREAMS

    t0 = time.perf_counter()
    origin = _check(origin, months, us_scenario, draws, workers)
    say = progress or (lambda _m: None)
    with observed_until(origin):
        base, state = _base_scenario(origin, months, us_scenario)
        pdraws, pinfo = parameter_draws_info(origin, draws, seed)
        sigma = _driver_sigma(origin)
        rng = np.random.default_rng([seed, 13])
        shifts = rng.normal(0.0, sigma, draws)
        point = _central_params(pdraws)
        say(f"simulating {draws} draws")
        variants = [
            _variant(base, pdraws[k] if pdraws else None, k % len(STRUCTURAL_SETS),
                     k % N_STAT_SAMPLES, float(shifts[k]))
            for k in range(draws)
        ]
        rep, labels, cols = _run(variants, seed, origin, workers)
        shares: dict[str, dict[str, float]] = {}
        detail: dict[str, dict[str, float]] = {}
        n_dec = 0
        if decompose and draws >= 4:
            n_dec = max(6, draws // 16)
            say(f"variance decomposition: 6 × {n_dec} draws")
            designs = {
                "stochastic": [_variant(base, point, 0, None, 0.0) for _ in range(n_dec)],
                "parameter": [_variant(base, pdraws[k % draws] if pdraws else None, 0, None,
                                       0.0) for k in range(n_dec)],
                "driver": [_variant(base, point, 0, None, float(shifts[k % draws]))
                           for k in range(n_dec)],
                "structural": [_variant(base, point, k % len(STRUCTURAL_SETS),
                                        k % N_STAT_SAMPLES, 0.0) for k in range(n_dec)],
                # the two parts of the structural source, each alone (report detail)
                "assumption sets": [_variant(base, point, k % len(STRUCTURAL_SETS), None, 0.0)
                                    for k in range(n_dec)],
                "demand paths": [_variant(base, point, 0, k % N_STAT_SAMPLES, 0.0)
                                 for k in range(n_dec)],
            }
            dec = {name: _run(v, seed + 1 + i, origin, workers)[0]
                   for i, (name, v) in enumerate(designs.items())}
    after = [i for i, m in enumerate(labels) if m > origin]
    out_months = [labels[i] for i in after]
    col_index = {c: j for j, c in enumerate(cols)}
    rows: list[dict[str, Any]] = []
    samples: dict[tuple[str, str], npt.NDArray[np.float64]] = {}
    raw: dict[tuple[str, str], npt.NDArray[np.float64]] = {}
    src_of: dict[tuple[str, str], int] = {}
    for src, j0 in col_index.items():
        target = contract_name(*src)
        if target is None or target in raw:
            continue
        raw[target] = rep[:, after, j0]
        src_of[target] = j0
    sigmas = _land_sigmas(origin, {g for (_n, g) in raw})
    samples = level_discrepancy(raw, sigmas, seed)
    for (name, geo), x in samples.items():
        j0 = src_of[(name, geo)]
        q = np.quantile(x, [0.05, 0.25, 0.75, 0.95], axis=0)
        for t, mo in enumerate(out_months):
            rows.append({"month": mo, "series": name, "geography": geo,
                         "value": float(x[:, t].mean()), "p05": float(q[0, t]),
                         "p95": float(q[3, t]), "p25": float(q[1, t]), "p75": float(q[2, t])})
        if n_dec:
            var = {k: float(np.mean(np.var(v[:, after, j0], axis=0, ddof=1)))
                   for k, v in dec.items()}
            noise = var["stochastic"]
            parts = {"stochastic": noise,
                     **{k: max(var[k] - noise, 0.0) for k in SOURCES
                        if k not in ("stochastic", "discrepancy")}}
            # the level discrepancy: what it adds to the variance of the simulated draws
            added = float(np.mean(np.var(x, axis=0, ddof=1))
                          - np.mean(np.var(raw[(name, geo)], axis=0, ddof=1)))
            sim_tot = sum(parts.values())
            parts["discrepancy"] = max(added, 0.0) if sim_tot > 0 or added > 0 else 0.0
            tot = sum(parts.values())
            shares[f"{name}/{geo}"] = {k: (parts[k] / tot if tot > 0 else 0.0)
                                       for k in SOURCES}
            sub = {k: max(var[k] - noise, 0.0) for k in ("assumption sets", "demand paths")}
            sub_tot = sum(sub.values())
            detail[f"{name}/{geo}"] = {k: (v / sub_tot if sub_tot > 0 else 0.0)
                                       for k, v in sub.items()}
    # the southbound half (issue 15): its own draws, parameters from data up to the origin
    sb_samples, sb_info = _southbound(origin, out_months, draws, seed, say)
    for (name, geo), x in sb_samples.items():
        samples[(name, geo)] = x
        q = np.quantile(x, [0.05, 0.25, 0.75, 0.95], axis=0)
        for t, mo in enumerate(out_months):
            rows.append({"month": mo, "series": name, "geography": geo,
                         "value": float(x[:, t].mean()), "p05": float(q[0, t]),
                         "p95": float(q[3, t]), "p25": float(q[1, t]), "p75": float(q[2, t])})
    monthly = pl.DataFrame(rows, schema={"month": pl.Utf8, "series": pl.Utf8,
                                         "geography": pl.Utf8, "value": pl.Float64,
                                         "p05": pl.Float64, "p95": pl.Float64,
                                         "p25": pl.Float64, "p75": pl.Float64})
    observed = _observed(origin)
    from roxham.data import drivers_info  # noqa: F401  (vintages below)
    from roxham.data.load import releases

    push_after = [
        {"name": e.name, "date": e.date.isoformat(), "people": e.people, "weight": e.weight,
         "source": e.source}
        for e in base.demand.push_events if e.date > _first_day(origin)]
    manifest: dict[str, Any] = {
        "kind": "roxham-forecast/v1",
        "model": "canada_us",
        "origin": origin,
        "months": months,
        "first_month": out_months[0] if out_months else None,
        "last_month": out_months[-1] if out_months else None,
        "us_scenario": us_scenario,
        "draws": draws,
        "seed": seed,
        "data_cutoff": origin,
        "data_vintages": {"ircc_claims_releases": releases(),
                          "note": "figures read inside roxham.data.observed_until(origin): "
                                  "only those whose period ends by the origin"},
        "parameters": pinfo,
        "state_at_origin": state,
        "statistical_streams": {
            k: {"what": v, "method": "AutoETS (season 12) on log1p, roxham.statforecast; "
                "fitted on data up to the origin; × visa gate for a nationality whose "
                "Canadian visa rule changes after the origin"}
            for k, v in STATISTICAL_STREAMS.items()},
        "mechanistic_streams": "land deciders (base × US southwest driver × season × shocks "
                               "+ US push stream) choosing routes under the law",
        "southbound": sb_info,
        "us_driver": {"series": "usbp_encounters US-SW (CBP)", "beyond_latest": us_scenario,
                      "driver_draw_sigma_12m_log": round(sigma, 4)},
        "conditional_on_events_after_origin": push_after,
        "uncertainty": {
            "sources": list(SOURCES),
            "structural_sets": [n for n, _ in STRUCTURAL_SETS],
            "bands": "p05..p95 and p25..p75 over the draws: parameter draw, replicate "
                     "seed, US path shift and assumption set + statistical sample path, "
                     "all varying together, times the level discrepancy of the land-driven "
                     "series",
            "discrepancy": {
                "what": "(A) each draw's land-driven series × exp(sigma × Gaussian random "
                        "walk from the origin): the land demand's level wandering off the "
                        "model's; its share is the variance it adds",
                "series": list(LAND_SERIES),
                "sigma_monthly_log": {g: round(v, 4) for g, v in sorted(sigmas.items())},
                "sigma_from": "1.4826 × MAD of month-to-month changes of log(1 + IRCC "
                              f"land-port claims), the latest {DISCREPANCY_MONTHS} months up "
                              f"to the origin, bounded {DISCREPANCY_BOUNDS}"},
            "variance_shares_method": (f"one-at-a-time designs of {n_dec} draws each "
                                       "(only that source varying), minus the stochastic "
                                       "variance, mean over months") if n_dec else None,
            "variance_shares": shares,
            "structural_detail": ("share of the structural variance from the assumption "
                                  "sets alone vs the statistical streams' sample paths alone "
                                  "(each its own one-at-a-time design)"),
            "structural_shares": detail,
        },
        "timings_s": {"total": round(time.perf_counter() - t0, 3)},
    }
    return Forecast(monthly, samples, manifest, observed, shares)


def _southbound(origin: str, out_months: list[str], draws: int, seed: int,
                say: Callable[[str], None]
                ) -> tuple[dict[tuple[str, str], npt.NDArray[np.float64]], dict[str, Any]]:
    """The southbound series (issue 15): :func:`roxham.models.canada_us.southbound.
    forecast_samples` (data up to the origin; its bands are its own draws')."""
    from roxham.models.canada_us.southbound import forecast_samples

    say("southbound half")
    return forecast_samples(origin, out_months, draws, seed)


def _central_params(pdraws: list[dict[str, float]]) -> dict[str, float] | None:
    if not pdraws:
        return None
    keys = pdraws[0].keys()
    return {k: float(np.median([d[k] for d in pdraws])) for k in keys}


def _observed(origin: str) -> pl.DataFrame:
    """Observed monthly figures up to the origin, in contract names, in the run directory's
    ``observed.parquet`` shape (series, geography, period, value, source_url, source_note,
    grade), for the fan charts."""
    from roxham.data import monthly, observed_until

    frames = []
    with observed_until(origin):
        for (name, geo), (dname, dgeo, sub) in _OBSERVED.items():
            try:
                m = monthly(dname, dgeo, "2015-01", origin, subgroup=sub)
            except UserError:
                continue
            m = m.filter(~pl.col("missing"))
            frames.append(m.select(
                pl.lit(name).alias("series"), pl.lit(geo).alias("geography"),
                pl.col("month").dt.strftime("%Y-%m").alias("period"),
                pl.col("value").cast(pl.Float64), pl.col("source_url").cast(pl.Utf8),
                pl.col("source_note").cast(pl.Utf8), pl.col("grade").cast(pl.Utf8)))
    if not frames:
        return pl.DataFrame(schema=_OBS_SCHEMA)
    return pl.concat(frames)
