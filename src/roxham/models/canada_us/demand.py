"""Demand: daily expected inflows of each cohort stream.

Three kinds of **streams** spawn agents:

- ``land`` (one per US origin × nationality): people in the US deciding whether and where to
  go north over land. Expected count per day::

      base[origin] × driver(t) × season(t) × Π shocks(t, origin, nationality) × share[nat]

  ``driver(t) = (1 − w) + w × SW(t − lag) / SW_ref`` with ``SW`` the US Border Patrol
  southwest-border apprehensions of the month (CBP, through ``roxham.data.monthly
  ("usbp_encounters", "US-SW")``; a month's figure applies to each of its days; months with
  no figure hold the last known one and are counted in ``imputed_days``) and ``SW_ref`` their
  2017-2018 mean. ``season(t) = 1 + A cos(2π (doy − peak) / 365.25)``.
- ``air`` (per nationality): claims at airports; ``inland`` (per nationality): claims at inland
  offices by people admitted earlier. Expected count per day = the year's intensity / days in
  the year × nationality share × visa gate, where the gate is ``air_visa_gate`` when the
  nationality needs a Canadian visa that day but did not on 2020-01-01 (and its inverse for
  the opposite change). This is how the 2024-02-29 Mexico visa acts.

>>> season = seasonality(np.array([190, 10]), 0.2, 190)
>>> [round(float(x), 3) for x in season]
[1.2, 0.8]
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.models.canada_us.cohorts import (
    NATIONALITIES,
    VISA_CHANGE_DATES,
    Profile,
    profile_weights,
    visa_req_ca,
)
from roxham.models.canada_us.geography import ORIGINS
from roxham.models.canada_us.scenario import ModelScenario, Shock

__all__ = [
    "KIND_AIR",
    "KIND_INLAND",
    "KIND_LAND",
    "Demand",
    "build_demand",
    "seasonality",
    "shock_factor",
    "sw_driver",
]

KIND_LAND = 0
KIND_AIR = 1
KIND_INLAND = 2
_VISA_REF = dt.date(2020, 1, 1)


@dataclass
class Demand:
    """Stream rates and metadata for the simulation."""

    rates: npt.NDArray[np.float64]  # [n_days, n_streams] expected agents per day
    kind: npt.NDArray[np.int32]  # [n_streams]
    origin: npt.NDArray[np.int32]  # [n_streams] index into ORIGINS, -1 for air/inland
    nat: list[str]
    profile_cdf: npt.NDArray[np.float64]  # [n_streams, n_profiles]
    nyc_ticket_utility: npt.NDArray[np.float64]  # [n_days] utility bonus via Plattsburgh
    driver: npt.NDArray[np.float64]  # [n_days]
    sw_daily: npt.NDArray[np.float64]  # [n_days] SW apprehensions per day (for the report)
    imputed_days: int = 0
    names: list[str] = field(default_factory=list)


def seasonality(doy: npt.NDArray[np.int64], amplitude: float, peak: int) -> npt.NDArray[np.float64]:
    """Winter-trough seasonal factor by day of year."""
    return 1.0 + amplitude * np.cos(2 * np.pi * (doy - peak) / 365.25)


def shock_factor(days: list[dt.date], shock: Shock) -> npt.NDArray[np.float64]:
    """Multiplier of one shock on each day (1 outside; linear ramps at both ends).

    >>> s = Shock(name="x", start=dt.date(2020, 1, 3), end=dt.date(2020, 1, 5), multiplier=3.0)
    >>> shock_factor([dt.date(2020, 1, d) for d in range(1, 7)], s).tolist()
    [1.0, 1.0, 3.0, 3.0, 1.0, 1.0]
    """
    out = np.ones(len(days))
    for i, d in enumerate(days):
        if shock.start <= d < shock.end:
            r = 1.0
            if shock.ramp_days > 0:
                a = (d - shock.start).days + 1
                b = (shock.end - d).days
                r = min(1.0, a / shock.ramp_days, b / shock.ramp_days)
            out[i] = 1.0 + (shock.multiplier - 1.0) * r
    return out


def sw_driver(
    days: list[dt.date], lag_days: int
) -> tuple[npt.NDArray[np.float64], float, int]:
    """SW apprehensions per day on ``day − lag`` (``roxham.data.daily_drivers`` column
    ``usbp_sw``: the month's figure / days in the month), their 2017-2018 mean per day, and
    the number of days that used a held value (a missing month holds the last known one)."""
    from roxham.data import daily_drivers

    first = days[0] - dt.timedelta(days=lag_days)
    lo = min(first, dt.date(2017, 1, 1))
    hi = max(days[-1], dt.date(2018, 12, 31))
    df = daily_drivers(lo, hi).select("date", "usbp_sw")
    dates = df.get_column("date").to_list()
    vals = df.get_column("usbp_sw").to_list()
    known = [v for v in vals if v is not None]
    if not known:
        raise RuntimeError("no US southwest apprehension figures in roxham.data")
    ref = [v for d, v in zip(dates, vals, strict=True)
           if v is not None and d.year in (2017, 2018)]
    ref_day = float(np.mean(ref)) if ref else float(np.mean(known))
    # hold the last known value forward (and the first one backward)
    held: list[float] = []
    last = next(v for v in vals if v is not None)
    for v in vals:
        if v is not None:
            last = v
        held.append(float(last))
    index = {d: i for i, d in enumerate(dates)}
    out = np.empty(len(days))
    imputed = 0
    for i, day in enumerate(days):
        j = index[day - dt.timedelta(days=lag_days)]
        out[i] = held[j]
        imputed += vals[j] is None
    return out, ref_day, imputed


_SW_CACHE: dict[tuple[dt.date, int, int], tuple[npt.NDArray[np.float64], float, int]] = {}


def _sw_driver_cached(
    start: dt.date, n_days: int, lag_days: int
) -> tuple[npt.NDArray[np.float64], float, int]:
    """:func:`sw_driver` of ``n_days`` days from ``start``, remembered (the data do not change
    during a process; calibration builds the same period many times). Returns a copy."""
    key = (start, n_days, lag_days)
    hit = _SW_CACHE.get(key)
    if hit is None:
        days = [start + dt.timedelta(days=i) for i in range(n_days)]
        hit = sw_driver(days, lag_days)
        if len(_SW_CACHE) >= 16:
            _SW_CACHE.clear()
        _SW_CACHE[key] = hit
    return hit[0].copy(), hit[1], hit[2]


def _visa_gate(nat: str, day: dt.date, gate: float) -> float:
    now, ref = visa_req_ca(nat, day), visa_req_ca(nat, _VISA_REF)
    if now and not ref:
        return gate
    if ref and not now and gate > 0:
        return 1.0 / gate
    return 1.0


#: profile CDF of a nationality per (profiles, cohorts section) (speed14: calibration)
_CDF_CACHE: dict[Any, tuple[list[Profile], npt.NDArray[np.float64]]] = {}


def build_demand(s: ModelScenario, profiles: list[Profile]) -> Demand:
    """Daily expected inflows of every stream under scenario ``s``."""
    days = [s.start + dt.timedelta(days=i) for i in range(s.n_days)]
    n = len(days)
    doy = np.array([d.timetuple().tm_yday for d in days])
    dem = s.demand
    season = seasonality(doy, dem.seasonality_amplitude, dem.seasonality_peak_doy)
    sw, sw_ref, imputed = _sw_driver_cached(days[0], n, dem.sw_lag_days)
    driver = (1.0 - dem.sw_weight) + dem.sw_weight * sw / sw_ref
    shocks = [(sh, shock_factor(days, sh)) for sh in dem.shocks]
    if dem.nyc_tickets is not None:
        shocks.append((dem.nyc_tickets, shock_factor(days, dem.nyc_tickets)))
        ticket_on = np.array([dem.nyc_tickets.start <= d < dem.nyc_tickets.end for d in days])
        nyc_u = np.where(ticket_on, dem.nyc_ticket_utility, 0.0)
    else:
        nyc_u = np.zeros(n)
    for o in dem.land_base_per_day:
        if o not in ORIGINS:
            from roxham.errors import UserError

            raise UserError(f"demand.land_base_per_day: unknown origin {o!r}; known: {ORIGINS}")
    c = s.cohorts
    for key, mix in (("land", c.land_nationality), ("air", c.air_nationality),
                     ("inland", c.inland_nationality)):
        bad = [k for k in mix if k not in NATIONALITIES]
        if bad:
            from roxham.errors import UserError

            raise UserError(
                f"cohorts.{key}_nationality: unknown nationality {bad[0]!r}; "
                f"known: {', '.join(NATIONALITIES)}"
            )

    rates: list[npt.NDArray[np.float64]] = []
    kinds: list[int] = []
    origins: list[int] = []
    nats: list[str] = []
    cdfs: list[npt.NDArray[np.float64]] = []
    names: list[str] = []

    cohorts_key = (id(profiles), c.model_dump_json())

    def cdf_for(nat: str) -> npt.NDArray[np.float64]:
        # the same profiles and cohort shares in every calibration draw: computed once
        hit = _CDF_CACHE.get((cohorts_key, nat))
        if hit is not None and hit[0] is profiles:
            return hit[1]
        w = profile_weights(profiles, {nat: 1.0}, c.family, c.p_unaccompanied_minor, c.p_trv)
        cdf = np.cumsum(w)
        cdf = cdf / cdf[-1]
        if len(_CDF_CACHE) >= 256:
            _CDF_CACHE.clear()
        _CDF_CACHE[(cohorts_key, nat)] = (profiles, cdf)  # holds profiles: the id stays theirs
        return cdf

    land_total = sum(c.land_nationality.values())
    for oi, o in enumerate(ORIGINS):
        base = dem.land_base_per_day.get(o, 0.0)
        if base <= 0:
            continue
        for nat, share in c.land_nationality.items():
            if share <= 0:
                continue
            r = base * driver * season * (share / land_total)
            for sh, f in shocks:
                if (not sh.origins or o in sh.origins) and (
                    not sh.nationalities or nat in sh.nationalities
                ):
                    r = r * f
            rates.append(r)
            kinds.append(KIND_LAND)
            origins.append(oi)
            nats.append(nat)
            cdfs.append(cdf_for(nat))
            names.append(f"land:{o}:{nat}")

    years = np.array([d.year for d in days])
    ydays = np.array([366 if (d.year % 4 == 0 and d.year % 100 != 0) or d.year % 400 == 0
                      else 365 for d in days])
    uyears, year_of_day = np.unique(years, return_inverse=True)
    # the visa facts change only on VISA_CHANGE_DATES: one gate value per stretch between them
    cuts = [0, *sorted({(c - days[0]).days for c in VISA_CHANGE_DATES
                        if days[0] < c <= days[-1]}), n]
    for kind, per_year, mix, label in (
        (KIND_AIR, dem.air_claims_per_year, c.air_nationality, "air"),
        (KIND_INLAND, dem.inland_claims_per_year, c.inland_nationality, "inland"),
    ):
        known_years = sorted(per_year)
        per_uyear = np.array(
            [per_year.get(int(y), per_year[min(known_years, key=lambda k: abs(k - int(y)))])
             for y in uyears],
            dtype=float,
        )
        yearly = per_uyear[year_of_day]
        total = sum(mix.values())
        for nat, share in mix.items():
            if share <= 0:
                continue
            gate = np.empty(n)
            for a, b in itertools.pairwise(cuts):
                gate[a:b] = _visa_gate(nat, days[a], dem.air_visa_gate)
            rates.append(yearly / ydays * (share / total) * gate)
            kinds.append(kind)
            origins.append(-1)
            nats.append(nat)
            cdfs.append(cdf_for(nat))
            names.append(f"{label}:{nat}")

    return Demand(
        rates=np.ascontiguousarray(np.stack(rates, axis=1)),
        kind=np.asarray(kinds, dtype=np.int32),
        origin=np.asarray(origins, dtype=np.int32),
        nat=nats,
        profile_cdf=np.ascontiguousarray(np.stack(cdfs)),
        nyc_ticket_utility=nyc_u,
        driver=driver,
        sw_daily=sw,
        imputed_days=imputed,
        names=names,
    )
