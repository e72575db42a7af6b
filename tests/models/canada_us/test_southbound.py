"""The southbound half (issue 15): the visa gate follows roxham.law's visa facts by nationality
and date; people are conserved in both directions; each scenario moves both directions the
explained way; the fit reads nothing after its cut-off; the observed USBP series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from roxham.law.visas import COVERED, visa_req_ca
from roxham.models.canada_us import southbound as S
from roxham.models.canada_us.scenario import load_scenario
from roxham.models.canada_us.southbound_params import VisaOverride

D = dt.date


# --- the visa gate --------------------------------------------------------------------------

@pytest.mark.parametrize(("nat", "day", "status"), [
    # Mexico: visa imposed 2009-07-14 00:01 (CIC), lifted 2016-12-01 (SOR/2016-293),
    # reimposed 2024-02-29 23:30 with an eTA route by air for some (SOR/2024-34)
    ("MX", D(2009, 7, 13), "exempt"),
    ("MX", D(2009, 7, 15), "visa"),
    ("MX", D(2016, 11, 30), "visa"),
    ("MX", D(2016, 12, 1), "exempt"),
    ("MX", D(2024, 2, 28), "exempt"),
    ("MX", D(2024, 2, 29), "exempt"),   # at noon, before 23:30
    ("MX", D(2024, 3, 1), "eta_only"),
    ("IN", D(2018, 1, 1), "visa"),
    ("HT", D(2024, 6, 1), "visa"),
    ("GB", D(2024, 6, 1), "exempt"),
    ("FR", D(2010, 6, 1), "exempt"),
])
def test_visa_status_by_nationality_and_date(nat: str, day: dt.date, status: str) -> None:
    assert S.visa_status(nat, day, ()) == status


def test_visa_status_agrees_with_the_law_engine_everywhere() -> None:
    # every covered nationality, the first of every month 2005-2026 and both sides of each
    # Mexican change: exempt ⇔ the law needs no visa without an eTA; eta_only ⇔ only with one
    days = [D(y, m, 1) for y in range(2005, 2027) for m in range(1, 13)]
    days += [D(2009, 7, 13), D(2009, 7, 14), D(2016, 11, 30), D(2016, 12, 1), D(2024, 3, 1)]
    for nat in sorted(COVERED):
        for day in days:
            no_eta = visa_req_ca((nat,), day, 720, "AIRPORT", has_eta=False)[0]
            with_eta = visa_req_ca((nat,), day, 720, "AIRPORT", has_eta=True)[0]
            want = ("exempt" if no_eta is False else
                    "eta_only" if with_eta is False else "visa")
            assert S.visa_status(nat, day, ()) == want, (nat, day)


def test_the_air_rates_follow_the_gate() -> None:
    p = load_scenario("historical").southbound
    start, n = D(2024, 2, 20), 20
    hist, _ = S.expected_rates(p, start, n)
    free = p.model_copy(update={"visa_overrides": [
        VisaOverride(nationalities=["MX"], start=D(2024, 3, 1), status="exempt")]})
    cf, _ = S.expected_rates(free, start, n)
    i = (D(2024, 3, 1) - start).days
    gate = p.eta_eligible_share["MX"] + (1 - p.eta_eligible_share["MX"]) * p.visa_gate
    np.testing.assert_allclose(hist["MX"][:i], cf["MX"][:i])
    np.testing.assert_allclose(hist["MX"][i:] / cf["MX"][i:], gate)
    np.testing.assert_allclose(hist["IN"], cf["IN"])  # Indians: visa-required throughout
    assert S.visa_gate("visa", 0.05, 0.3) == 0.3


def test_an_override_must_name_a_nationality_the_law_knows() -> None:
    with pytest.raises(ValueError, match=r"not in roxham\.law"):
        VisaOverride(nationalities=["ZZ"], start=D(2024, 1, 1), status="visa")


# --- conservation ---------------------------------------------------------------------------

def test_people_are_conserved_southbound() -> None:
    p = load_scenario("historical").southbound
    start, end = D(2023, 10, 1), D(2024, 3, 31)
    _, rep, cols, man = S.monthly_rows(p, start, end, [11, 12])
    st = man["southbound_final_states_per_replicate"]
    for r in range(2):
        assert st["spawned"][r] == st["apprehended"][r] + st["reached_us"][r] \
            + st["in_transit_end"][r]
    ci = {c: i for i, c in enumerate(cols)}
    sectors = [ci[("usbp_apprehensions", g)] for g in S.SECTOR_GEO.values()]
    north = ci[("usbp_apprehensions", "US-NORTH")]
    groups = [ci[("usbp_apprehensions_by_group", g)] for g in ("MX", "IN", "OTHER", "resident")]
    np.testing.assert_array_equal(rep[:, :, sectors].sum(axis=2), rep[:, :, north])
    np.testing.assert_array_equal(rep[:, :, groups].sum(axis=2), rep[:, :, north])
    assert rep[:, :, north].sum(axis=1).tolist() == [float(x) for x in st["apprehended"]]
    crossings = ci[("southbound_crossings", "US-NORTH")]
    assert (rep[:, :, crossings] >= rep[:, :, north]).all()
    assert (rep[:, :, ci[("returned_to_canada", "US-NORTH")]] <= rep[:, :, north]).all()
    for sec, geo in S.SECTOR_GEO.items():
        got = rep[:, :, ci[("usbp_apprehensions", geo)]].sum()
        if p.sector_mix_air[sec] == 0 and p.sector_mix_resident[sec] == 0:
            assert got == 0


def test_both_directions_share_one_run() -> None:
    from roxham.models.canada_us.model import run_scenario

    s = load_scenario("historical", {"start": "2020-01-01", "end": "2020-08-31",
                                     "replicates": 2})
    m = run_scenario(s, seed=3).monthly

    def v(series: str, geo: str) -> np.ndarray:
        return m.filter((pl.col("series") == series) & (pl.col("geography") == geo)) \
            .sort("month")["value"].to_numpy()

    # people handed back to the US at ports = the northbound STCA returns + directed back
    back = v("returned_to_us", "CA")
    np.testing.assert_allclose(back, v("stca_returns", "CA") + v("directed_back", "CA"))
    assert back.sum() > 0  # the COVID order sends people back in 2020
    assert (v("second_thoughts_to_us", "CA") >= 0).all()
    assert len(v("usbp_apprehensions", "US-SWANTON")) == 8


# --- scenarios ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scen() -> dict[str, pl.DataFrame]:
    from roxham.models.canada_us.model import run_scenario

    out = {}
    for name in ("historical", "no-mexico-visa", "eta-tightening"):
        s = load_scenario(name, {"start": "2024-01-01", "end": "2024-10-31"})
        out[name] = run_scenario(s, seed=7, replicates=2).monthly
    return out


def _sum(m: pl.DataFrame, series: str, geo: str, lo: str, hi: str) -> float:
    return float(m.filter((pl.col("series") == series) & (pl.col("geography") == geo)
                          & (pl.col("month") >= lo) & (pl.col("month") <= hi))["value"].sum())


def test_no_mexico_visa_raises_both_directions(scen: dict[str, pl.DataFrame]) -> None:
    h, n = scen["historical"], scen["no-mexico-visa"]
    assert _sum(n, "usbp_apprehensions_by_group", "MX", "2024-04", "2024-10") > \
        2 * _sum(h, "usbp_apprehensions_by_group", "MX", "2024-04", "2024-10")
    assert _sum(n, "usbp_apprehensions", "US-SWANTON", "2024-04", "2024-10") > \
        _sum(h, "usbp_apprehensions", "US-SWANTON", "2024-04", "2024-10")
    nb = ("claims", "airport") if "claims" in set(h["series"]) else ("claims_airport", "CA")
    assert _sum(n, *nb, "2024-04", "2024-10") > _sum(h, *nb, "2024-04", "2024-10")
    # before the change nothing differs (the same seeds)
    assert _sum(n, "usbp_apprehensions", "US-NORTH", "2024-01", "2024-02") == \
        _sum(h, "usbp_apprehensions", "US-NORTH", "2024-01", "2024-02")


def test_eta_tightening_lowers_both_directions(scen: dict[str, pl.DataFrame]) -> None:
    h, t = scen["historical"], scen["eta-tightening"]
    assert _sum(t, "southbound_departures", "MX", "2024-06", "2024-10") < \
        _sum(h, "southbound_departures", "MX", "2024-06", "2024-10")
    nb = ("claims", "airport") if "claims" in set(h["series"]) else ("claims_airport", "CA")
    assert _sum(t, *nb, "2024-06", "2024-10") < _sum(h, *nb, "2024-06", "2024-10")
    assert _sum(t, "usbp_apprehensions", "US-NORTH", "2024-01", "2024-05") == \
        _sum(h, "usbp_apprehensions", "US-NORTH", "2024-01", "2024-05")


def test_historical_northbound_is_untouched_by_the_southbound_hook() -> None:
    from roxham.models.canada_us.cohorts import profile_table
    from roxham.models.canada_us.demand import build_demand

    s = load_scenario("historical", {"start": "2024-01-01", "end": "2024-04-30"})
    d = build_demand(s, profile_table())
    before = d.rates.copy()
    S.apply_visa_overrides(s, d)
    np.testing.assert_array_equal(before, d.rates)


# --- fit and data ---------------------------------------------------------------------------

def test_the_fit_reads_nothing_after_its_cut_off() -> None:
    from roxham.models.canada_us.southbound_fit import load_targets

    t = load_targets("2020-06")
    for obs in t.monthly.values():
        assert all(m <= "2020-06" for m in obs)
    assert t.monthly[("usbp_apprehensions", "US-SWANTON")]["2017-08"] == 73.0
    for fy in t.fiscal.values():
        assert all(y <= 2019 for y in fy)  # FY2020 ends 2020-09


def test_usbp_apprehensions_series() -> None:
    from roxham.data.usbp import usbp_apprehensions

    sw = usbp_apprehensions("US-SWANTON", "2024-06", "2024-06").row(0, named=True)
    assert (sw["value"], sw["rounded"]) == (3310.0, True)  # OHSS, rounded to 10
    n = usbp_apprehensions("US-NORTH", "2017-02", "2017-02").row(0, named=True)
    assert (n["value"], n["rounded"]) == (273.0, False)  # CBP FY2000-FY2020 table


def test_data_show_usbp_apprehensions_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.data.cli_helpers import run

    code, out, _ = run(["show", "usbp_apprehensions", "--geo", "US-NORTH", "--from", "2024-01",
                        "--to", "2024-02", "--csv"], capsys)
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("period,value,")
    # OHSS northern-border USBP figures, rounded to 10
    assert [ln.split(",")[:2] for ln in lines[1:]] == [["2024-01", "930.0"], ["2024-02", "1270.0"]]
    code, _, err = run(["show", "usbp_apprehensions", "--geo", "XX"], capsys)
    assert code == 2 and "unknown geography" in err and "Traceback" not in err


def test_southbound_rows_for_any_window() -> None:
    a = S.southbound_rows("historical", "2019-11", "2020-02", seed=2, replicates=2)
    b = S.southbound_rows("historical", "2019-11", "2020-02", seed=2, replicates=2)
    assert a.equals(b)  # a seed fixes the result
    assert sorted(set(a["month"])) == ["2019-11", "2019-12", "2020-01", "2020-02"]
    sw = a.filter((pl.col("series") == "usbp_apprehensions")
                  & (pl.col("geography") == "US-SWANTON"))
    assert sw.height == 4 and (sw["p05"] <= sw["value"]).all() and (sw["value"] <= sw["p95"]).all()


def test_post_visa_drop_of_mexicans_within_15_points() -> None:
    # the shipped parameters are fitted on 2017-01..2024-02; the drop of Mexican crossers after
    # the visa (mean 2024-03..09 vs 2023-03..2024-02) against OHSS's northern-border figures
    from roxham.data.usbp import usbp_apprehensions
    from roxham.models.canada_us.southbound_fit import expected_apprehensions

    obs = usbp_apprehensions("US-NORTH", "2023-03", "2024-09", subgroup="citizenship=Mexico")
    o = dict(zip(obs["period"], obs["value"], strict=True))
    p = load_scenario("historical").southbound
    n_days = (D(2024, 9, 30) - D(2023, 3, 1)).days + 1
    labels, exp = expected_apprehensions(p, D(2023, 3, 1), n_days)
    s = dict(zip(labels, exp[("usbp_apprehensions_by_group", "MX")], strict=True))

    def change(x: dict[str, float]) -> float:
        before = np.mean([x[m] for m in x if m <= "2024-02"])
        after = np.mean([x[m] for m in x if m >= "2024-03"])
        return 100 * (after / before - 1)

    assert change(o) == pytest.approx(-62.4, abs=0.1)
    assert abs(change(s) - change(o)) <= 15


def test_damped_growth_is_exponential_at_zero_and_levels_off() -> None:
    # growth factor exp(r (1 - e^(-k t)) / k): k = 0 gives exp(r t); k > 0 tends to exp(r / k)
    p = load_scenario("historical").southbound
    start, n = D(2023, 1, 1), 3
    t = np.array([(start + dt.timedelta(days=i) - p.growth_from).days / 365.25
                  for i in range(n)])
    q0 = p.model_copy(update={"growth_damping_per_year": 0.0})
    q1 = p.model_copy(update={"growth_damping_per_year": 1.0})
    r0, _ = S.expected_rates(q0, start, n)
    r1, _ = S.expected_rates(q1, start, n)
    g = p.growth_per_year["OTHER"]
    np.testing.assert_allclose(r1["OTHER"] / r0["OTHER"],
                               np.exp(g * (1 - np.exp(-t)) - g * t), rtol=1e-9)
    np.testing.assert_allclose(r1["MX"], r0["MX"])  # r(MX) = 0: no growth to damp
    late, _ = S.expected_rates(q1, D(2060, 1, 1), 1)
    base, _ = S.expected_rates(q1.model_copy(update={"growth_per_year": {
        "MX": 0.0, "IN": 0.0, "OTHER": 0.0}}), D(2060, 1, 1), 1)
    assert late["OTHER"][0] / base["OTHER"][0] == pytest.approx(np.exp(g), rel=1e-6)


def test_covid_shocks_take_their_dates_from_the_law_orders() -> None:
    """The southbound COVID shocks cite roxham.law's orders instead of copying dates: the
    historical scenario's windows are the entry prohibition's start (2020-03-18, the order's
    Quarantine Act date) to the vaccinated-travellers easing (2021-09-07), and a scenario naming
    an unknown order is refused."""
    import datetime as dt

    import pytest
    from pydantic import ValidationError

    from roxham.law import order
    from roxham.models.canada_us.scenario import load_scenario
    from roxham.models.canada_us.southbound_params import WindowShock

    shocks = {s.name: s for s in load_scenario("historical").southbound.shocks}
    air = shocks["covid-travel-restrictions-air"]
    assert (air.start, air.end) == (dt.date(2020, 3, 18), dt.date(2021, 9, 7))
    assert air.start == order("COVID_ENTRY_PROHIBITION").start
    assert air.end == order("COVID_VACCINATED_EASING").start
    with pytest.raises(ValidationError, match="unknown order 'COVID_NOPE'"):
        WindowShock(name="x", start="COVID_NOPE.start", end="2021-01-01", multiplier=1.0)
    assert WindowShock(name="x", start="2020-01-01", end="COVID_DIRECT_BACK.end",
                       multiplier=1.0).end == dt.date(2021, 11, 21)


# --- the level discrepancy after the fit window ---------------------------------------------

def test_the_level_discrepancy_starts_after_the_fit_window_and_keeps_the_mean() -> None:
    p = load_scenario("historical").southbound.model_copy(
        update={"fitted_until": "2023-12", "month_noise_sd": 0.0})
    start, end = D(2023, 10, 1), D(2024, 6, 30)
    seeds = list(range(40))
    _, off, cols, _ = S.monthly_rows(p.model_copy(update={"level_step_sd": 0.0}), start, end,
                                     seeds)
    _, on, _, _ = S.monthly_rows(p.model_copy(update={"level_step_sd": 0.4}), start, end,
                                 seeds)
    ci = {c: i for i, c in enumerate(cols)}
    dep = [ci[("southbound_departures", g)] for g in ("MX", "IN", "OTHER")]
    res = ci[("southbound_departures", "resident")]
    # up to fitted_until (2023-10..12) the same engine draws: identical counts
    np.testing.assert_array_equal(on[:, :3], off[:, :3])
    # after it each replicate's air level wanders: different paths, residents untouched
    assert not np.array_equal(on[:, 3:, dep], off[:, 3:, dep])
    np.testing.assert_array_equal(on[:, :, res], off[:, :, res])
    # the spread of log departures grows with the months since fitted_until; the mean is kept
    # (40 paths: within 4 standard errors of exp(0.4² k) − 1 per path, k = 6)
    air_on = on[:, :, dep].sum(axis=2)
    air_off = off[:, :, dep].sum(axis=2)
    sd = np.std(np.log(air_on[:, 3:] + 1) - np.log(air_off[:, 3:] + 1), axis=0)
    assert sd[-1] > sd[0] and 0.4 * np.sqrt(6) * 0.6 < sd[-1] < 0.4 * np.sqrt(6) * 1.4
    ratio = air_on[:, -1].sum() / air_off[:, -1].sum()
    se = np.sqrt(np.expm1(0.4 ** 2 * 6) / 40)
    assert abs(ratio - 1) < 4 * se


def test_the_fit_sets_the_level_discrepancy_from_its_own_residuals() -> None:
    from roxham.metrics import level_step_variogram
    from roxham.models.canada_us import southbound_fit as F

    p = load_scenario("historical").southbound
    f = F.fit_cached(p, "2019-12")
    assert f.fitted_until == "2019-12"
    t = F.load_targets("2019-12")
    end = D(2019, 12, 31)
    labels, exp = F.expected_apprehensions(f, F.FIT_START, (end - F.FIT_START).days + 1)
    obs = t.monthly[("usbp_apprehensions", "US-SWANTON")]
    r = [np.log1p(obs[m]) - np.log1p(e) if m in obs else np.nan
         for m, e in zip(labels, exp[("usbp_apprehensions", "US-SWANTON")], strict=True)]
    assert f.level_step_sd == pytest.approx(level_step_variogram(r))
    assert 0 < f.level_step_sd <= 0.5
