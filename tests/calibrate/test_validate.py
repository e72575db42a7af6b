"""Validation metrics and baselines against hand-computed values; ensembles; sensitivity."""

from __future__ import annotations

import math

import polars as pl
import pytest

from roxham.calibrate import LocalExecutor
from roxham.calibrate.distance import Observed
from roxham.calibrate.ensemble import draw_parameters, ensemble, quantile_bands
from roxham.calibrate.sensitivity import morris
from roxham.calibrate.toy import TOY_SPACE, ToyModel, toy_observed
from roxham.calibrate.validate import (
    last_value_forecast,
    mase,
    mase_scale,
    protocol_change,
    seasonal_naive_forecast,
    skill_table,
)


def test_baselines_and_skill_by_hand() -> None:
    # training 2021-01..2022-12 with two gaps; test 2023-01..2023-03
    train = {f"2021-{m:02d}": 10.0 * m for m in range(1, 13)}
    train.update({f"2022-{m:02d}": 10.0 * m + 5 for m in range(1, 13) if m != 2})
    test = {"2023-01": 20.0, "2023-02": 30.0, "2023-03": 10.0}
    obs = Observed({"s/X": ({**train, **test}, 0)}, {"s/X": 1.0})
    sn = seasonal_naive_forecast(train, list(test))
    # Feb 2022 missing → falls back to Feb 2021 (20)
    assert sn == {"2023-01": 15.0, "2023-02": 20.0, "2023-03": 35.0}
    assert last_value_forecast(train, list(test)) == {m: 125.0 for m in test}
    # lag-12 pairs: 11 months of 2022 vs 2021, each |+5| → scale 5
    assert mase_scale(train) == 5.0
    model = {"s/X": {"2023-01": 20.0, "2023-02": 20.0, "2023-03": 20.0}}
    [row] = skill_table(model, obs, "2021-01", "2022-12", "2023-03")
    assert row.n == 3
    assert row.model_mase == pytest.approx((0 + 10 + 10) / 3 / 5)
    assert row.seasonal_mase == pytest.approx((5 + 10 + 25) / 3 / 5)
    assert row.last_mase == pytest.approx((105 + 95 + 115) / 3 / 5)
    assert row.model_smape == pytest.approx(100 * (0 + 20 / 50 + 20 / 30) / 3)


def test_mase_scale_falls_back_to_lag_one_and_nan_without_pairs() -> None:
    assert mase_scale({"2020-01": 1.0, "2020-02": 4.0, "2020-04": 0.0}) == 3.0
    assert math.isnan(mase_scale({"2020-01": 1.0}))
    assert math.isnan(mase([1.0], [2.0], 0.0))


def test_protocol_change_uses_the_same_months_on_both_sides() -> None:
    # official QC interceptions (IRCC via roxham.data): Jan-Mar 2023 4875, 4517, 4087;
    # Apr 2023: 69; May-Dec 2023 not published (skipped, not zero).
    obs = {"2023-01": 4875.0, "2023-02": 4517.0, "2023-03": 4087.0, "2023-04": 69.0}
    sim = {f"2023-{m:02d}": v for m, v in zip(range(1, 7), (100, 100, 100, 50, 0, 0),
                                               strict=True)}
    r = protocol_change(sim, obs, "2023-01", "2023-06")
    assert r is not None
    assert r["post_months"] == ["2023-04"]
    assert r["observed"] == pytest.approx(69 / ((4875 + 4517 + 4087) / 3) - 1, abs=1e-4)
    assert r["simulated"] == pytest.approx(-0.5)
    assert protocol_change(sim, obs, "2023-04", "2023-06") is None


def test_official_qc_figures_around_the_protocol() -> None:
    from roxham.calibrate import load_observed
    from roxham.calibrate.distance import Target

    obs = load_observed([Target("rcmp_interceptions", "QC")])
    figs, missing = obs.window("rcmp_interceptions/QC", "2023-01", "2023-06")
    # QC 2023-01..04 (4,875, 4,517, 4,087, 69) are known only from a blog (canucklaw.ca) and
    # a copy site (actualnewsmagazine.com), graded weak: targets drop them (issue 12)
    assert figs == {}
    assert missing == ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]
    figs, _ = obs.window("rcmp_interceptions/QC", "2022-10", "2022-12")
    assert figs == {"2022-10": 3901.0, "2022-11": 3731.0, "2022-12": 4689.0}  # IRCC 2022 page


def test_draws_follow_weights_and_bands_are_ordered() -> None:
    d = draw_parameters(["a"], [[1.0], [2.0], [3.0]], [0.0, 0.5, 0.5], 200, seed=3)
    vals = [x["a"] for x in d]
    assert 1.0 not in vals and 60 < vals.count(2.0) < 140
    assert draw_parameters(["a"], [], [], 2, 1, point={"a": 5.0}) == [{"a": 5.0}] * 2
    params = [{"level": 100.0, "amp": 0.2, "peak": 3.0}] * 6
    draws, bands = ensemble(ToyModel(), params, "2017-12", seed=2, executor=LocalExecutor(1))
    assert draws["draw"].n_unique() == 6 and bands.height == 12
    assert (bands["p05"] <= bands["p50"]).all() and (bands["p50"] <= bands["p95"]).all()
    # the mean over draws of a Poisson(100·(1+0.2 sin)) stays within 5 sd of λ
    jan = bands.filter(pl.col("month") == "2017-01")["mean"][0]
    lam = 100 * (1 + 0.2 * math.sin(2 * math.pi * (1 - 3) / 12))
    assert abs(jan - lam) < 5 * math.sqrt(lam / 6)
    again = quantile_bands(draws)
    assert again.equals(bands)


def test_morris_finds_the_parameter_that_matters() -> None:
    # the toy's distance depends strongly on level, weakly on peak when amp is small
    obs = toy_observed({"level": 300.0, "amp": 0.05, "peak": 6.0}, "2018-12")
    res = morris(ToyModel(), trajectories=6, seed=2, train_end="2018-12",
                 executor=LocalExecutor(1), outputs=(("toy", "X"),), observed=obs)
    assert res.n_simulations == 6 * (len(TOY_SPACE) + 1)
    assert res.ranking[0] == "level"
    assert res.mu_star["toy/X"]["level"] == max(res.mu_star["toy/X"].values())


def test_backtest_over_two_origins_on_the_toy_model() -> None:
    from roxham.calibrate.validate import render_validation_report, validate_model

    obs = toy_observed({"level": 300.0, "amp": 0.5, "peak": 7.0}, "2019-12")
    vals = [validate_model(ToyModel(), train_end=e, test_end="2019-12", budget=80, draws=4,
                           executor=LocalExecutor(1), observed=obs) for e in ("2018-06",
                                                                              "2018-12")]
    assert [v.skill[0].n for v in vals] == [18, 12]
    for v in vals:
        r = v.skill[0]
        # a seasonal series: the fitted seasonal model beats the last value
        assert r.model_mase < r.last_mase
        assert v.protocol is None  # no Quebec series, no protocol figure
    html = render_validation_report(vals, obs, "toy")
    assert "Origin 2018-06" in html and "Origin 2018-12" in html
