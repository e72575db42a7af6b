"""Build and run the Canada–US model: scenario → law table + demand + ``roxham.sim``
simulation (:mod:`~roxham.models.canada_us.engine_model`) → replicates → monthly summary.

>>> from roxham.models.canada_us.scenario import load_scenario
>>> s = load_scenario("historical", {"end": "2017-03-31", "replicates": 2})
>>> res = run_scenario(s, seed=3)
>>> {"rcmp_interceptions", "claims_total", "stca_returns", "irb_pending"} <= set(
...     res.monthly["series"])
True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from roxham.models.canada_us import engine_model as E
from roxham.models.canada_us import processing as P
from roxham.models.canada_us import southbound  # issue 15
from roxham.models.canada_us.cohorts import Profile, profile_table
from roxham.models.canada_us.demand import Demand, build_demand
from roxham.models.canada_us.geography import CROSSINGS, ORIGINS
from roxham.models.canada_us.law_oracle import CanadaUSLawOracle
from roxham.models.canada_us.months import month_index
from roxham.models.canada_us.outputs import (
    claim_columns,
    claim_splits_manifest,
    daily_claims,
    monthly_claims,
)
from roxham.models.canada_us.scenario import ModelScenario, scenario_hash
from roxham.sim.engine import Simulation
from roxham.sim.oracle import OutcomeTable, build_outcome_table

__all__ = ["PROVINCES", "Built", "RunResult", "build", "full_build", "run_scenario", "update_build"]

PROVINCES: tuple[str, ...] = ("QC", "MB", "BC", "ON", "other")

ProgressFn = Callable[[int, int], None]

@dataclass
class Built:
    """Everything a run needs, built once per scenario: the law table, demand and the
    ``roxham.sim`` simulation (:mod:`roxham.models.canada_us.engine_model`)."""

    scenario: ModelScenario
    profiles: list[Profile]
    oracle: CanadaUSLawOracle
    table: OutcomeTable  # the law table the engine reads (roxham.sim.build_outcome_table)
    demand: Demand
    sim: Simulation
    build_s: float


@dataclass
class RunResult:
    """Monthly long table (mean, p05, p95 over replicates) and run metadata."""

    scenario: ModelScenario
    monthly: pl.DataFrame
    manifest: dict[str, Any]
    replicate_monthly: npt.NDArray[np.float64] = field(repr=False)  # [R, months, cols]
    columns: list[tuple[str, str]] = field(repr=False, default_factory=list)
    months: list[str] = field(repr=False, default_factory=list)  # labels of the month axis


_TABLE_CACHE: dict[str, OutcomeTable] = {}

#: Days before the start that every law table covers (the calibration's information lag
#: prior is 0–30 days).
TABLE_LAG_MIN = 30


#: The last full build of this process (:func:`build` updates it for a scenario that differs
#: only in what a parameter draw changes).
_BUILD_CACHE: list[Built] = []

#: Scenario keys a parameter draw may change without a full build (:func:`update_build`):
#: a path matches if it starts with one of these.
UPDATABLE: tuple[tuple[str, ...], ...] = (
    ("name",), ("description",), ("seed",), ("replicates",),
    ("demand",),  # new daily rates (the streams must stay the same)
    ("choice", "beta_success"), ("choice", "beta_km_per_100"), ("choice", "asc"),
    ("choice", "asc_stay"), ("choice", "beta_wait_per_week"),
    ("choice", "exception_awareness_between_ports"),
    ("processing", "p_intercept_irregular"), ("processing", "p_intercept_hide"),
    ("law", "information_lag_days"),
)


def build(s: ModelScenario) -> Built:
    """Build the law table, demand, network arrays of scenario ``s``.

    A scenario that differs from the previous build of this process only in keys of
    :data:`UPDATABLE` (a posterior draw, a calibration trial) gets that build updated
    (:func:`update_build`) instead of a new one: the same simulation as a full build."""
    if _BUILD_CACHE:
        b = update_build(_BUILD_CACHE[0], s)
        if b is not None:
            return b
    b = full_build(s)
    _BUILD_CACHE[:] = [b]
    return b


def full_build(s: ModelScenario) -> Built:
    """Build everything of scenario ``s`` (the law table is shared with the previous build of
    the same law)."""
    t0 = time.perf_counter()
    profiles = profile_table()
    delays = E.claim_delays(s)  # the same days as the network's links to the inland offices
    oracle = CanadaUSLawOracle(
        profiles,
        reform=s.law.reform,
        covid_order=s.law.covid_order,
        delays=delays,
    )
    demand = build_demand(s, profiles)
    demand = southbound.apply_visa_overrides(s, demand)  # issue 15: scenario visa overrides
    _check_asc(s)
    sim = E.build_simulation(s, profiles, oracle, demand)
    # the table reaches TABLE_LAG_MIN days back at least, so that scenarios differing only
    # in their information lag (posterior draws, calibration trials) share one table
    lag = max(s.law.information_lag_days, TABLE_LAG_MIN)
    law_key = s.law.model_dump(mode="json", exclude={"information_lag_days"})
    key = repr((law_key, s.start, s.n_days, sorted(delays.items()), lag, sim.places))
    table = _TABLE_CACHE.get(key)
    if table is None:
        disk_key = _table_disk_key(key)
        table = _table_from_disk(disk_key)
        if table is None:
            table = build_outcome_table(oracle, sim.profiles, sim.places, s.start, s.n_days,
                                        lag_max=lag)
            _table_to_disk(disk_key, table)
        _TABLE_CACHE.clear()
        _TABLE_CACHE[key] = table
    sim.set_outcome_table(table)
    return Built(s, profiles, oracle, table, demand, sim, time.perf_counter() - t0)


#: what a law table is computed from besides its key's values: the law (code and data), the
#: model's law oracle and profiles, and the one table builder
_TABLE_SOURCES = ("law", "models/canada_us/law_oracle.py", "models/canada_us/cohorts.py",
                  "sim/oracle.py")


def _table_disk_key(key: str) -> str:
    """Disk-cache name of a law table (:mod:`roxham.diskcache`): the in-process key (the
    scenario's law section, period, claim delays, lag, places) and the sources above."""
    from roxham.diskcache import content_key, source_digest

    return content_key("law_table", key, source_digest(*_TABLE_SOURCES), np.__version__)


def _table_from_disk(disk_key: str) -> OutcomeTable | None:
    from roxham import diskcache

    got = diskcache.load("law_tables", disk_key)
    if got is None:
        return None
    arr, meta = got
    try:
        return OutcomeTable(arr["codes"], meta["places"], int(meta["lag_max"]),
                            meta["code_names"], arr["referred"], arr["after_return"])
    except (KeyError, ValueError):
        return None


def _table_to_disk(disk_key: str, t: OutcomeTable) -> None:
    from roxham import diskcache

    diskcache.save("law_tables", disk_key,
                   {"codes": t.codes, "referred": t.referred, "after_return": t.after_return},
                   {"places": list(t.places), "lag_max": t.lag_max,
                    "code_names": list(t.code_names)})


def _check_asc(s: ModelScenario) -> None:
    ids = [c.id for c in CROSSINGS]
    unknown_asc = [k for k in s.choice.asc if k not in ids]
    if unknown_asc:
        from roxham.errors import UserError

        raise UserError(f"choice.asc: unknown crossing {unknown_asc[0]!r}; known: {', '.join(ids)}")


def _diff_paths(a: Any, b: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Key paths where the plain data ``a`` and ``b`` differ (a whole mapping's path when its
    keys differ)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [path]
        out: list[tuple[str, ...]] = []
        for k in a:
            out += _diff_paths(a[k], b[k], (*path, str(k)))
        return out
    return [] if a == b else [path]


def update_build(b: Built, s: ModelScenario) -> Built | None:
    """``b`` updated to scenario ``s``, or ``None`` when ``s`` differs from ``b.scenario``
    elsewhere than in :data:`UPDATABLE` (then a full build is needed).

    What a draw touches is rebuilt (demand and spawn rates, the choice model, interception
    probabilities, the information lag; demand always, as it reads observed data); the
    network, cohorts, law oracle and law table are shared with ``b`` (``b`` itself is left
    unchanged). The result runs exactly like :func:`full_build` of ``s`` (tested)."""
    t0 = time.perf_counter()
    old = b.scenario
    diff = _diff_paths(old.model_dump(mode="json"), s.model_dump(mode="json"))
    if any(not any(p[: len(u)] == u for u in UPDATABLE) for p in diff):
        return None
    if s.law.information_lag_days > b.table.lag_max:
        return None
    sections = {p[0] for p in diff}
    # demand is built again even when its keys did not change: it is the part of the build
    # that reads observed data, which may be cut off at a forecast origin since ``b`` was built
    demand = southbound.apply_visa_overrides(s, build_demand(s, b.profiles))
    if (demand.names != b.demand.names or not np.array_equal(demand.kind, b.demand.kind)
            or not np.array_equal(demand.origin, b.demand.origin)
            or demand.nat != b.demand.nat):
        return None  # other streams: the cohorts and spawns change
    _check_asc(s)
    sim = b.sim
    net = sim.network
    spawns = [demand.rates[:, j] for j in range(len(demand.names))]
    # always a new choice model: it caches its table by the engine's versions, which start
    # again in every run (a new lag would read a stale table), and runs in other threads
    # (a Dask worker with several threads, the web lab) must not share that cache
    choice = E.CanadaUSChoice(s, net, sim.options, b.oracle.profiles, demand)
    interception = None
    if "processing" in sections:
        p = s.processing
        interception = {c.id: (p.p_intercept_hide if c.hide else p.p_intercept_irregular)
                        for c in CROSSINGS if c.mode != "LAND_POE"}
    params = None
    if s.law.information_lag_days != old.law.information_lag_days:
        params = {"info_lag_days": s.law.information_lag_days}
    new_sim = sim.updated(spawn_daily=spawns, choice=choice, interception=interception,
                          params=params)
    return Built(s, b.profiles, b.oracle, b.table, demand, new_sim, time.perf_counter() - t0)


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """Seeds of the replicates: ``SeedSequence(seed).spawn(R)``, one 32-bit word each.

    >>> replicate_seeds(1, 2) == replicate_seeds(1, 3)[:2]
    True
    """
    from roxham.store.identity import replicate_seeds as seeds

    return seeds(seed, replicates, bits=32)


def run_replicate(b: Built, seed: int) -> dict[str, Any]:
    """One replicate of a built model on the ``roxham.sim`` engine; ``seed`` is the
    replicate's seed (:func:`replicate_seeds`), the engine runs it as ``sim.run(seed)``
    (so replicate ``r`` gives the same result whatever the number of replicates).

    Both steps use the one seed scheme, :func:`roxham.store.identity.replicate_seeds`: the
    run seed gives replicate ``r`` its 32-bit seed (recorded in the manifest), and the engine
    derives that replicate's 64-bit kernel key from it (``replicate_seeds(seed_r, 1,
    bits=64)[0]``, :func:`roxham.sim.engine.replicate_keys`). Taking the key straight from the
    run seed would skip one step but change every output of a fixed seed for nothing."""
    res = b.sim.run(seed=int(seed))
    rep = res.replicates[0]
    out, choices, states = E.daily_counts(b.sim, rep)
    return {
        "out": out,
        "choices": choices,
        "n_agents": int(rep.n_alive[-1]),
        "agent_steps": int(rep.timings["window_steps"]),
        "alive_steps": int(rep.timings["agent_steps"]),
        "state_counts": np.asarray(states, dtype=np.int64),
        "claims": daily_claims(b.sim, rep),  # by claim place x province (outputs.py)
    }


def _months(s: ModelScenario) -> tuple[list[str], npt.NDArray[np.int64]]:
    labels, idx, _ = month_index(s.start, s.n_days)
    return list(labels), idx


#: Output geography of the model's province codes (``other``: the rest of Canada).
_GEO = {"QC": "QC", "MB": "MB", "BC": "BC", "ON": "ON", "other": "OTHER"}


#: (series, geography) of the monthly table, in order, and how each is computed from the
#: daily series of ``engine_model.SERIES`` (sum over the listed columns; the IRB processing
#: series come from :mod:`~roxham.models.canada_us.processing`). The claims by office type x
#: province follow (outputs.claim_columns).
def _output_columns() -> list[tuple[str, str, list[str]]]:
    cols: list[tuple[str, str, list[str]]] = []
    cols.append(("rcmp_interceptions", "CA", [f"intercepted_{p}" for p in PROVINCES]))
    for p in PROVINCES:
        cols.append(("rcmp_interceptions", _GEO[p], [f"intercepted_{p}"]))
    cols.append(("stca_returns", "CA", ["stca_returns"]))
    # IRB processing (processing.py: queues over the referred claims), no daily source
    cols.extend((name, "CA", []) for name in P.OUTPUT_SERIES)
    cols.append(("irregular_crossings", "CA", [f"crossings_{p}" for p in PROVINCES]))
    for p in PROVINCES:
        cols.append(("irregular_crossings", _GEO[p], [f"crossings_{p}"]))
    cols.append(("directed_back", "CA", ["directed_back"]))
    cols.append(("stayed_us", "CA", ["decided_stay"]))
    cols.append(("turned_away_closed", "CA", ["turned_away"]))
    cols.append(("land_port_arrivals", "CA", ["poe_arrivals"]))
    return cols


def _statistical_streams(s: ModelScenario, d: Demand) -> dict[str, Any]:
    from roxham.models.canada_us.demand import STATISTICAL_STREAMS

    if s.demand.air_inland == "official":
        return {"mode": "official (yearly IRCC totals as inputs; not for validation)"}
    return {
        k: {"what": STATISTICAL_STREAMS[k],
            "method": "AutoETS (season 12, log1p), roxham.statforecast, × visa gate"
                      + (" × COVID-19 travel gate" if s.demand.covid_travel_gate else ""),
            "forecast_origins": sorted({o for o in d.stat_origin.get(k, []) if o}),
            "observed_months": sum(o is None for o in d.stat_origin.get(k, []))}
        for k in STATISTICAL_STREAMS
    }


def run_scenario(
    s: ModelScenario,
    seed: int | None = None,
    replicates: int | None = None,
    progress: ProgressFn | None = None,
    *,
    variants: Sequence[ModelScenario] | None = None,
    frame: bool = True,
    keys: Sequence[str] | None = None,
) -> RunResult:
    """Run ``replicates`` replicates of scenario ``s`` and summarise them by month.

    ``frame=False`` stops at the replicates' monthly array (``replicate_monthly``,
    ``columns``, ``months``): ``monthly`` is left empty and the manifest holds the seeds
    only (calibration summarises the array itself: ``CanadaUSModel.simulate_series`` in
    :mod:`roxham.calibrate.models`). With it, ``keys`` (``series/geography``) may name the
    series the caller reads: the southbound half then runs only if one of them is its own.

    ``variants`` (one per replicate) gives each replicate its own scenario, e.g. parameter
    draws from a posterior (:mod:`roxham.calibrate.runs`); they must cover the same period
    as ``s``, which names the run. Replicate ``r`` runs ``variants[r]`` with the ``r``-th
    replicate seed.
    """
    seed = s.seed if seed is None else seed
    reps = s.replicates if replicates is None else replicates
    if variants is not None:
        if len(variants) != reps:
            raise ValueError(f"{len(variants)} variants for {reps} replicates")
        bad = [v.name for v in variants if (v.start, v.end) != (s.start, s.end)]
        if bad:
            raise ValueError(f"variant {bad[0]!r} does not cover {s.start}..{s.end}")
    t0 = time.perf_counter()
    b = build(s if variants is None else variants[0])
    build_s = b.build_s
    labels, midx = _months(s)
    n_m = len(labels)
    out_cols = _output_columns()
    route_cols = [("route_choices", c.id) for c in CROSSINGS]
    claim_cols = claim_columns()
    all_cols = [(a, g) for a, g, _ in out_cols] + claim_cols + route_cols
    n_out, n_claim = len(out_cols), len(claim_cols)
    series_index = {n: i for i, n in enumerate(E.SERIES)}
    rep = np.zeros((reps, n_m, len(all_cols)))
    seeds = replicate_seeds(seed, reps)
    rates_sum = np.zeros_like(b.demand.rates)
    kernel_s: list[float] = []
    agents: list[int] = []
    steps: list[int] = []
    states: list[list[int]] = []
    if progress:
        progress(0, reps)
    for r, rs in enumerate(seeds):
        if variants is not None and r > 0:
            b = build(variants[r])
            build_s += b.build_s
        rates_sum += b.demand.rates
        t1 = time.perf_counter()
        res = run_replicate(b, rs)
        kernel_s.append(time.perf_counter() - t1)
        out = res["out"]
        assert isinstance(out, np.ndarray)
        choices = res["choices"]
        assert isinstance(choices, np.ndarray)
        # monthly sums of daily counts (integers: exact in any order)
        month_end = month_index(s.start, s.n_days)[2]
        month_start = np.concatenate(([0], month_end[:-1] + 1))
        monthly = np.add.reduceat(out, month_start, axis=0).astype(np.float64)
        mchoice = np.add.reduceat(choices, month_start, axis=0).astype(np.float64)
        referred = out[:, series_index["referred"]].astype(float)
        # claims the 2026 law reaches while pending, given a notice: leave the inventory
        # (engine_model.irb_inflow: referred less those, on D_C12_RA)
        removed = referred - E.irb_inflow(b.scenario, out)
        proc = P.run_processing(b.scenario.processing, s.start, referred,
                                out[:, series_index["ineligible_in_canada"]].astype(float),
                                midx, n_m, removed_daily=removed)
        for ci, (name, _geo, src) in enumerate(out_cols):
            if name in proc:
                rep[r, :, ci] = proc[name]
            else:
                rep[r, :, ci] = monthly[:, [series_index[c] for c in src]].sum(axis=1)
        daily = res["claims"]
        assert isinstance(daily, np.ndarray)
        rep[r, :, n_out:n_out + n_claim] = monthly_claims(daily, midx, labels, s.start)
        rep[r, :, n_out + n_claim:] = mchoice
        agents.append(int(res["n_agents"]))
        steps.append(int(res["agent_steps"]))
        sc = res["state_counts"]
        assert isinstance(sc, np.ndarray)
        states.append([int(x) for x in sc])
        if progress:
            progress(r + 1, reps)
    if not frame:
        north = {f"{a}/{g}" for a, g in all_cols}
        if s.southbound.enabled and (keys is None or any(k not in north for k in keys)):
            _, sb_rep, sb_cols, _ = southbound.monthly_rows(
                s.southbound, s.start, s.end, seeds, rep, all_cols)
            rep = np.concatenate([rep, sb_rep], axis=2)
            all_cols = [*all_cols, *sb_cols]
        return RunResult(s, pl.DataFrame(), {"model": "canada_us", "seed": seed,
                                             "replicates": reps, "replicate_seeds": seeds},
                         rep, all_cols, labels)
    mean = rep.mean(axis=0)
    p05 = np.quantile(rep, 0.05, axis=0)
    p95 = np.quantile(rep, 0.95, axis=0)
    rows_month: list[str] = []
    rows_series: list[str] = []
    rows_geo: list[str] = []
    for (name, geo) in all_cols:
        rows_month.extend(labels)
        rows_series.extend([name] * n_m)
        rows_geo.extend([geo] * n_m)
    df = pl.DataFrame(
        {
            "month": rows_month,
            "series": rows_series,
            "geography": rows_geo,
            "value": mean.T.reshape(-1),
            "p05": p05.T.reshape(-1),
            "p95": p95.T.reshape(-1),
        }
    )
    # model inputs, by month (deterministic: p05 = p95 = value): expected land deciders and
    # the CBP southwest apprehensions driver (per month, before the lag)
    inputs: list[tuple[str, str, npt.NDArray[np.float64]]] = []
    dem = b.demand
    rates = rates_sum / reps  # mean over replicates (they differ when variants are given)
    land = dem.kind == 0
    for oi, o in enumerate(ORIGINS):
        sel = land & (dem.origin == oi)
        if sel.any():
            inputs.append(("input_land_deciders", o, rates[:, sel].sum(axis=1)))
    inputs.append(("input_air_and_inland_expected", "CA", rates[:, ~land].sum(axis=1)))
    extra = []
    for name, geo, daily in inputs:
        mv = np.zeros(n_m)
        np.add.at(mv, midx, daily)
        extra.append(pl.DataFrame({"month": labels, "series": [name] * n_m,
                                   "geography": [geo] * n_m, "value": mv, "p05": mv,
                                   "p95": mv}))
    df = pl.concat([df, *extra])
    # --- issue 15: the southbound half (southbound.py), same replicate seeds -------------
    sb_manifest: dict[str, Any] = {}
    if s.southbound.enabled:
        sb_df, sb_rep, sb_cols, sb_manifest = southbound.monthly_rows(
            s.southbound, s.start, s.end, seeds, rep, all_cols)
        df = pl.concat([df, sb_df.select(df.columns)])
        rep = np.concatenate([rep, sb_rep], axis=2)  # replicates.parquet carries them too
        all_cols = [*all_cols, *sb_cols]
    # --- end issue 15 ---------------------------------------------------------------------
    wall = time.perf_counter() - t0
    manifest: dict[str, Any] = {
        "model": "canada_us",
        "scenario_name": s.name,
        "scenario_hash": scenario_hash(s),
        "scenario": s.model_dump(mode="json"),
        "seed": seed,
        "replicates": reps,
        "replicate_seeds": seeds,
        "law_engine": "roxham.law",
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "n_days": s.n_days,
        "agents_per_replicate": agents,
        "agent_steps_per_replicate": steps,
        "final_states_per_replicate": {
            name: [st[i] for st in states]
            for i, name in enumerate(E.STATE_NAMES)
        },
        "driver_imputed_days": b.demand.imputed_days,
        # which streams are statistical (issue 13): per stream, the origins its monthly
        # figures were forecast from (no official figure of a simulated month enters them)
        "statistical_streams": _statistical_streams(s, b.demand),
        "claim_province_splits": claim_splits_manifest(labels[0]),
        **sb_manifest,  # issue 15
        "timings_s": {
            "build": round(build_s, 4),
            "kernel_per_replicate": [round(x, 4) for x in kernel_s],
            "total": round(wall, 4),
        },
    }
    return RunResult(s, df, manifest, rep, all_cols, labels)
