"""The COVID-19 travel gate of the statistical (airport, inland) streams (issue 13 follow-up).

The gate's dates are the law's (``roxham.law.order``: the Quarantine Act orders written here
from their sources), it acts from the first restricted day (a hand computation for March
2020), relative to the restriction in force at the forecast origin, switching it off gives
the ungated streams, and it lowers simulated 2020 claims towards IRCC's figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
import pytest

import roxham.law as law
from roxham.calibrate.priors import CANADA_US_SPACE
from roxham.errors import UserError
from roxham.models.canada_us import demand as D
from roxham.models.canada_us.cohorts import profile_table
from roxham.models.canada_us.model import run_scenario
from roxham.models.canada_us.scenario import load_scenario

# the orders' dates as their sources give them (law/data/orders.yaml)
PROHIBITION = dt.date(2020, 3, 18)   # foreign nationals from other countries than the US
US_BORDER = dt.date(2020, 3, 21)     # discretionary travel from the US
EASED_US = dt.date(2021, 8, 9)       # fully vaccinated US citizens / PRs
EASED = dt.date(2021, 9, 7)          # fully vaccinated travellers from any country
END = dt.date(2022, 10, 1)           # all COVID-19 border measures removed

GATE = {"covid_gate_air": 0.04, "covid_gate_air_eased": 0.5,
        "covid_gate_inland": 0.3, "covid_gate_inland_eased": 0.6}


def _scenario(start: str, end: str, **demand: Any) -> Any:
    return load_scenario("historical", {"start": start, "end": end, "replicates": 1,
                                        "demand": {**GATE, **demand}})


def _kind_rates(s: Any, kind: int) -> np.ndarray:
    d = D.build_demand(s, profile_table())
    out: np.ndarray = d.rates[:, d.kind == kind].sum(axis=1)
    return out


def test_the_law_holds_the_sourced_dates() -> None:
    assert law.order("COVID_ENTRY_PROHIBITION").span == (PROHIBITION, END)
    assert law.order("COVID_US_BORDER_RESTRICTION").span == (US_BORDER, END)
    assert law.order("COVID_VACCINATED_US_EASING").span == (EASED_US, END)
    assert law.order("COVID_VACCINATED_EASING").span == (EASED, END)
    assert all(o.source.strip() for o in law.orders())


def test_the_model_uses_the_laws_dates() -> None:
    one = dt.timedelta(days=1)
    first = PROHIBITION - one
    ph = D.covid_phases([first + dt.timedelta(days=i) for i in range((END - first).days + 2)])

    def at(day: dt.date) -> int:
        return int(ph[(day - first).days])

    assert at(PROHIBITION - one) == 0 and at(PROHIBITION) == 1 and at(US_BORDER) == 1
    assert at(EASED_US) == 1  # the US citizens' easing: not the claimants'
    assert at(EASED - one) == 1 and at(EASED) == 2
    assert at(END - one) == 2 and at(END) == 0
    assert set(np.unique(ph).tolist()) == {0, 1, 2}


def test_a_month_straddling_the_start_by_hand() -> None:
    """March 2020, forecast from 2019-12 (no restriction at the origin): 17 days at the
    forecast's daily level, 14 days (from the 18th) at the prohibition's share."""
    s = _scenario("2020-03-01", "2020-03-31")
    for kind, label, share in ((D.KIND_AIR, "air", GATE["covid_gate_air"]),
                               (D.KIND_INLAND, "inland", GATE["covid_gate_inland"])):
        (m,), origins = D.statistical_monthly(label, ["2020-03"], None, None)
        assert origins == ["2019-12"]
        r = _kind_rates(s, kind)
        assert r[:17] == pytest.approx(np.full(17, m / 31))
        assert r[17:] == pytest.approx(np.full(14, m / 31 * share))
        assert r.sum() == pytest.approx(m * (17 + 14 * share) / 31)
        off = _kind_rates(_scenario("2020-03-01", "2020-03-31", covid_travel_gate=False), kind)
        assert off.sum() == pytest.approx(m)


def test_relative_to_the_restriction_at_the_origin() -> None:
    """A forecast from inside the prohibition (2021-06) already carries it: no factor while
    it lasts, eased / prohibition once eased, 1 / prohibition after the end; observed months
    (up to the origin) are never gated."""
    dem = _scenario("2021-01-01", "2021-01-31").demand
    days = [dt.date(2021, 5, 1), dt.date(2021, 7, 1), EASED, END]
    ref = [None, *[dt.date(2021, 6, 30)] * 3]
    g = D.covid_gate(dem, "air", days, ref)
    a, e = GATE["covid_gate_air"], GATE["covid_gate_air_eased"]
    assert g.tolist() == pytest.approx([1.0, 1.0, e / a, 1.0 / a])
    # the rolling run: 2021 forecast from 2020-12 (prohibition), 2022 from 2021-12 (eased)
    g = D.covid_gate(dem, "inland", [dt.date(2021, 3, 1), dt.date(2021, 12, 1), END],
                     [dt.date(2020, 12, 31), dt.date(2020, 12, 31), dt.date(2021, 12, 31)])
    i, ie = GATE["covid_gate_inland"], GATE["covid_gate_inland_eased"]
    assert g.tolist() == pytest.approx([1.0, ie / i, 1.0 / ie])


def test_the_forecast_history_is_not_degated() -> None:
    """The forecasts are fitted on IRCC's observed months as published (de-gating the
    history did not improve forecasts from origins after the reopening: see
    models/canada_us/MODEL.md): the gate acts only on the forecast's months."""
    _, hist = D.stream_forecast("air", "2020-12", 12)
    labels, obs = D.observed_stream("air", "2020-12")
    assert np.array_equal(hist, obs, equal_nan=True) and labels[-1] == "2020-12"


