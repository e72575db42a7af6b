"""The US push stream: response fitted on the 2017 Haitian TPS episode, events bundled with
provenance, never fitted on the forecast period."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from roxham.data import events
from roxham.models.canada_us import demand as D
from roxham.models.canada_us.scenario import load_scenario


def test_response_is_the_2017_excess_per_person() -> None:
    s = load_scenario("historical")
    kernel, yld = D.push_response(s)
    assert kernel.sum() == np.float64(1.0) or abs(kernel.sum() - 1.0) < 1e-9
    # hand computation: nyc base × Haitian share × Σ(shock − 1) over the two 2017 shocks
    dem, c = s.demand, s.cohorts
    share = c.land_nationality["HT"] / sum(c.land_nationality.values())
    days = [dt.date(2017, 5, 22) + dt.timedelta(days=i) for i in range(400)]
    extra = 0.0
    for sh in dem.shocks:
        if sh.name in ("haiti-tps-2017", "post-wave-2017"):
            extra += float((D.shock_factor(days, sh) - 1).sum())
    assert abs(yld - dem.land_base_per_day["nyc"] * share * extra / 55000) < 1e-9
    # the profile starts after the announcement (the wave began in July 2017)
    assert kernel[:40].sum() == 0.0


def test_push_events_come_from_the_bundled_events_with_their_numbers() -> None:
    ev = events()
    for pe in load_scenario("historical").demand.push_events:
        rows = ev.filter(pl.col("source_url") == pe.source)
        assert pe.date in rows.get_column("date").to_list(), pe.name
        text = " ".join(rows.get_column("event").to_list()).replace(",", "")
        assert f"{pe.people:.0f}" in text, pe.name


def test_push_stream_adds_deciders_after_the_event_only() -> None:
    s = load_scenario("historical", {"start": "2024-12-01", "end": "2025-12-31"})
    days = [s.start + dt.timedelta(days=i) for i in range(s.n_days)]
    rates = D.push_rates(s, days)
    assert set(rates) == {("nyc", "HT"), ("nyc", "VE")}
    first = min(pe.date for pe in s.demand.push_events)
    before = [i for i, d in enumerate(days) if d < first]
    assert all(r[before].sum() == 0 for r in rates.values())
    assert sum(r.sum() for r in rates.values()) > 0
    half = load_scenario("historical", {"start": "2024-12-01", "end": "2025-12-31",
                                        "demand": {"push_scale": 0.5}})
    r2 = D.push_rates(half, days)
    assert abs(r2[("nyc", "HT")].sum() * 2 - rates[("nyc", "HT")].sum()) < 1e-6


def test_us_paths() -> None:
    known = np.array([100.0] * 11 + [110.0])
    k = np.array([0.0, 6.0, 24.0])
    assert D.us_path(known, k, "flat").tolist() == [110.0, 110.0, 110.0]
    assert D.us_path(known, k, "surge").tolist() == [110.0, 220.0, 220.0]
    tr = D.us_path(np.exp(np.arange(12) * 0.2), k, "trend")
    assert tr[1] / tr[0] == np.float64(np.exp(0.05 * 6)) or abs(tr[1] / tr[0]
                                                                 - np.exp(0.3)) < 1e-9


def test_no_episode_no_push_response() -> None:
    s = load_scenario("historical")
    shocks = [sh.model_dump(mode="json") for sh in s.demand.shocks
              if sh.name not in ("haiti-tps-2017", "post-wave-2017")]
    s2 = load_scenario("historical", {"demand": {"shocks": shocks}})
    assert D.push_response(s2)[1] == 0.0
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(60)]
    assert D.push_rates(s2, days) == {}
