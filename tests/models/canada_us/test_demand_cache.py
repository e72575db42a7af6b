"""Demand's per-period caches (calendar, statistical streams, visa gates) give exactly what a
build from scratch gives, and a changed input (data cut-off, forecast origin, period) is a
new entry, not a stale hit."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from roxham.data import observed_until
from roxham.models.canada_us import demand as D
from roxham.models.canada_us.model import profile_table
from roxham.models.canada_us.scenario import Shock, load_scenario


def _fields(d: D.Demand) -> dict[str, object]:
    return {f.name: getattr(d, f.name) for f in dataclasses.fields(d)}


def _equal(a: D.Demand, b: D.Demand) -> bool:
    fa, fb = _fields(a), _fields(b)
    for k, x in fa.items():
        y = fb[k]
        if isinstance(x, np.ndarray):
            if x.dtype != y.dtype or x.tobytes() != y.tobytes():  # type: ignore[union-attr]
                return False
        elif x != y:
            return False
    return True


def _clear() -> None:
    D._STREAM_CACHE.clear()
    D._calendar.cache_clear()


def test_a_hit_gives_the_build_from_scratch() -> None:
    prof = profile_table()
    s = load_scenario("historical", {"end": "2019-12-31"})
    _clear()
    cold = D.build_demand(s, prof)
    assert len(D._STREAM_CACHE) == 2  # air and inland
    warm = D.build_demand(s, prof)
    assert _equal(cold, warm)
    # a draw (other rates, the same period and data) reuses the entries and equals a cold build
    s2 = load_scenario("historical", {"end": "2019-12-31", "demand": {
        "covid_gate_air": 0.11, "sw_weight": 0.3, "seasonality_amplitude": 0.25,
        "air_visa_gate": 0.4}})
    warm2 = D.build_demand(s2, prof)
    assert len(D._STREAM_CACHE) == 2
    _clear()
    assert _equal(warm2, D.build_demand(s2, prof))
    assert not np.array_equal(warm2.rates, cold.rates)


def test_changed_inputs_miss() -> None:
    prof = profile_table()
    s = load_scenario("historical", {"end": "2020-12-31"})
    _clear()
    full = D.build_demand(s, prof)
    with observed_until("2018-06"):  # less data: other forecasts of 2019-2020
        cut = D.build_demand(s, prof)
    assert len(D._STREAM_CACHE) == 4
    assert not np.array_equal(cut.rates, full.rates)
    _clear()
    with observed_until("2018-06"):
        assert _equal(cut, D.build_demand(s, prof))
    # another forecast origin or sample path: other entries
    s_org = load_scenario("historical", {"end": "2020-12-31", "demand": {
        "air_inland_origin": "2019-06", "air_inland_sample": 3}})
    _clear()
    D.build_demand(s, prof)
    org = D.build_demand(s_org, prof)
    assert len(D._STREAM_CACHE) == 4
    _clear()
    assert _equal(org, D.build_demand(s_org, prof))
    # another period: another calendar
    s_late = load_scenario("historical", {"start": "2017-03-02", "end": "2020-12-31"})
    late = D.build_demand(s_late, prof)
    assert late.rates.shape[0] == full.rates.shape[0] - 60


def _shock_by_day(days: list[dt.date], sh: Shock) -> list[float]:
    """The rule of shock_factor, day by day (1 outside [start, end); linear ramps)."""
    out = []
    for d in days:
        f = 1.0
        if sh.start <= d < sh.end:
            r = 1.0
            if sh.ramp_days > 0:
                r = min(1.0, ((d - sh.start).days + 1) / sh.ramp_days,
                        (sh.end - d).days / sh.ramp_days)
            f = 1.0 + (sh.multiplier - 1.0) * r
        out.append(f)
    return out


@pytest.mark.parametrize("ramp", [0, 1, 3, 7, 40])
def test_shock_factor_is_the_day_by_day_rule(ramp: int) -> None:
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(120)]
    sh = Shock(name="x", start=dt.date(2020, 1, 20), end=dt.date(2020, 3, 9),
               multiplier=2.7, ramp_days=ramp)
    assert D.shock_factor(days, sh).tolist() == _shock_by_day(days, sh)