def test_off_or_neutral_shares_give_the_ungated_streams() -> None:
    off = _scenario("2019-11-01", "2023-02-28", covid_travel_gate=False)
    ones = _scenario("2019-11-01", "2023-02-28", covid_gate_air=1.0, covid_gate_air_eased=1.0,
                     covid_gate_inland=1.0, covid_gate_inland_eased=1.0)
    on = _scenario("2019-11-01", "2023-02-28")
    p = profile_table()
    d_off, d_ones, d_on = (D.build_demand(s, p) for s in (off, ones, on))
    assert np.array_equal(d_off.rates, d_ones.rates)
    land = d_off.kind == D.KIND_LAND
    assert np.array_equal(d_off.rates[:, land], d_on.rates[:, land])  # land: not gated
    # before the prohibition, and in 2023 (forecast from 2022-12, after the end): identical
    n_before = (PROHIBITION - off.start).days
    assert np.array_equal(d_off.rates[:n_before], d_on.rates[:n_before])
    jan23 = (dt.date(2023, 1, 1) - off.start).days
    assert np.array_equal(d_off.rates[jan23:], d_on.rates[jan23:])
    assert not np.array_equal(d_off.rates, d_on.rates)


def test_official_mode_is_not_gated() -> None:
    """The official yearly figures already hold the restrictions."""
    a = _kind_rates(_scenario("2020-01-01", "2020-12-31", air_inland="official"), D.KIND_AIR)
    b = _kind_rates(_scenario("2020-01-01", "2020-12-31", air_inland="official",
                              covid_travel_gate=False), D.KIND_AIR)
    assert np.array_equal(a, b)


def test_scenario_keys_and_calibration_space() -> None:
    assert load_scenario("historical", {"demand": {"covid_travel_gate": False}}
                         ).demand.covid_travel_gate is False
    with pytest.raises(UserError, match="covid_gate_air"):
        load_scenario("historical", {"demand": {"covid_gate_air": 0.0}})
    hist = load_scenario("historical").demand
    for name in ("covid_air", "covid_air_eased", "covid_inland", "covid_inland_eased"):
        p = CANADA_US_SPACE[name]
        value = getattr(hist, p.path.split(".")[-1])
        assert p.low <= value <= p.high and p.hand == value


def _claims_total_2020(gate: bool) -> float:
    s = load_scenario("historical", {"start": "2020-01-01", "end": "2020-12-31",
                                     "replicates": 1,
                                     "demand": {"covid_travel_gate": gate}})
    m = run_scenario(s, seed=3).monthly
    row = m.filter((pl.col("series") == "claims_total") & (pl.col("geography") == "CA"))
    return float(row["value"].sum())


def test_the_gate_lowers_2020_claims_towards_the_official_figure() -> None:
    from roxham.data import monthly

    off, on = _claims_total_2020(False), _claims_total_2020(True)
    official = float(monthly("asylum_claims_by_office", "CA", "2020-01", "2020-12",
                             subgroup="office=total")["value"].sum())
    assert on < off
    assert abs(on - official) < abs(off - official)
    assert abs(on - official) / official < 0.5  # off is ~190 % over (69k vs ~24k)
