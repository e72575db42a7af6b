"""The southbound half of the Canada–US border (issue 15): people crossing from Canada into
the US between ports, and the smaller southbound flows the northbound model implies.

**Air arrivals heading for the US** (per group ``MX``, ``IN``, ``OTHER``), expected per day::

    base[g] × pressure(t) × season(t) × level(t) × growth[g](t) × Π shocks × visa_gate[g](t)

- ``pressure(t) = (SW(t − lag) / SW_ref) ** elasticity``: US Border Patrol southwest-border
  apprehensions (the northbound model's driver, :func:`roxham.models.canada_us.demand.sw_driver`)
  as the pull of the US route; ``season`` a cosine (summer peak, winter trough: frozen waters
  open routes in winter but cold keeps most people away); ``growth`` = ``exp(r × years since
  growth_from)`` after ``growth_from``.
- ``visa_gate`` follows **the law engine's visa facts** (:func:`roxham.law.visas.visa_req_ca`
  for a person flying in, by nationality and date), unless a scenario overrides them
  (``southbound.visa_overrides``): visa-exempt → 1; visa-exempt by air with an eTA for some
  (the law's ``air_only_eta``) → ``e + (1 − e) × visa_gate``; visa required → ``visa_gate``.
  ``OTHER`` is not in the law's table and is visa-required throughout (assumed).

**Residents** (``resident``): people crossing who did not just fly in (the pre-2020 baseline of
the other sectors), ``resident_per_day × season × shocks``.

On the ``roxham.sim`` engine (:func:`build_simulation`): each group spawns at its origin
(``sb_air_<group>``, ``sb_resident``), picks a sector (:class:`SectorChoice`), travels
``days_in_canada`` days to it (air) and crosses: the sector's ``interception`` is the US Border
Patrol's apprehension probability; the unseen reach ``sb_us`` (the US interior). Each
replicate multiplies each month's rates by a lognormal factor of
standard deviation ``month_noise_sd`` (the fit's residual error; one draw per month and
replicate, from the replicate's seed), so the bands cover the model's error, not only the
engine's draws; after the fit's last month (``fitted_until``) the air groups' level also
wanders as a random walk of step ``level_step_sd`` (:func:`level_walk`, mean kept): the
model's level discrepancy out of sample. Apprehended
people are handed back to Canada with ``p_returned_to_canada`` (a binomial draw per day with the
replicate's seed); the rest stay in US proceedings.

**Northbound-implied southbound flows** (from the northbound replicate's own counts, so both
directions share one run): people returned to the US at ports (STCA returns, directed back under
the COVID order) and "second thoughts": referred claimants in Canada who go back south,
``Binomial(referred(t − delay), p_second_thoughts)``.

>>> import datetime as dt
>>> visa_status("MX", dt.date(2023, 6, 1), ())
'exempt'
>>> visa_status("MX", dt.date(2024, 6, 1), ())
'eta_only'
>>> visa_status("IN", dt.date(2024, 6, 1), ())
'visa'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl

from roxham.metrics import months_between
from roxham.models.canada_us.months import month_index
from roxham.models.canada_us.southbound_params import (
    GROUPS,
    SECTORS,
    SouthboundSection,
    VisaOverride,
    air_mix,
    ramp_weight,
)
from roxham.sim.choice import DayContext
from roxham.sim.engine import Cohort, Simulation, Spawn
from roxham.sim.network import Network, Options
from roxham.store.result import summary_frame

if TYPE_CHECKING:
    from roxham.models.canada_us.demand import Demand
    from roxham.models.canada_us.scenario import ModelScenario

__all__ = [
    "SECTOR_GEO",
    "SectorChoice",
    "SouthboundDaily",
    "apply_visa_overrides",
    "build_simulation",
    "expected_rates",
    "forecast_samples",
    "level_steps",
    "level_walk",
    "monthly_rows",
    "northbound_visa_ratio",
    "run_southbound",
    "southbound_rows",
    "visa_gate",
    "visa_status",
]

#: Geography code of each sector in the outputs (``US-NORTH`` is their sum).
SECTOR_GEO: dict[str, str] = {
    "swanton": "US-SWANTON", "buffalo": "US-BUFFALO", "detroit": "US-DETROIT",
    "blaine": "US-BLAINE", "other": "US-NORTH-OTHER",
}
AIR_GROUPS: tuple[str, ...] = GROUPS[:-1]
_NOON = 12 * 60  # the status of a day is the status at noon (a rule may change at 23:30)


# ---------------------------------------------------------------------------------------------
# the visa gate (the law engine's visa facts)


def visa_status(nat: str, day: dt.date, overrides: Sequence[VisaOverride]) -> str:
    """``exempt``, ``eta_only`` or ``visa``: what a national of ``nat`` flying into Canada on
    ``day`` needs, from :func:`roxham.law.visas.visa_req_ca` (at noon), unless one of the
    scenario's ``overrides`` covers the day (the last one listed wins). A nationality the law's
    table does not cover is ``visa`` (assumed)."""
    for ov in reversed(overrides):
        if nat in ov.nationalities and ov.start <= day and (ov.end is None or day < ov.end):
            return ov.status
    from roxham.law.visas import COVERED, visa_req_ca

    if nat not in COVERED:
        return "visa"
    need, _ = visa_req_ca((nat,), day, _NOON, "AIRPORT", has_eta=False)
    if need is False:
        return "exempt"
    if need is None:
        with_eta, _ = visa_req_ca((nat,), day, _NOON, "AIRPORT", has_eta=True)
        return "eta_only" if with_eta is False else "visa"
    return "visa"


def visa_gate(status: str, eta_share: float, gate: float) -> float:
    """Share of would-be travellers who still fly in under ``status``.

    >>> visa_gate("exempt", 0.1, 0.3), visa_gate("visa", 0.1, 0.3), visa_gate("eta_only", 0.1, 0.3)
    (1.0, 0.3, 0.37)
    """
    if status == "exempt":
        return 1.0
    if status == "eta_only":
        return round(eta_share + (1.0 - eta_share) * gate, 12)
    return gate


def gate_series(
    nat: str, days: list[dt.date], p: SouthboundSection, gate: float,
    overrides: Sequence[VisaOverride] | None = None,
) -> npt.NDArray[np.float64]:
    """The visa gate of ``nat`` on each day (``overrides`` default: the scenario's)."""
    ovs = tuple(p.visa_overrides if overrides is None else overrides)
    e = p.eta_eligible_share.get(nat, 0.0)
    key = (nat, days[0], len(days), tuple(o.model_dump_json() for o in ovs), e, gate)
    hit = _GATE_CACHE.get(key)
    if hit is None:
        hit = np.array([visa_gate(visa_status(nat, d, ovs), e, gate) for d in days])
        if len(_GATE_CACHE) > 64:
            _GATE_CACHE.clear()
        _GATE_CACHE[key] = hit
    return hit.copy()


_GATE_CACHE: dict[tuple[Any, ...], npt.NDArray[np.float64]] = {}


def northbound_visa_ratio(
    nat: str, days: list[dt.date], p: SouthboundSection, air_visa_gate: float
) -> npt.NDArray[np.float64]:
    """Factor on the northbound air/inland claim streams of ``nat``: the gate under the
    scenario's visa overrides over the gate under the law as enacted (1 everywhere without
    overrides, so the northbound model is unchanged in ``historical``)."""
    if not any(nat in ov.nationalities for ov in p.visa_overrides):
        return np.ones(len(days))
    scen = gate_series(nat, days, p, air_visa_gate)
    hist = gate_series(nat, days, p, air_visa_gate, overrides=())
    return np.where(hist > 0, scen / np.where(hist > 0, hist, 1.0), 1.0)


def apply_visa_overrides(s: ModelScenario, demand: Demand) -> Demand:
    """The northbound demand with the scenario's visa overrides applied to its air and inland
    streams (in place; returns ``demand``). No override: unchanged."""
    p = s.southbound
    if not p.visa_overrides:
        return demand
    from roxham.models.canada_us.demand import KIND_LAND

    days = [s.start + dt.timedelta(days=i) for i in range(s.n_days)]
    cache: dict[str, npt.NDArray[np.float64]] = {}
    for j, nat in enumerate(demand.nat):
        if int(demand.kind[j]) == KIND_LAND:
            continue
        if nat not in cache:
            cache[nat] = northbound_visa_ratio(nat, days, p, s.demand.air_visa_gate)
        demand.rates[:, j] *= cache[nat]
    return demand


# ---------------------------------------------------------------------------------------------
# expected flows


def _days(start: dt.date, n: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(n)]


def pressure(days: list[dt.date], p: SouthboundSection) -> tuple[npt.NDArray[np.float64], int]:
    """``(SW(t − lag) / SW_ref) ** elasticity`` per day and the days that held a missing
    month's value."""
    from roxham.models.canada_us.demand import _sw_driver_cached

    sw, ref, imputed = _sw_driver_cached(days[0], len(days), p.pressure_lag_days)
    return (sw / ref) ** p.pressure_elasticity, imputed


def damped_years(years: npt.NDArray[np.float64], kappa: float) -> npt.NDArray[np.float64]:
    """``(1 − e^(−κ t)) / κ`` (``t`` itself when ``κ = 0``): the growth's effective years, so
    that ``exp(r × damped_years)`` is exponential growth at ``κ = 0`` and levels off at
    ``exp(r / κ)`` otherwise.

    >>> damped_years(np.array([0.0, 1.0, 100.0]), 0.0).tolist()
    [0.0, 1.0, 100.0]
    >>> [round(float(x), 4) for x in damped_years(np.array([0.0, 1.0, 100.0]), 2.0)]
    [0.0, 0.4323, 0.5]
    """
    if kappa <= 0.0:
        return years
    return -np.expm1(-kappa * years) / kappa


def expected_rates(
    p: SouthboundSection, start: dt.date, n_days: int, *, visa_air_gate: float | None = None,
) -> tuple[dict[str, npt.NDArray[np.float64]], int]:
    """Expected spawns per day of each group (:data:`GROUPS`) and the imputed driver days."""
    days = _days(start, n_days)
    doy = np.array([d.timetuple().tm_yday for d in days])
    season = 1.0 + p.seasonality_amplitude * np.cos(2 * np.pi * (doy - p.seasonality_peak_doy)
                                                    / 365.25)
    press, imputed = pressure(days, p)
    years = damped_years(np.array([max(0.0, (d - p.growth_from).days / 365.25) for d in days]),
                         p.growth_damping_per_year)
    gate = p.visa_gate if visa_air_gate is None else visa_air_gate
    w = np.array([ramp_weight(p, d) for d in days])
    level = (1.0 - w) * p.air_level_early + w
    out: dict[str, npt.NDArray[np.float64]] = {}
    for g in AIR_GROUPS:
        r = (p.air_base_per_day.get(g, 0.0) * press * season * level
             * np.exp(p.growth_per_year.get(g, 0.0) * years))
        out[g] = r * gate_series(g, days, p, gate)
    out["resident"] = p.resident_per_day * season
    for sh in p.shocks:
        f = np.array([sh.multiplier if sh.start <= d < sh.end else 1.0 for d in days])
        for g in sh.groups or GROUPS:
            out[g] = out[g] * f
    return out, imputed


# ---------------------------------------------------------------------------------------------
# the engine network

US = "sb_us"


def _origin(group: str) -> str:
    return "sb_resident" if group == "resident" else f"sb_air_{group}"


def _crossing(sector: str, group: str) -> str:
    return f"sb_cross_{sector}_{group}"


class SectorChoice:
    """Sector shares per group (air groups: :func:`air_mix` of the day; residents:
    ``sector_mix_resident``), tabulated from the engine's groups; a new table only while the
    air mix moves (``air_mix_ramp``), the same array object otherwise."""

    def __init__(self, p: SouthboundSection, net: Network, options: Options,
                 cohort_names: list[str]) -> None:
        self.p, self.net, self.options, self.cohorts = p, net, options, cohort_names
        self.table: npt.NDArray[np.float64] | None = None
        self._weight = -1.0

    def probabilities(self, ctx: DayContext) -> npt.NDArray[np.float64]:
        """``prob[group, option]``: the sector shares at the group's origin."""
        w = ramp_weight(self.p, ctx.date)
        if self.table is not None and w == self._weight:
            return self.table
        self._weight = w
        mix_air = air_mix(self.p, ctx.date)
        o = self.options
        rows = np.zeros((len(ctx.group_cohort), o.n_options))
        for gi, ci in enumerate(ctx.group_cohort):
            group = self.cohorts[int(ci)].removeprefix("sb:")
            mix = self.p.sector_mix_resident if group == "resident" else mix_air
            for k in o.options_at(self.net.index(_origin(group))):
                first = self.net.names[int(self.net.link_dst[o.links_of(k)[0]])]
                sector = first.removeprefix("sb_cross_").rsplit("_", 1)[0]
                rows[gi, k] = mix.get(sector, 0.0)
        self.table = rows
        return rows


def build_simulation(
    p: SouthboundSection, start: dt.date, end: dt.date, rates: dict[str, npt.NDArray[np.float64]]
) -> Simulation:
    """The southbound network on the ``roxham.sim`` engine: an origin per group, a crossing
    per sector and group (so the engine's counts by location are counts by group and sector;
    the groups never interact), the US interior (see the module docstring)."""
    locs: list[tuple[str, str, dict[str, Any]]] = [(_origin(g), "origin", {}) for g in GROUPS]
    links: list[tuple[str, str, float]] = []
    for g in GROUPS:
        for sec in SECTORS:
            locs.append((_crossing(sec, g), "irregular_crossing",
                         {"place": "us_between_ports", "interception": p.p_apprehension[sec]}))
            days = 0.0 if g == "resident" else float(p.days_in_canada)
            links.append((_origin(g), _crossing(sec, g), days))
            links.append((_crossing(sec, g), US, 0.0))
    locs.append((US, "sink", {}))
    net = Network.build(locs, links)
    mask = np.zeros(net.n_locations, dtype=bool)
    for g in GROUPS:
        for sec in SECTORS:
            mask[net.index(_crossing(sec, g))] = True
    options = Options.from_paths(net, max_hops=1, pass_through=mask)
    cohorts = [Cohort(f"sb:{g}", [], give_up=1.0) for g in GROUPS]
    spawns = [Spawn(f"sb:{g}", _origin(g), rates[g]) for g in GROUPS]
    choice = SectorChoice(p, net, options, [c.name for c in cohorts])
    return Simulation(net, start, end, cohorts=cohorts, spawns=spawns, options=options,
                      oracle=None, params={"strict_arrival": True}, name="canada_us:southbound",
                      choice=choice)


# ---------------------------------------------------------------------------------------------
# runs


@dataclass
class SouthboundDaily:
    """One replicate's daily southbound counts."""

    spawned: dict[str, npt.NDArray[np.int64]]      # by group
    crossings: dict[str, npt.NDArray[np.int64]]    # by sector
    apprehended: dict[str, npt.NDArray[np.int64]]  # by sector
    apprehended_by_group: dict[str, npt.NDArray[np.int64]]  # by group (all sectors)
    returned_to_canada: npt.NDArray[np.int64]
    in_transit_end: int                            # on the way to a crossing on the last day
    reached_us: int                                # crossed unseen (settled in sb_us)


def level_steps(p: SouthboundSection, months: Sequence[str]) -> npt.NDArray[np.int64]:
    """Months since ``p.fitted_until`` of each month (0 up to it, and everywhere when the
    section has no ``fitted_until``): the level discrepancy's steps.

    >>> p = SouthboundSection(fitted_until="2024-02")
    >>> level_steps(p, ["2024-01", "2024-02", "2024-03", "2024-09"]).tolist()
    [0, 0, 1, 7]
    """
    if p.fitted_until is None:
        return np.zeros(len(months), dtype=np.int64)
    return np.array([max(0, months_between(p.fitted_until, m)) for m in months],
                    dtype=np.int64)


def level_walk(sd: float, steps: npt.NDArray[np.int64], seed: int) -> npt.NDArray[np.float64]:
    """One replicate's level discrepancy by month: ``exp(sd W_k − sd² k / 2)`` after ``k``
    steps of a standard Gaussian random walk ``W`` (mean 1 at every ``k``; 1 where ``k`` = 0),
    drawn from the stream ``[seed, 15, 3]``: the same path whatever the window simulated.

    >>> w = np.array([level_walk(0.3, np.array([0, 1, 4]), s) for s in range(20000)])
    >>> w[:, 0].tolist() == [1.0] * 20000, np.round(w[:, 1:].mean(axis=0), 1).tolist()
    (True, [1.0, 1.0])
    >>> round(float(np.std(np.log(w[:, 2]))), 2)  # 0.3 × sqrt(4)
    0.6
    """
    k_max = int(steps.max()) if steps.size else 0
    if sd <= 0 or k_max == 0:
        return np.ones(steps.size)
    walk = np.concatenate([[0.0], np.cumsum(
        np.random.default_rng([seed, 15, 3]).standard_normal(k_max))])
    k = steps.astype(np.int64)
    return np.exp(sd * walk[k] - sd * sd * k / 2)


def run_southbound(
    p: SouthboundSection, start: dt.date, end: dt.date, seeds: Sequence[int],
) -> tuple[list[SouthboundDaily], dict[str, Any]]:
    """Run the southbound simulation once per seed (replicate ``r`` uses ``seeds[r]``)."""
    from roxham.sim.agents import AgentState as A

    n_days = (end - start).days + 1
    rates, imputed = expected_rates(p, start, n_days)
    out: list[SouthboundDaily] = []
    labels, midx, _ = month_index(start, n_days)
    steps = level_steps(p, list(labels))
    noisy = p.month_noise_sd > 0 or bool(steps.any() and p.level_step_sd > 0)
    fixed = None if noisy else build_simulation(p, start, end, rates)
    for rs in seeds:
        if fixed is None:
            sd = p.month_noise_sd
            eps = np.random.default_rng([int(rs), 15, 1]).standard_normal(int(midx[-1]) + 1)
            f = np.exp(sd * eps - sd * sd / 2)[midx]
            lv = level_walk(p.level_step_sd, steps, int(rs))[midx]
            sim = build_simulation(p, start, end, {g: rates[g] * f * (lv if g in AIR_GROUPS
                                                                      else 1.0)
                                                   for g in GROUPS})
        else:
            sim = fixed
        res = sim.run(seed=int(rs))
        rep = res.replicates[0]
        spawned = {g: res.at("spawned", _origin(g)).astype(np.int64) for g in GROUPS}
        cross = {s: np.zeros(n_days, dtype=np.int64) for s in SECTORS}
        appr = {s: np.zeros(n_days, dtype=np.int64) for s in SECTORS}
        by_group = {g: np.zeros(n_days, dtype=np.int64) for g in GROUPS}
        for g in GROUPS:
            for sec in SECTORS:
                c = res.at("crossings", _crossing(sec, g))
                a = res.at("intercepted", _crossing(sec, g))
                cross[sec] += c
                appr[sec] += a
                by_group[g] += a
        last = rep.states[-1]
        transit = int(last[A.TRAVELLING] + last[A.DECIDING])  # not yet at a crossing
        reached = int(last[A.SETTLED])
        all_appr = sum(appr.values())
        assert isinstance(all_appr, np.ndarray)
        rng = np.random.default_rng([int(rs), 15])
        returned = rng.binomial(all_appr, p.p_returned_to_canada).astype(np.int64)
        out.append(SouthboundDaily(spawned, cross, appr, by_group, returned, transit, reached))
    return out, {"southbound_imputed_driver_days": imputed}


def _northbound_col(columns: Sequence[tuple[str, str]], *names: tuple[str, str]) -> int | None:
    for n in names:
        if n in columns:
            return list(columns).index(n)
    return None


def monthly_rows(
    p: SouthboundSection,
    start: dt.date,
    end: dt.date,
    seeds: Sequence[int],
    northbound: npt.NDArray[np.float64] | None = None,
    northbound_columns: Sequence[tuple[str, str]] = (),
) -> tuple[pl.DataFrame, npt.NDArray[np.float64], list[tuple[str, str]], dict[str, Any]]:
    """Monthly southbound rows (month, series, geography, value, p05, p95, p25, p75) over the
    replicates ``seeds``, their replicate array ``[R, months, cols]``, its columns and manifest
    entries. ``northbound`` (the northbound replicate array ``[R, months, cols]`` with
    ``northbound_columns``) adds the northbound-implied southbound flows (returns to the US at
    ports; second thoughts)."""
    n_days = (end - start).days + 1
    month_labels, midx, _ = month_index(start, n_days)
    labels = list(month_labels)
    n_m = len(labels)
    daily, man = run_southbound(p, start, end, seeds)
    cols: list[tuple[str, str]] = []
    for sec in SECTORS:
        cols.append(("usbp_apprehensions", SECTOR_GEO[sec]))
    cols.append(("usbp_apprehensions", "US-NORTH"))
    for g in GROUPS:
        cols.append(("usbp_apprehensions_by_group", g))
    for sec in SECTORS:
        cols.append(("southbound_crossings", SECTOR_GEO[sec]))
    cols.append(("southbound_crossings", "US-NORTH"))
    for g in GROUPS:
        cols.append(("southbound_departures", g))
    cols.append(("returned_to_canada", "US-NORTH"))
    with_nb = northbound is not None
    if with_nb:
        cols += [("returned_to_us", "CA"), ("second_thoughts_to_us", "CA")]
    rep = np.zeros((len(seeds), n_m, len(cols)))

    def month(x: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        m = np.zeros(n_m)
        np.add.at(m, midx, x)
        return m

    states: dict[str, list[int]] = {"spawned": [], "apprehended": [], "reached_us": [],
                                    "in_transit_end": []}
    for r, d in enumerate(daily):
        k = 0
        for sec in SECTORS:
            rep[r, :, k] = month(d.apprehended[sec])
            k += 1
        rep[r, :, k] = rep[r, :, k - len(SECTORS):k].sum(axis=1)
        k += 1
        for g in GROUPS:
            rep[r, :, k] = month(d.apprehended_by_group[g])
            k += 1
        for sec in SECTORS:
            rep[r, :, k] = month(d.crossings[sec])
            k += 1
        rep[r, :, k] = rep[r, :, k - len(SECTORS):k].sum(axis=1)
        k += 1
        for g in GROUPS:
            rep[r, :, k] = month(d.spawned[g])
            k += 1
        rep[r, :, k] = month(d.returned_to_canada)
        k += 1
        if with_nb:
            assert northbound is not None
            nb = northbound[r]
            ret = [_northbound_col(northbound_columns, ("stca_returns", "CA")),
                   _northbound_col(northbound_columns, ("directed_back", "CA"))]
            rep[r, :, k] = sum((nb[:, i] for i in ret if i is not None), np.zeros(n_m))
            k += 1
            ci = _northbound_col(northbound_columns, ("claims_total", "CA"), ("claims", "total"))
            claims = nb[:, ci] if ci is not None else np.zeros(n_m)
            lag_m = round(p.second_thoughts_delay_days / 30.4)
            lagged = np.concatenate([np.zeros(lag_m), claims[: max(0, n_m - lag_m)]])[:n_m]
            rng = np.random.default_rng([int(seeds[r]), 15, 2])
            rep[r, :, k] = rng.binomial(lagged.astype(np.int64), p.p_second_thoughts)
            k += 1
        states["spawned"].append(int(sum(int(x.sum()) for x in d.spawned.values())))
        states["apprehended"].append(int(sum(int(x.sum()) for x in d.apprehended.values())))
        states["reached_us"].append(d.reached_us)
        states["in_transit_end"].append(d.in_transit_end)
    df = summary_frame(rep, labels, cols)
    man["southbound_final_states_per_replicate"] = states
    return df, rep, cols, man


def southbound_rows(
    scenario: str | ModelScenario = "historical",
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    *,
    seed: int = 1,
    replicates: int = 8,
    params: dict[str, Any] | None = None,
    train_end: str | None = None,
) -> pl.DataFrame:
    """The southbound monthly rows for any window (``roxham forecast`` calls this): scenario
    ``scenario``'s ``southbound`` parameters (``params`` overrides some of them, e.g. a
    posterior draw), months ``start..end`` (``YYYY-MM`` or dates; default: the scenario's
    period). Inside :func:`roxham.data.observed_until` the US driver holds its last figure
    before the cut-off. Seeds: ``replicate_seeds(seed, replicates)`` as the model's run.

    ``train_end`` (``YYYY-MM``) refits the fitted parameters on the figures up to that month
    first (:func:`roxham.models.canada_us.southbound_fit.fit_cached`): the shipped values are
    fitted on 2017-01..2024-02, so a forecast from an earlier origin must pass its origin."""
    from roxham.models.canada_us.model import replicate_seeds
    from roxham.models.canada_us.scenario import load_scenario

    s = load_scenario(scenario) if isinstance(scenario, str) else scenario
    p = s.southbound
    if train_end is not None:
        from roxham.models.canada_us.southbound_fit import fit_cached

        p = fit_cached(p, train_end)
    if params:
        p = SouthboundSection.model_validate({**p.model_dump(), **params})

    def as_date(x: dt.date | str | None, default: dt.date, last: bool) -> dt.date:
        if x is None:
            return default
        if isinstance(x, dt.date):
            return x
        y, m = int(x[:4]), int(x[5:7])
        if not last:
            return dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    a, b = as_date(start, s.start, False), as_date(end, s.end, True)
    df, _, _, _ = monthly_rows(p, a, b, replicate_seeds(seed, replicates))
    return df


#: The southbound series a forecast gives (series, geography).
FORECAST_SERIES: tuple[tuple[str, str], ...] = (
    ("usbp_apprehensions", "US-SWANTON"), ("usbp_apprehensions", "US-NORTH"),
    *(("southbound_crossings", g) for g in (*SECTOR_GEO.values(), "US-NORTH")),
)


def forecast_samples(
    origin: str, months: list[str], draws: int, seed: int,
) -> tuple[dict[tuple[str, str], npt.NDArray[np.float64]], dict[str, Any]]:
    """Southbound samples ``[draws, len(months)]`` of :data:`FORECAST_SERIES` for the months
    after ``origin`` (``roxham forecast``), with no figure after the origin: everything runs
    inside :func:`roxham.data.observed_until` ``(origin)`` (the US southwest driver holds its
    last figure by the origin), and the parameters are the shipped fit when the origin is
    its last month (``fitted_until`` of ``historical.yaml``), else a refit on
    2017-01..origin (:func:`~roxham.models.canada_us.southbound_fit.fit_cached`, kept on
    disk). Draw ``k`` is one engine replicate with its own seed (``replicate_seeds(seed,
    draws)`` on the stream ``[seed, 15]``), its own month noise and its own level
    discrepancy from the origin (:func:`level_walk`); the simulation starts three months
    before the first month (the 14 days in Canada are on the way at the start)."""
    from roxham.data import observed_until
    from roxham.models.canada_us.model import replicate_seeds
    from roxham.models.canada_us.scenario import load_scenario

    if not months:
        return {}, {}
    first, last = months[0], months[-1]
    y, m = int(first[:4]), int(first[5:7])
    k0 = y * 12 + m - 1 - 3
    start = dt.date(k0 // 12, k0 % 12 + 1, 1)
    y, m = int(last[:4]), int(last[5:7])
    end = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    with observed_until(origin):
        p = load_scenario("historical").southbound
        if origin != p.fitted_until:
            from roxham.models.canada_us.southbound_fit import fit_cached

            p = fit_cached(p, origin)
            how = f"refitted on USBP figures 2017-01..{origin} (southbound_fit.fit)"
        else:
            how = f"shipped fit on USBP figures 2017-01..{origin} (historical.yaml)"
        seeds = replicate_seeds(int(np.random.default_rng([seed, 15]).integers(2**31)), draws)
        _, rep, cols, man = monthly_rows(p, start, end, seeds)
    labels = list(month_index(start, (end - start).days + 1)[0])
    ix = [labels.index(mo) for mo in months]
    ci = {c: j for j, c in enumerate(cols)}
    out = {key: rep[:, ix, ci[key]] for key in FORECAST_SERIES}
    info = {"parameters": how, "train_end": origin,
            "draws": draws, "simulation_start": start.isoformat(),
            "bands": "p05..p95 over the draws: engine draws, the fitted month noise "
                     f"(sd {p.month_noise_sd:.3f} on the log scale) and the level discrepancy "
                     f"after {p.fitted_until} (a random walk, step sd {p.level_step_sd:.3f} a "
                     "month, mean kept); parameters fixed",
            "imputed_driver_days": man.get("southbound_imputed_driver_days", 0)}
    return out, info
