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
  the opposite change). This is how the 2024-02-29 Mexico visa acts. The statistical streams
  also carry the **COVID-19 travel gate** (:func:`covid_gate`): a day under the travel
  restrictions of :func:`roxham.law.order` (``COVID_ENTRY_PROHIBITION``,
  ``COVID_US_BORDER_RESTRICTION``, eased by ``COVID_VACCINATED_EASING``) gets the share
  ``covid_gate_{air,inland}`` (prohibition) or ``covid_gate_{air,inland}_eased`` (eased) of the
  claims possible without them (A), divided by the same share at the forecast's origin (a
  forecast from inside the restrictions already carries them, as for the visa gate).

>>> season = seasonality(np.array([190, 10]), 0.2, 190)
>>> [round(float(x), 3) for x in season]
[1.2, 0.8]
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham import law
from roxham.models.canada_us.cohorts import (
    NATIONALITIES,
    VISA_CHANGE_DATES,
    Profile,
    profile_weights,
    visa_req_ca,
)
from roxham.models.canada_us.geography import ORIGINS
from roxham.models.canada_us.scenario import DemandSection, ModelScenario, Shock

__all__ = [
    "KIND_AIR",
    "KIND_INLAND",
    "KIND_LAND",
    "Demand",
    "build_demand",
    "covid_gate",
    "covid_phases",
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
    #: extra land deciders a day from the US push stream (all origins and nationalities)
    push_daily: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    #: statistical stream → per month of the run, the origin its figure was forecast from
    #: (``None``: observed, up to the origin)
    stat_origin: dict[str, list[str | None]] = field(default_factory=dict)


def seasonality(doy: npt.NDArray[np.int64], amplitude: float, peak: int) -> npt.NDArray[np.float64]:
    """Winter-trough seasonal factor by day of year."""
    return 1.0 + amplitude * np.cos(2 * np.pi * (doy - peak) / 365.25)


def shock_factor(days: list[dt.date], shock: Shock) -> npt.NDArray[np.float64]:
    """Multiplier of one shock on each day (1 outside; linear ramps at both ends).

    >>> s = Shock(name="x", start=dt.date(2020, 1, 3), end=dt.date(2020, 1, 5), multiplier=3.0)
    >>> shock_factor([dt.date(2020, 1, d) for d in range(1, 7)], s).tolist()
    [1.0, 1.0, 3.0, 3.0, 1.0, 1.0]
    """
    ords = np.fromiter((d.toordinal() for d in days), dtype=np.int64, count=len(days))
    return _shock_factor_ord(ords, shock)


def _shock_factor_ord(ords: npt.NDArray[np.int64], shock: Shock) -> npt.NDArray[np.float64]:
    """:func:`shock_factor` on days given as ordinals (the same floating-point operations,
    element by element, as the day-by-day rule)."""
    s0, s1 = shock.start.toordinal(), shock.end.toordinal()
    inside = (ords >= s0) & (ords < s1)
    out = np.ones(len(ords))
    r: float | npt.NDArray[np.float64] = 1.0
    if shock.ramp_days > 0:
        a = (ords[inside] - s0 + 1) / shock.ramp_days
        b = (s1 - ords[inside]) / shock.ramp_days
        r = np.minimum(np.minimum(1.0, a), b)
    out[inside] = 1.0 + (shock.multiplier - 1.0) * r
    return out


def us_path(
    known: npt.NDArray[np.float64], months_after: npt.NDArray[np.float64], scenario: str,
    shift: float = 0.0,
) -> npt.NDArray[np.float64]:
    """The US driver ``months_after`` months beyond its latest figure, from the known monthly
    values (oldest first): ``flat`` holds the latest, ``trend`` continues the log-linear
    trend of the last 12 known months (at most ±5 % a month), ``surge`` rises linearly to
    twice the latest over 6 months (A); ``shift`` multiplies by ``exp(shift)`` reached
    linearly over 12 months (the forecast's driver draws).

    >>> us_path(np.array([100.0, 100.0]), np.array([0.0, 3.0, 12.0]), "surge").tolist()
    [100.0, 150.0, 200.0]
    """
    last = float(known[-1])
    k = np.maximum(months_after, 0.0)
    if scenario == "flat":
        out = np.full(k.shape, last)
    elif scenario == "trend":
        tail = np.log(np.maximum(known[-12:], 1.0))
        g = float(np.polyfit(np.arange(tail.size), tail, 1)[0]) if tail.size >= 3 else 0.0
        g = min(max(g, -0.05), 0.05)
        out = last * np.exp(g * k)
    elif scenario == "surge":
        out = last * (1.0 + np.minimum(k / 6.0, 1.0))
    else:
        from roxham.errors import UserError

        raise UserError(f"unknown US scenario {scenario!r}; known: {', '.join(US_SCENARIOS)}")
    result: npt.NDArray[np.float64] = out * np.exp(shift * np.minimum(k / 12.0, 1.0))
    return result


_DD_CACHE: dict[tuple[object, ...], Any] = {}

#: The named US driver paths beyond the latest data (``--us-scenario``).
US_SCENARIOS: tuple[str, ...] = ("flat", "trend", "surge")


def sw_driver(
    days: list[dt.date], lag_days: int, scenario: str = "flat", shift: float = 0.0
) -> tuple[npt.NDArray[np.float64], float, int]:
    """SW apprehensions per day on ``day − lag`` (``roxham.data.daily_drivers`` column
    ``usbp_sw``: the month's figure / days in the month), their 2017-2018 mean per day, and
    the number of days beyond the data. A month missing inside the data holds the last known
    figure; days after the latest figure follow the US path ``scenario`` (:func:`us_path`).
    Under :func:`roxham.data.observed_until` the latest figure is the cut-off's."""
    from roxham.data import daily_drivers

    first = days[0] - dt.timedelta(days=lag_days)
    lo = min(first, dt.date(2017, 1, 1))
    hi = max(days[-1], dt.date(2018, 12, 31))
    from roxham.data import current_cutoff

    key = (lo, hi, current_cutoff())
    df = _DD_CACHE.get(key)
    if df is None:
        df = daily_drivers(lo, hi).select("date", "usbp_sw")
        if len(_DD_CACHE) >= 16:
            _DD_CACHE.clear()
        _DD_CACHE[key] = df
    dates = df.get_column("date").to_list()
    vals = df.get_column("usbp_sw").to_list()
    known = [v for v in vals if v is not None]
    if not known:
        raise RuntimeError("no US southwest apprehension figures in roxham.data")
    ref = [v for d, v in zip(dates, vals, strict=True)
           if v is not None and d.year in (2017, 2018)]
    ref_day = float(np.mean(ref)) if ref else float(np.mean(known))
    last_i = max(i for i, v in enumerate(vals) if v is not None)
    # known monthly levels (per day), one per month, for the path beyond the data
    monthly_known: list[float] = []
    for i, v in enumerate(vals[: last_i + 1]):
        if v is not None and (i == 0 or dates[i].month != dates[i - 1].month):
            monthly_known.append(float(v))
    held: list[float] = []
    last = next(v for v in vals if v is not None)
    for v in vals[: last_i + 1]:
        if v is not None:
            last = v
        held.append(float(last))
    beyond = np.array([(dates[i] - dates[last_i]).days / 30.4375
                       for i in range(last_i + 1, len(dates))])
    if beyond.size:
        held.extend(us_path(np.asarray(monthly_known), beyond, scenario, shift).tolist())
    index = {d: i for i, d in enumerate(dates)}
    out = np.empty(len(days))
    imputed = 0
    for i, day in enumerate(days):
        j = index[day - dt.timedelta(days=lag_days)]
        out[i] = held[j]
        imputed += vals[j] is None
    return out, ref_day, imputed


_SW_CACHE: dict[tuple[object, ...], tuple[npt.NDArray[np.float64], float, int]] = {}


def _sw_driver_cached(
    start: dt.date, n_days: int, lag_days: int, scenario: str = "flat", shift: float = 0.0
) -> tuple[npt.NDArray[np.float64], float, int]:
    """:func:`sw_driver` of ``n_days`` days from ``start``, remembered per data cut-off (the
    data do not change during a process; calibration builds the same period many times).
    Returns a copy."""
    from roxham.data import current_cutoff

    key = (start, n_days, lag_days, scenario, shift, current_cutoff())
    hit = _SW_CACHE.get(key)
    if hit is None:
        days = [start + dt.timedelta(days=i) for i in range(n_days)]
        hit = sw_driver(days, lag_days, scenario, shift)
        if len(_SW_CACHE) >= 64:
            _SW_CACHE.clear()
        _SW_CACHE[key] = hit
    return hit[0].copy(), hit[1], hit[2]


#: The statistical streams: model stream → IRCC monthly series (claims by office type, CA).
STATISTICAL_STREAMS: dict[str, str] = {
    "air": "IRCC monthly airport claims, CA (asylum_claims_by_office, office=airport)",
    "inland": "IRCC monthly inland-office claims, CA (asylum_claims_by_office, office=inland), "
              "less Quebec RCMP interceptions in 2017 (IRCC counted them as inland that year)",
}
#: Sample paths kept per statistical forecast (``air_inland_sample`` is taken modulo this).
N_STAT_SAMPLES = 200
#: First month of the statistical streams' training data (IRCC's monthly table starts here).
STAT_FIRST_MONTH = "2015-01"


def observed_stream(kind: str, last: str) -> tuple[list[str], npt.NDArray[np.float64]]:
    """Monthly observed claims of statistical stream ``kind`` (``air`` or ``inland``) from
    2015-01 to ``last`` (``YYYY-MM``), NaN where no figure (read through :mod:`roxham.data`,
    so an active :func:`roxham.data.observed_until` applies)."""
    from roxham.data import current_cutoff, monthly
    from roxham.data.load import resolve_data_dir

    office = {"air": "airport", "inland": "inland"}[kind]
    if last < STAT_FIRST_MONTH:
        return [], np.zeros(0)
    root = resolve_data_dir()
    key = (kind, last, current_cutoff(), str(root), _data_signature(root))
    hit = _OBS_CACHE.get(key)
    if hit is not None:
        return list(hit[0]), hit[1].copy()
    m = monthly("asylum_claims_by_office", "CA", STAT_FIRST_MONTH, last,
                subgroup=f"office={office}")
    labels = [d.strftime("%Y-%m") for d in m.get_column("month").to_list()]
    vals = np.array([np.nan if v is None else float(v) for v in m.get_column("value")])
    if kind == "inland":
        q = monthly("rcmp_interceptions", "QC", STAT_FIRST_MONTH, last)
        rc = {d.strftime("%Y-%m"): v for d, v in zip(q.get_column("month").to_list(),
                                                     q.get_column("value").to_list(),
                                                     strict=True)}
        for i, lab in enumerate(labels):
            if lab[:4] == "2017" and rc.get(lab) is not None and not np.isnan(vals[i]):
                vals[i] = max(vals[i] - float(rc[lab]), 0.0)
    if len(_OBS_CACHE) >= 64:
        _OBS_CACHE.clear()
    _OBS_CACHE[key] = (list(labels), vals.copy())
    return labels, vals


_OBS_CACHE: dict[tuple[object, ...], tuple[list[str], npt.NDArray[np.float64]]] = {}


def _data_signature(root: object) -> object:
    """What the data read depends on (raw files and imported workbooks; see roxham.data)."""
    from pathlib import Path

    from roxham.data.load import _signature, _store_signature

    return (_signature(Path(str(root))), _store_signature())


_STAT_CACHE: dict[tuple[object, ...], object] = {}


def stream_forecast(kind: str, origin: str, h: int) -> tuple[object, npt.NDArray[np.float64]]:
    """Statistical forecast (:func:`roxham.statforecast.forecast`, AutoETS, season 12, on
    ``log1p``) of stream ``kind`` for the ``h`` months after ``origin``, fitted only on data up
    to ``origin`` (read inside :func:`roxham.data.observed_until`). Returns the
    :class:`~roxham.statforecast.StatForecast` and the history used. Remembered per history."""
    from roxham import statforecast
    from roxham.data import observed_until

    with observed_until(origin):
        _, hist = observed_stream(kind, origin)
    key = (kind, h, hist.tobytes())
    hit = _STAT_CACHE.get(key)
    if hit is None:
        seed = {"air": 11, "inland": 12}[kind]
        hit = _forecast_on_disk(hist, h, seed)
        if hit is None:
            hit = statforecast.forecast(hist, h, n_samples=N_STAT_SAMPLES, seed=seed)
            _save_forecast(hist, h, seed, hit)
        if len(_STAT_CACHE) >= 64:
            _STAT_CACHE.clear()
        _STAT_CACHE[key] = hit
    return hit, hist


def _forecast_key(hist: npt.NDArray[np.float64], h: int, seed: int) -> str:
    """Disk-cache name of a statistical forecast: the history, horizon, samples, seed, the
    wrapper's source and the fitting libraries' versions (:mod:`roxham.diskcache`)."""
    from importlib.metadata import PackageNotFoundError, version

    from roxham.diskcache import content_key, source_digest

    try:
        lib = version("statsforecast")
    except PackageNotFoundError:
        lib = "none"
    return content_key("stream_forecast", hist.dtype.str, hist.tobytes(), h, N_STAT_SAMPLES,
                       seed, source_digest("statforecast.py"), lib, np.__version__)


def _forecast_on_disk(hist: npt.NDArray[np.float64], h: int, seed: int) -> object | None:
    """The forecast saved by an earlier process for the same inputs (``<cache_dir>/streams``),
    or None."""
    from roxham import diskcache
    from roxham.statforecast import StatForecast

    got = diskcache.load("streams", _forecast_key(hist, h, seed))
    if got is None:
        return None
    arr, meta = got
    try:
        return StatForecast(arr["point"], arr["mu"], arr["sigma"], arr["samples"],
                            str(meta["method"]), int(meta["n_obs"]), int(meta["n_filled"]),
                            [str(x) for x in meta["notes"]])
    except KeyError:
        return None


def _save_forecast(hist: npt.NDArray[np.float64], h: int, seed: int, f: object) -> None:
    from roxham import diskcache
    from roxham.statforecast import StatForecast

    assert isinstance(f, StatForecast)
    diskcache.save("streams", _forecast_key(hist, h, seed),
                   {"point": f.point, "mu": f.mu, "sigma": f.sigma, "samples": f.samples},
                   {"method": f.method, "n_obs": f.n_obs, "n_filled": f.n_filled,
                    "notes": list(f.notes)})


def _month_add(month: str, k: int) -> str:
    y, m = int(month[:4]), int(month[5:7])
    t = y * 12 + (m - 1) + k
    return f"{t // 12:04d}-{t % 12 + 1:02d}"


def _month_diff(a: str, b: str) -> int:
    """Months from ``b`` to ``a``."""
    return (int(a[:4]) * 12 + int(a[5:7])) - (int(b[:4]) * 12 + int(b[5:7]))


def statistical_monthly(
    kind: str, months: list[str], origin: str | None, sample: int | None
) -> tuple[npt.NDArray[np.float64], list[str | None]]:
    """Expected claims of stream ``kind`` in each month of ``months`` and, per month, the
    origin its figure was forecast from (``None``: observed, a month up to ``origin``).

    ``origin`` ``None`` = rolling: each calendar year forecast from data up to December of
    the year before. Otherwise months up to ``origin`` are the observed figures (a missing
    one: the forecast's level) and later months the forecast from ``origin``. ``sample``
    picks a sample path (``None``: the median)."""
    out = np.empty(len(months))
    origins: list[str | None] = []
    if origin is None:
        groups: dict[str, list[int]] = {}
        for i, mo in enumerate(months):
            groups.setdefault(_rolling_origin(mo), []).append(i)
        for org, idx in groups.items():
            f, _ = stream_forecast(kind, org, 12)
            vals = _pick(f, sample)
            for i in idx:
                out[i] = vals[_month_diff(months[i], org) - 1]
        return out, [_rolling_origin(mo) for mo in months]
    h = max(1, max((_month_diff(mo, origin) for mo in months), default=1))
    f, _ = stream_forecast(kind, origin, h)
    vals = _pick(f, sample)
    from roxham.data import observed_until

    with observed_until(origin):
        labels, obs = observed_stream(kind, origin)
    seen = dict(zip(labels, obs.tolist(), strict=True))
    level = float(np.nanmean(obs[-3:])) if obs.size and np.isfinite(obs[-3:]).any() else 0.0
    for i, mo in enumerate(months):
        k = _month_diff(mo, origin)
        if k <= 0:
            v = seen.get(mo, float("nan"))
            out[i] = level if v is None or not np.isfinite(v) else v
            origins.append(None)
        else:
            out[i] = vals[k - 1]
            origins.append(origin)
    return out, origins


def _rolling_origin(month: str) -> str:
    return f"{int(month[:4]) - 1:04d}-12"


def _pick(f: object, sample: int | None) -> npt.NDArray[np.float64]:
    from roxham.statforecast import StatForecast

    assert isinstance(f, StatForecast)
    if sample is None:
        return f.point
    out: npt.NDArray[np.float64] = f.samples[sample % f.samples.shape[0]]
    return out


#: The COVID-19 travel restrictions (``roxham.law`` orders): a day under any of them is in
#: phase 1 (prohibition), in phase 2 once the easing for vaccinated travellers is in force too.
#: The easing for US citizens and residents (``COVID_VACCINATED_US_EASING``) is not used:
#: claimants are foreign nationals of other countries.
COVID_RESTRICTIONS: tuple[str, ...] = ("COVID_ENTRY_PROHIBITION", "COVID_US_BORDER_RESTRICTION")
COVID_EASING = "COVID_VACCINATED_EASING"


def covid_phases(days: Sequence[dt.date]) -> npt.NDArray[np.int8]:
    """Phase of the COVID-19 travel restrictions on each day: 0 none in force, 1 entry
    prohibited, 2 eased for fully vaccinated travellers (dates: :data:`COVID_RESTRICTIONS`
    and :data:`COVID_EASING` of :func:`roxham.law.order`)."""
    day = np.fromiter((d.toordinal() for d in days), dtype=np.int64, count=len(days))
    out = np.zeros(len(days), dtype=np.int8)
    for key in COVID_RESTRICTIONS:
        o = law.order(key)
        out[(day >= o.start.toordinal()) & (day < o.end.toordinal())] = 1
    e = law.order(COVID_EASING)
    out[(out > 0) & (day >= e.start.toordinal()) & (day < e.end.toordinal())] = 2
    return out


def covid_gate(dem: DemandSection, kind: str, days: Sequence[dt.date],
               ref: Sequence[dt.date | None]) -> npt.NDArray[np.float64]:
    """Multiplier of statistical stream ``kind`` (``air``/``inland``) on each of ``days``:
    the share of claims possible under that day's COVID-19 restriction phase
    (:func:`covid_phases`; ``demand.covid_gate_{kind}`` during the prohibition,
    ``covid_gate_{kind}_eased`` once eased, 1 without restriction) divided by the share on
    the day ``ref`` its forecast was made from (``None``: an observed month, multiplier 1).
    All ones when ``demand.covid_travel_gate`` is off."""
    if not dem.covid_travel_gate or not days:
        return np.ones(len(days))
    return _covid_ratio(dem, kind, covid_phases(days), _ref_phases(ref))


def _ref_phases(ref: Sequence[dt.date | None]) -> npt.NDArray[np.int64]:
    """:func:`covid_phases` of each reference day, −1 for ``None`` (an observed month); each
    distinct day computed once."""
    refs = sorted({r for r in ref if r is not None})
    ph = dict(zip(refs, covid_phases(refs).tolist(), strict=True)) if refs else {}
    return np.array([-1 if r is None else ph[r] for r in ref], dtype=np.int64)


def _covid_ratio(dem: DemandSection, kind: str, day_phase: npt.NDArray[Any],
                 ref_phase: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The rule of :func:`covid_gate` on phases: the share of the day's phase over the share
    of the reference's (the day's own for a reference of −1: multiplier 1)."""
    n = len(day_phase)
    if not dem.covid_travel_gate or n == 0:
        return np.ones(n)
    share = np.array([1.0, getattr(dem, f"covid_gate_{kind}"),
                      getattr(dem, f"covid_gate_{kind}_eased")])
    at_day = share[day_phase]
    den = np.where(ref_phase < 0, at_day, share[np.maximum(ref_phase, 0)])
    out: npt.NDArray[np.float64] = at_day / den
    return out


def push_response(s: ModelScenario) -> tuple[npt.NDArray[np.float64], float]:
    """Response of the land flow to a US status loss, fitted on the historical episode
    ``demand.push_fit`` (the 2017 Haitian TPS announcement): the excess deciders a day
    carried by its shocks in the (calibrated) scenario, ``base[origin] × share × (Π
    multipliers − 1)``, from the announcement on. Returns the daily profile (sums to 1) and
    the yield (excess deciders per person affected). ``(empty, 0)`` without a fit."""
    dem = s.demand
    fit = dem.push_fit
    if fit is None:
        return np.zeros(0), 0.0
    shocks = [sh for sh in dem.shocks if sh.name in fit.shocks]
    if not shocks:  # the scenario removed the episode: nothing to fit the response on
        return np.zeros(0), 0.0
    end = max(sh.end for sh in shocks)
    days = [fit.date + dt.timedelta(days=i) for i in range((end - fit.date).days)]
    c = s.cohorts
    land_total = sum(c.land_nationality.values())
    excess = np.zeros(len(days))
    for o, base in dem.land_base_per_day.items():
        for nat, share in c.land_nationality.items():
            mult = np.ones(len(days))
            hit = False
            for sh in shocks:
                if (not sh.origins or o in sh.origins) and (
                        not sh.nationalities or nat in sh.nationalities):
                    mult = mult * shock_factor(days, sh)
                    hit = True
            if hit:
                excess += base * (share / land_total) * (mult - 1.0)
    total = float(excess.sum())
    if total <= 0:
        return np.zeros(len(days)), 0.0
    return excess / total, total / fit.people


def push_rates(s: ModelScenario, days: list[dt.date]
               ) -> dict[tuple[str, str], npt.NDArray[np.float64]]:
    """Extra deciders a day per (origin, nationality) from ``demand.push_events``: people ×
    weight × nationality share × yield × ``push_scale``, spread with the fitted profile from
    each event's date (:func:`push_response`)."""
    kernel, yld = push_response(s)
    out: dict[tuple[str, str], npt.NDArray[np.float64]] = {}
    if yld <= 0 or not s.demand.push_events:
        return out
    n = len(days)
    d0 = days[0]
    for ev in s.demand.push_events:
        size = ev.people * ev.weight * yld * s.demand.push_scale
        off = (ev.date - d0).days
        prof = np.zeros(n)
        for k in range(kernel.size):
            j = off + k
            if 0 <= j < n:
                prof[j] += kernel[k]
        if not prof.any():
            continue
        tot_share = sum(ev.nationalities.values()) or 1.0
        for o in ev.origins:
            for nat, sh in ev.nationalities.items():
                add = prof * size * sh / len(ev.origins)
                if tot_share > 1.0:
                    add = add / tot_share
                out[(o, nat)] = out.get((o, nat), np.zeros(n)) + add
    return out


def _visa_gate(nat: str, day: dt.date, gate: float, ref: dt.date = _VISA_REF) -> float:
    now, then = visa_req_ca(nat, day), visa_req_ca(nat, ref)
    if now and not then:
        return gate
    if then and not now and gate > 0:
        return 1.0 / gate
    return 1.0


#: profile CDF of a nationality per (profiles, cohorts section) (speed14: calibration)
_CDF_CACHE: dict[Any, tuple[list[Profile], npt.NDArray[np.float64]]] = {}


def _frozen(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class _Calendar:
    """The days of a run and what :func:`build_demand` derives from their dates alone (the
    same in every draw of a calibration: built once per period, :func:`_calendar`). Arrays are
    read-only."""

    days: tuple[dt.date, ...]
    ords: npt.NDArray[np.int64]  # [day] date ordinals
    doy: npt.NDArray[np.int64]  # [day] day of year
    month_of_day: tuple[str, ...]  # [day] YYYY-MM
    months: tuple[str, ...]  # the run's months in order
    mindex: dict[str, int]  # month → its index in months
    midx: npt.NDArray[np.int64]  # [day] index of its month
    full_days: npt.NDArray[np.float64]  # [month] days in the calendar month
    cuts: tuple[int, ...]  # stretches between the visa facts' change dates
    covid: npt.NDArray[np.int8]  # [day] covid_phases


@functools.lru_cache(maxsize=8)
def _calendar(start: dt.date, n: int) -> _Calendar:
    """:class:`_Calendar` of the ``n`` days from ``start`` (the law's dates are fixed for a
    process: they come from the package's law data)."""
    days = tuple(start + dt.timedelta(days=i) for i in range(n))
    month_of_day = tuple(f"{d.year:04d}-{d.month:02d}" for d in days)
    months = tuple(sorted(set(month_of_day)))
    mindex = {m: i for i, m in enumerate(months)}
    cuts = (0, *sorted({(c - start).days for c in VISA_CHANGE_DATES if start < c <= days[-1]}),
            n) if n else (0, 0)
    return _Calendar(
        days=days,
        ords=_frozen(np.fromiter((d.toordinal() for d in days), dtype=np.int64, count=n)),
        doy=_frozen(np.array([d.timetuple().tm_yday for d in days], dtype=np.int64)),
        month_of_day=month_of_day,
        months=months,
        mindex=mindex,
        midx=_frozen(np.array([mindex[m] for m in month_of_day], dtype=np.int64)),
        full_days=_frozen(np.array(
            [calendar.monthrange(int(m[:4]), int(m[5:7]))[1] for m in months], dtype=float)),
        cuts=cuts,
        covid=_frozen(covid_phases(days)),
    )


@dataclass
class _StatStream:
    """A statistical stream (``air``/``inland``) over a run's days, before the draw's
    parameters (:func:`_stat_stream`): expected claims a day from the monthly figures, per
    month the origin its figure was forecast from, per day the last day of that origin
    (``None``: observed) and the COVID-19 phase on it (−1: observed), and the visa gate per
    (nationality, ``air_visa_gate``), filled on first use."""

    daily: npt.NDArray[np.float64]
    origins: list[str | None]
    gate_ref: list[dt.date | None]
    ref_phase: npt.NDArray[np.int64]
    visa_gate: dict[tuple[str, float], npt.NDArray[np.float64]] = field(default_factory=dict)


#: statistical streams by (stream, period, origin, sample, data cut-off, data files' content)
_STREAM_CACHE: dict[tuple[object, ...], _StatStream] = {}


def _stat_stream(label: str, cal: _Calendar, origin: str | None, sample: int | None,
                 data_key: object) -> _StatStream:
    """The statistical stream ``label`` over the days of ``cal`` (:func:`statistical_monthly`
    spread over the days of each month). Remembered per ``data_key`` (the active cut-off and
    the data files' signature: new data give a new entry, as in :func:`observed_stream`)."""
    key = (label, cal.days[0] if cal.days else None, len(cal.days), origin, sample, data_key)
    hit = _STREAM_CACHE.get(key)
    if hit is not None:
        return hit
    monthly_v, origins_m = statistical_monthly(label, list(cal.months), origin, sample)
    daily = monthly_v[cal.midx] / cal.full_days[cal.midx]
    # the statistical forecast carries the visa rules in force at its origin; a change after
    # it acts through the gate (observed months: no gate); the same for the COVID-19 gate
    ref_m: list[dt.date | None] = []
    for org in origins_m:
        ref_m.append(None if org is None else
                     dt.date(int(org[:4]), int(org[5:7]),
                             calendar.monthrange(int(org[:4]), int(org[5:7]))[1]))
    gate_ref = [ref_m[i] for i in cal.midx.tolist()]
    ref_phase_m = _ref_phases(ref_m)
    out = _StatStream(_frozen(daily), list(origins_m), gate_ref,
                      _frozen(ref_phase_m[cal.midx] if len(ref_m) else
                              np.zeros(0, dtype=np.int64)))
    if len(_STREAM_CACHE) >= 16:
        _STREAM_CACHE.clear()
    _STREAM_CACHE[key] = out
    return out


def _visa_gates(cal: _Calendar, gate_ref: Sequence[dt.date | None], nat: str,
                gate_value: float) -> npt.NDArray[np.float64]:
    """Visa gate of nationality ``nat`` on each day (``gate_ref``: the day its forecast's
    rules are from, ``None``: no gate). The visa facts change only on
    ``VISA_CHANGE_DATES``: one value per stretch between them and reference day."""
    n = len(cal.days)
    gate = np.empty(n)
    memo: dict[tuple[int, dt.date | None], float] = {}
    for a, b in itertools.pairwise(cal.cuts):
        for j in range(a, b):
            ref = gate_ref[j]
            g = memo.get((a, ref))
            if g is None:
                g = 1.0 if ref is None else _visa_gate(nat, cal.days[a], gate_value, ref)
                memo[(a, ref)] = g
            gate[j] = g
    return gate


def build_demand(s: ModelScenario, profiles: list[Profile]) -> Demand:
    """Daily expected inflows of every stream under scenario ``s``.

    What depends only on the period and the data (the calendar, the statistical streams'
    monthly figures and forecasts, visa gates) is built once per process and period
    (:func:`_calendar`, :func:`_stat_stream`): a calibration's draws change only the rates."""
    cal = _calendar(s.start, s.n_days)
    days = list(cal.days)
    n = len(days)
    dem = s.demand
    season = seasonality(cal.doy, dem.seasonality_amplitude, dem.seasonality_peak_doy)
    sw, sw_ref, imputed = _sw_driver_cached(days[0], n, dem.sw_lag_days, dem.us_scenario,
                                            dem.us_path_shift)
    driver = (1.0 - dem.sw_weight) + dem.sw_weight * sw / sw_ref
    shocks = [(sh, _shock_factor_ord(cal.ords, sh)) for sh in dem.shocks]
    if dem.nyc_tickets is not None:
        shocks.append((dem.nyc_tickets, _shock_factor_ord(cal.ords, dem.nyc_tickets)))
        ticket_on = ((cal.ords >= dem.nyc_tickets.start.toordinal())
                     & (cal.ords < dem.nyc_tickets.end.toordinal()))
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
    push = push_rates(s, days)
    push_daily = sum(push.values(), np.zeros(n))
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
            if (o, nat) in push:
                r = r + push.pop((o, nat))
            rates.append(r)
            kinds.append(KIND_LAND)
            origins.append(oi)
            nats.append(nat)
            cdfs.append(cdf_for(nat))
            names.append(f"land:{o}:{nat}")

    if push:
        from roxham.errors import UserError

        (o, nat), _ = next(iter(push.items()))
        raise UserError(f"push event for {nat} at {o}: no land stream of that origin and "
                        "nationality (cohorts.land_nationality, demand.land_base_per_day)")
    stat_origin: dict[str, list[str | None]] = {}
    data_key: object = None
    if dem.air_inland == "official":
        years = np.array([d.year for d in days])
        ydays = np.array([366 if calendar.isleap(d.year) else 365 for d in days])
    else:
        from roxham.data import current_cutoff
        from roxham.data.load import resolve_data_dir

        root = resolve_data_dir()
        data_key = (current_cutoff(), str(root), _data_signature(root))
    for kind, per_year, mix, label in (
        (KIND_AIR, dem.air_claims_per_year, c.air_nationality, "air"),
        (KIND_INLAND, dem.inland_claims_per_year, c.inland_nationality, "inland"),
    ):
        if dem.air_inland == "official":
            known_years = sorted(per_year)
            daily = np.array(
                [per_year.get(int(y), per_year[min(known_years, key=lambda k: abs(k - int(y)))])
                 for y in years], dtype=float) / ydays
            gate_ref: list[dt.date | None] = [_VISA_REF] * n
            stat: _StatStream | None = None
        else:
            stat = _stat_stream(label, cal, dem.air_inland_origin, dem.air_inland_sample,
                                data_key)
            stat_origin[label] = list(stat.origins)
            # the statistical forecast carries the visa rules in force at its origin; a
            # change after it acts through the gate (observed months: no gate)
            gate_ref = stat.gate_ref
            # the COVID-19 travel restrictions: the same rule, with the law's dates
            daily = stat.daily * _covid_ratio(dem, label, cal.covid, stat.ref_phase)
        total = sum(mix.values())
        for nat, share in mix.items():
            if share <= 0:
                continue
            if stat is None:
                gate = _visa_gates(cal, gate_ref, nat, dem.air_visa_gate)
            else:
                gate = stat.visa_gate.get((nat, dem.air_visa_gate))  # type: ignore[assignment]
                if gate is None:
                    gate = _frozen(_visa_gates(cal, gate_ref, nat, dem.air_visa_gate))
                    stat.visa_gate[(nat, dem.air_visa_gate)] = gate
            rates.append(daily * (share / total) * gate)
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
        push_daily=push_daily,
        stat_origin=stat_origin,
    )
