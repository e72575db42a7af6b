"""IRB processing queues (models/canada_us/processing.py) against hand computations,
queueing identities (Little's law, conservation) and the bundled IRB figures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from roxham.data import series as data_series
from roxham.models.canada_us import processing as P
from roxham.models.canada_us.model import run_scenario
from roxham.models.canada_us.scenario import load_scenario
from roxham.sim import queues as Q


def test_fifo_order_and_waits_by_hand() -> None:
    # 3 arrive on day 0 (month 0), 3 on day 1 (month 1), capacity 2 a day:
    # day 0 serves two of day 0 (wait 0); day 1 the last of day 0 (wait 1) and one of day 1
    # (wait 0); day 2 the two left of day 1 (wait 1). FIFO: none of day 1 before day 0's last.
    r = Q.fifo_queue(np.array([3.0, 3.0, 0.0, 0.0]), np.full(4, 2.0), 0.0,
                     np.array([0, 1, 1, 1]), 2, max_wait=10)
    assert r.served.tolist() == [2.0, 2.0, 2.0, 0.0]
    assert r.pending.tolist() == [1.0, 2.0, 0.0, 0.0]
    assert r.wait_hist[0, :3].tolist() == [2.0, 1.0, 0.0]
    assert r.wait_hist[1, :3].tolist() == [1.0, 2.0, 0.0]


def test_removals_leave_from_the_newest_claims() -> None:
    # day 0: 3 arrive, 1 served (wait 0); day 1: 3 arrive, 4 leave undecided from the newest
    # (the 3 of day 1 and 1 of day 0), then the last of day 0 is served (wait 1)
    r = Q.fifo_queue(np.array([3.0, 3.0]), np.ones(2), 0.0, np.array([0, 0]), 1, max_wait=5,
                     removals=np.array([0.0, 4.0]))
    assert r.served.tolist() == [1.0, 1.0]
    assert r.removed.tolist() == [0.0, 4.0]
    assert r.pending.tolist() == [2.0, 0.0]
    assert r.wait_hist[0, :3].tolist() == [1.0, 1.0, 0.0]
    # never more than are waiting
    r = Q.fifo_queue(np.array([1.0]), np.zeros(1), 0.0, np.array([0]), 1, removals=np.array([5.0]))
    assert r.removed.tolist() == [1.0] and r.pending.tolist() == [0.0]


def test_processing_time_target_by_hand() -> None:
    # backlog 100 (waiting since before day 0), capacity 1, target 10 days: 1 a day until
    # day 9, when the backlog has waited 10 days and the rest (91) is decided
    r = Q.fifo_queue(np.zeros(12), np.ones(12), 100.0, np.zeros(12, int), 1,
                     target_days=np.full(12, 10.0))
    assert r.served.tolist() == [1.0] * 9 + [91.0, 0.0, 0.0]
    # steady state: 10 a day, no capacity of its own, target 5 days: each day's claims are
    # decided 5 days later; 50 wait at each day's end (Little: 50 = 10 × 5)
    n = 400
    r = Q.fifo_queue(np.full(n, 10.0), np.zeros(n), 0.0, np.zeros(n, int), 1, max_wait=50,
                     target_days=np.full(n, 5.0))
    assert r.pending[:5].tolist() == [10.0, 20.0, 30.0, 40.0, 50.0]
    assert np.allclose(r.pending[4:], 50.0)
    assert r.wait_hist[0, 5] == pytest.approx(10.0 * n)


def test_initial_inventory_is_served_first() -> None:
    # 4 waiting at the start, 1 arrives on day 0, capacity 1: the newcomer is served on day 4
    r = Q.fifo_queue(np.array([1.0, 0, 0, 0, 0, 0]), np.ones(6), 4.0, np.zeros(6, int), 1,
                     max_wait=10)
    assert r.pending.tolist() == [4.0, 3.0, 2.0, 1.0, 0.0, 0.0]
    assert r.wait_hist[0].tolist()[:6] == [0, 0, 0, 0, 1.0, 0]


def test_waits_after_the_run_end_are_served_at_the_last_capacity() -> None:
    # 10 arrive on the last day of a 2-day run with capacity 2: served on days 1..5 (waits 0..4)
    r = Q.fifo_queue(np.array([0.0, 10.0]), np.array([2.0, 2.0]), 0.0, np.array([0, 0]), 1,
                     max_wait=10)
    assert r.wait_hist[0, :6].tolist() == [2.0, 2.0, 2.0, 2.0, 2.0, 0.0]
    assert Q.hist_quantile(r.wait_hist, 0.5).tolist() == [2.0]
    assert Q.hist_quantile(r.wait_hist, 0.9).tolist() == [4.0]


def test_zero_capacity_leaves_waits_unknown() -> None:
    r = Q.fifo_queue(np.array([5.0, 0.0]), np.zeros(2), 0.0, np.array([0, 0]), 1, max_wait=10)
    assert r.pending.tolist() == [5.0, 5.0]
    assert np.isnan(Q.hist_quantile(r.wait_hist, 0.5)[0])


def test_littles_law_steady_state() -> None:
    # backlog 50, arrivals 10/day = capacity 10/day: every arrival waits exactly 5 days and
    # the end-of-day inventory stays 50 = λ (10) × W (5)
    n = 200
    r = Q.fifo_queue(np.full(n, 10.0), np.full(n, 10.0), 50.0, np.zeros(n, int), 1, max_wait=50)
    assert np.allclose(r.pending, 50.0)
    assert r.wait_hist[0, 5] == pytest.approx(10.0 * n)
    assert r.wait_hist[0].sum() == pytest.approx(10.0 * n)
    assert Q.hist_quantile(r.wait_hist, 0.5)[0] == 5.0
    assert r.pending.mean() == pytest.approx(10.0 * 5.0)


def test_littles_law_random_arrivals() -> None:
    # a claimant waiting w days is in the end-of-day inventory on exactly w days, so with an
    # empty start and end, Σ_days inventory = Σ_claimants waits (L·T = λT·W)
    rng = np.random.default_rng(7)
    n = 400
    arr = rng.poisson(9.0, n).astype(float)
    arr[-60:] = 0.0  # the queue drains before the end
    cap = np.full(n, 10.5)
    r = Q.fifo_queue(arr, cap, 0.0, np.zeros(n, int), 1, max_wait=1000)
    assert r.pending[-1] == 0.0
    waits = (r.wait_hist[0] * np.arange(r.wait_hist.shape[1])).sum()
    assert r.pending.sum() == pytest.approx(waits, rel=1e-9)
    assert r.served.sum() == pytest.approx(arr.sum())


def test_capacity_changes_on_its_date() -> None:
    start = dt.date(2021, 12, 30)
    cap = P.daily_capacity(start, 5, {2021: 365.0, 2022: 365.0}, {dt.date(2022, 1, 2): 1.3})
    assert cap.tolist() == pytest.approx([1.0, 1.0, 1.0, 1.3, 1.3])
    # with a backlog the queue serves exactly the capacity, from that day on
    r = Q.fifo_queue(np.zeros(5), cap, 100.0, np.zeros(5, int), 1)
    assert r.served.tolist() == pytest.approx([1.0, 1.0, 1.0, 1.3, 1.3])
    # a year without a figure takes the nearest year's
    cap = P.daily_capacity(dt.date(2030, 1, 1), 1, {2021: 365.0, 2024: 730.0})
    assert cap.tolist() == [2.0]


def _daily(start: dt.date, n: int) -> tuple[np.ndarray, int]:
    from roxham.models.canada_us.months import month_index

    labels, idx, _ = month_index(start, n)
    return idx, len(labels)


def test_conservation_across_states() -> None:
    s = load_scenario("historical")
    p = s.processing
    start = dt.date(2021, 1, 1)
    n = 730
    rng = np.random.default_rng(3)
    referred = rng.poisson(150.0, n).astype(float)
    inelig = rng.poisson(4.0, n).astype(float)
    midx, n_m = _daily(start, n)
    removed = np.zeros(n)
    removed[400] = 2000.0  # notices: claims leave the inventory undecided
    out = P.run_processing(p, start, referred, inelig, midx, n_m, removed_daily=removed)
    assert set(out) == set(P.OUTPUT_SERIES)
    d = p.referral_delay_days
    # front end: every claim is referred after the delay, or still in eligibility at the end
    expected = referred[: n - d].sum() * p.irb_referral_share
    assert out["irb_referred"].sum() == pytest.approx(expected)
    # RPD: initial + referred = finalised + removed + pending
    assert out["irb_removed"].sum() == pytest.approx(2000.0 * p.irb_referral_share)
    assert p.irb_pending_initial + out["irb_referred"].sum() == pytest.approx(
        out["irb_finalised"].sum() + out["irb_removed"].sum() + out["irb_pending"][-1])
    # outcomes add up to finalisations; the 2021 shares are the IRB's 2021 shares
    parts = out["irb_accepted"] + out["irb_rejected"] + out["irb_abandoned_withdrawn"]
    assert parts == pytest.approx(out["irb_finalised"])
    assert out["irb_accepted"][:12].sum() / out["irb_finalised"][:12].sum() == pytest.approx(
        30290 / 48014)
    # RAD: initial + appeals = finalised + pending
    appeals = out["irb_rejected"].sum() * p.rad_appeal_share
    assert p.rad_pending_initial + appeals == pytest.approx(
        out["rad_finalised"].sum() + out["rad_pending"][-1])
    assert out["prra_applications"].sum() == pytest.approx(inelig.sum() * p.prra_apply_share)


def _irb(name: str, start: str) -> float:
    df = data_series(name, "CA").filter(pl.col("period") == dt.date.fromisoformat(start))
    return float(df["value"][0])


def test_historical_processing_figures_are_the_bundled_irb_figures() -> None:
    p = load_scenario("historical").processing
    assert p.irb_finalised_per_year[2017] == _irb("irb_rpd_finalized", "2017-01-01")
    assert p.irb_finalised_per_year[2021] == _irb("irb_rpd_finalized", "2021-01-01")
    for year in (2021, 2023, 2024):
        o = p.irb_outcomes[year]
        day = f"{year}-01-01"
        assert o.accepted == _irb("irb_rpd_finalized_accepted", day)
        assert o.rejected == _irb("irb_rpd_finalized_rejected", day)
        assert o.abandoned_withdrawn == _irb("irb_rpd_finalized_abandoned", day) + _irb(
            "irb_rpd_finalized_withdrawn_other", day)
        assert o.accepted + o.rejected + o.abandoned_withdrawn == _irb("irb_rpd_finalized", day)
    for year in (2017, 2019, 2020):
        assert p.rad_finalised_per_year[year] == _irb("irb_rad_finalized", f"{year}-01-01")
    assert p.rad_pending_initial == _irb("irb_rad_pending_end", "2017-01-01") - _irb(
        "irb_rad_filed", "2017-01-01") + _irb("irb_rad_finalized", "2017-01-01")


def test_processing_time_target_in_the_model_scenario() -> None:
    s = load_scenario("historical", {"processing": {"irb_wait_target_days": {"2022-01-01": 180}}})
    start = dt.date(2021, 1, 1)
    n = 730
    midx, n_m = _daily(start, n)
    referred = np.full(n, 300.0)
    base = P.run_processing(load_scenario("historical").processing, start, referred,
                            np.zeros(n), midx, n_m)
    out = P.run_processing(s.processing, start, referred, np.zeros(n), midx, n_m)
    # 2021 identical; from 2022 the backlog is cleared within the target: claims referred in
    # 2022 wait at most 180 days (in the base run they wait longer)
    assert out["irb_pending"][:12] == pytest.approx(base["irb_pending"][:12])
    assert (out["wait_days_p90"][12:] <= 180).all()
    assert (base["wait_days_p50"][12:] > 180).all()
    assert (out["irb_finalised"][12:] >= base["irb_finalised"][12:] - 1e-6).all()


@pytest.fixture(scope="module")
def two_runs() -> tuple[pl.DataFrame, pl.DataFrame]:
    over = {"start": "2022-01-01", "end": "2023-06-30", "replicates": 1}
    base = run_scenario(load_scenario("historical", over), seed=2).monthly
    more = {**over, "processing": {"irb_capacity_factor": {"2022-10-01": 2.0}}}
    cap = run_scenario(load_scenario("historical", more), seed=2).monthly
    return base, cap


def _ca(m: pl.DataFrame, name: str) -> np.ndarray:
    return m.filter((pl.col("series") == name) & (pl.col("geography") == "CA")).sort("month")[
        "value"].to_numpy()


def test_model_outputs_the_contract_rows(two_runs: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    base, _ = two_runs
    for name in ("irb_pending", "irb_referred", "irb_finalised", "wait_days_p50",
                 "wait_days_p90", "prra_applications"):
        v = _ca(base, name)
        assert len(v) == 18 and np.isfinite(v).all() and (v >= 0).all(), name
    assert (_ca(base, "wait_days_p90") >= _ca(base, "wait_days_p50")).all()


def test_model_capacity_lever_acts_from_its_date(
    two_runs: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    base, cap = two_runs
    # same seed, same claims: identical until 2022-09, then twice the finalisations
    assert _ca(cap, "irb_referred") == pytest.approx(_ca(base, "irb_referred"))
    assert _ca(cap, "irb_pending")[:9] == pytest.approx(_ca(base, "irb_pending")[:9])
    assert _ca(cap, "irb_finalised")[9:] == pytest.approx(2 * _ca(base, "irb_finalised")[9:])
    assert (_ca(cap, "irb_pending")[9:] < _ca(base, "irb_pending")[9:]).all()
    # claims served before the date wait as long; those referred from the date on, less
    assert (_ca(cap, "wait_days_p50") <= _ca(base, "wait_days_p50")).all()
    assert (_ca(cap, "wait_days_p50")[9:] < _ca(base, "wait_days_p50")[9:]).all()


@pytest.fixture(scope="module")
def c12_runs() -> tuple[pl.DataFrame, pl.DataFrame]:
    over = {"start": "2026-01-01", "end": "2026-08-31", "replicates": 1}
    on = run_scenario(load_scenario("historical", over), seed=3).monthly
    off = {**over, "law": {"reform": {"in_force": {"D_C12_RA": None}}}}
    return on, run_scenario(load_scenario("historical", off), seed=3).monthly


def test_c12_lever_drives_prra_applications(c12_runs: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    from roxham import law

    on, off = c12_runs
    ra = law.law_date("D_C12_RA")
    assert ra is not None and ra.strftime("%Y-%m") == "2026-03"
    s = load_scenario("historical")
    share = s.processing.prra_apply_share
    # (b.1): entered after 2020-06-24 and claimed more than a year later. Inland claimants'
    # days since entry: 540 and 1460 days are over a year (entries from 2022-04 on)
    days = s.cohorts.inland_days_since_entry
    over_a_year = sum(v for k, v in days.items() if k > 365) / sum(days.values())
    assert over_a_year == pytest.approx(0.35)
    prra_on, prra_off = _ca(on, "prra_applications"), _ca(off, "prra_applications")
    inland_on, inland_off = _ca(on, "claims_inland"), _ca(off, "claims_inland")
    # without C-12 nobody is found ineligible inside Canada: no PRRA application at all
    assert (prra_off == 0).all() and (prra_on[:2] == 0).all()
    # full months in force: take-up × the inland claims over a year after entry
    hand = share * over_a_year * inland_off
    assert prra_on[3:] == pytest.approx(hand[3:], rel=0.05)
    # March: in force on the 26th, about 6 days of 31
    assert 0.1 * hand[2] < prra_on[2] < 0.3 * hand[2]
    # the claims no longer referred inland are the ones found ineligible
    assert prra_on[3:] == pytest.approx(share * (inland_off - inland_on)[3:], rel=0.02)
    assert (_ca(on, "irb_referred")[3:] < _ca(off, "irb_referred")[3:]).all()
