"""The RPD's funded capacity (issue 19): figures known before the period they act in, the
COVID-19 hearing suspension as dated events, and the validity rule (the capacity of year Y
never reads the IRB's official finalisations of year Y)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from roxham.errors import UserError
from roxham.models.canada_us import processing as P
from roxham.models.canada_us.scenario import ProcessingSection, load_scenario

START = dt.date(2017, 1, 1)
N = (dt.date(2025, 1, 1) - START).days


def _cap(p: ProcessingSection) -> np.ndarray:
    return P.rpd_capacity(p, START, N)


def _on(cap: np.ndarray, day: str) -> float:
    return float(cap[(dt.date.fromisoformat(day) - START).days])


def test_capacity_changes_on_its_dates_by_hand() -> None:
    p = load_scenario("historical").processing
    assert p.irb_capacity_source == "funded"
    cap = _cap(p)
    # the funded figure of the day / days in the day's year (historical.yaml's figures)
    assert _on(cap, "2017-06-01") == pytest.approx(21500 / 365)
    assert _on(cap, "2018-05-23") == pytest.approx(21500 / 365)
    assert _on(cap, "2018-05-24") == pytest.approx(30000 / 365)  # Budget 2018, known that day
    assert _on(cap, "2019-03-31") == pytest.approx(30000 / 365)
    assert _on(cap, "2019-04-01") == pytest.approx(50000 / 365)  # Budget 2019
    # COVID-19: × 0.25 from the suspension, × 0.6 in the resumption quarter, then 1
    assert _on(cap, "2020-03-16") == pytest.approx(50000 / 366)
    assert _on(cap, "2020-03-17") == pytest.approx(0.25 * 50000 / 366)
    assert _on(cap, "2020-07-01") == pytest.approx(0.6 * 50000 / 366)
    assert _on(cap, "2020-10-01") == pytest.approx(50000 / 366)
    assert _on(cap, "2024-12-31") == pytest.approx(50000 / 366)
    # a year's sum by hand: 2019 = 90 days at 30,000 + 275 days at 50,000, / 365
    y19 = cap[(dt.date(2019, 1, 1) - START).days:(dt.date(2020, 1, 1) - START).days]
    assert y19.sum() == pytest.approx((90 * 30000 + 275 * 50000) / 365)


def test_capacity_lever_multiplies_the_funded_capacity() -> None:
    base = _cap(load_scenario("historical").processing)
    more = _cap(load_scenario("capacity", {"end": "2024-12-31"}).processing)
    i = (dt.date(2025, 1, 1) - START).days
    assert np.array_equal(more[:i], base[:i])  # the lever acts from 2025-01-01 only
    more = _cap(load_scenario("historical", {
        "processing": {"irb_capacity_factor": {"2022-01-01": 1.3}}}).processing)
    assert _on(more, "2021-12-31") == pytest.approx(_on(base, "2021-12-31"))
    assert _on(more, "2022-01-01") == pytest.approx(1.3 * 50000 / 365)
    # the COVID-19 factors stay when a scenario sets the lever (separate fields)
    assert _on(more, "2020-04-01") == pytest.approx(0.25 * 50000 / 366)


@pytest.mark.parametrize("year", range(2017, 2025))
def test_capacity_of_a_year_never_reads_that_years_finalisations(year: int) -> None:
    base = _cap(load_scenario("historical").processing)
    changed = load_scenario("historical", {
        "processing": {"irb_finalised_per_year": {year: 10 * 70647}}}).processing
    assert changed.irb_finalised_per_year[year] == 10 * 70647
    assert np.array_equal(_cap(changed), base)


def test_the_validity_check_detects_a_capacity_that_reads_its_year() -> None:
    # the same check against configurations that do read the year's finalisations: the lagged
    # source in 2017 (no year before: the nearest, 2017 itself) and lag 0 in every year
    def reads(over: dict[str, object], year: int) -> bool:
        a = _cap(load_scenario("historical", {"processing": over}).processing)
        b = _cap(load_scenario("historical", {"processing": {
            **over, "irb_finalised_per_year": {year: 10 * 70647}}}).processing)
        i0, i1 = ((dt.date(y, 1, 1) - START).days for y in (year, year + 1))
        return not np.array_equal(a[i0:i1], b[i0:i1])

    assert reads({"irb_capacity_source": "finalised", "irb_capacity_lag_years": 1}, 2017)
    assert not reads({"irb_capacity_source": "finalised", "irb_capacity_lag_years": 1}, 2021)
    assert reads({"irb_capacity_source": "finalised", "irb_capacity_lag_years": 0}, 2021)


def test_every_funded_figure_is_known_before_it_acts() -> None:
    p = load_scenario("historical").processing
    assert p.irb_funded_capacity
    for e in p.irb_funded_capacity:
        assert e.known <= e.start
    # a figure known after the day it would act is refused: one line, exit 2
    bad = [{"start": "2019-04-01", "per_year": 50000, "known": "2019-06-01"}]
    with pytest.raises(UserError, match="known on 2019-06-01 cannot act from 2019-04-01") as e:
        load_scenario("historical", {"processing": {"irb_funded_capacity": bad}})
    assert "\n" not in str(e.value)


def test_funded_source_needs_figures() -> None:
    with pytest.raises(UserError, match="needs irb_funded_capacity"):
        load_scenario("historical", {"processing": {"irb_funded_capacity": []}})
    # the lagged source runs without them
    p = load_scenario("historical", {"processing": {
        "irb_capacity_source": "finalised", "irb_funded_capacity": []}}).processing
    assert _on(_cap(p), "2021-06-01") == pytest.approx(24302 / 365)  # 2020's figure


def test_before_the_first_figure_the_earliest_acts() -> None:
    p = load_scenario("historical").processing
    cap = P.rpd_capacity(p, dt.date(2010, 1, 1), 3)
    assert cap.tolist() == pytest.approx([21500 / 365] * 3)



def test_a_forecast_takes_the_finalisations_of_complete_years() -> None:
    from roxham.forecast.core import _base_scenario

    s, _ = _base_scenario("2023-12", 3, "flat")
    p = s.processing
    assert p.irb_capacity_source == "finalised"
    assert max(p.irb_finalised_per_year) == 2023  # none after the origin's year
    # 2024 takes 2023's figure (a year before), not the funded 50,000
    cap = P.rpd_capacity(p, dt.date(2024, 2, 1), 1)
    assert cap.tolist() == pytest.approx([p.irb_finalised_per_year[2023] / 366])
