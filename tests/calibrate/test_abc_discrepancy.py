"""Rejection ABC on the prior bank (``roxham calibrate --method abc``), its simulation-based
calibration, and the model-discrepancy widening of calibrated bands (issue 14)."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from roxham.calibrate.abc import abc_posterior, abc_sbc, bank_distances, synthetic_observed
from roxham.calibrate.bank import BANK_END, BANK_START, SimBank, build_bank
from roxham.calibrate.discrepancy import (
    Z90,
    conformal_quantile,
    fit_discrepancy,
    fit_level_steps,
    mask_observed,
    run_bands,
    widen_bounds,
)
from roxham.calibrate.distance import Observed, distance, month_range
from roxham.calibrate.executor import LocalExecutor
from roxham.calibrate.models import series_table
from roxham.calibrate.toy import ToyModel, toy_observed

from ._cli_app import calibrate_app

TRUTH = {"level": 250.0, "amp": 0.5, "peak": 4.0}


@pytest.fixture(scope="module")
def toy_bank() -> SimBank:
    return build_bank(ToyModel(), 1000, seed=5, executor=LocalExecutor(1), cache=None)


# --- the distance over the whole bank -----------------------------------------------------


def test_bank_distances_equal_the_calibration_distance_one_by_one(toy_bank: SimBank) -> None:
    """Vectorised scoring = distance() on series_table dicts, for a monthly target with a
    floor and missing months and for the same series as an annual target."""
    base = toy_observed(TRUTH, "2024-12", seed=3, missing=("2018-03", "2019-07"))
    monthly = Observed(base.series, {"toy/X": 1.0}, floors={"toy/X": 5.0},
                       frequency={"toy/X": "month"})
    yearly_vals = {str(y): sum(v for m, v in base.series["toy/X"][0].items()
                               if m.startswith(str(y))) for y in (2017, 2020)}
    yearly = Observed({"toy/X": (yearly_vals, 0)}, {"toy/X": 2.0}, frequency={"toy/X": "year"})
    for obs, start, end in ((monthly, "2017-01", "2019-12"), (yearly, "2017-01", "2021-06")):
        vec = bank_distances(toy_bank, obs, start, end)
        for i in range(0, len(toy_bank), 97):
            tab = series_table(toy_bank.months, [("toy", "X")],
                               toy_bank.series["toy/X"][i][:, None], ["toy/X"], obs.frequency)
            assert vec[i] == pytest.approx(distance(tab, obs, start, end).value, rel=1e-12)


# --- simulation-based calibration ---------------------------------------------------------


def test_sbc_of_rejection_abc_on_the_toy_model_is_near_nominal(toy_bank: SimBank) -> None:
    """60 synthetic truths (prior draws not in the bank): the truth lies in the accepted
    draws' central 90 % interval about 90 % of the time (ABC's tolerance makes it a little
    wide, never far narrower) and in the 50 % interval about half the time. Control: the same
    check with the truths shuffled against their datasets fails by far."""
    truths = build_bank(ToyModel(), 60, seed=6, executor=LocalExecutor(1), cache=None)
    obs = toy_observed(TRUTH, "2024-12", seed=3, missing=("2018-03",))
    res = abc_sbc(toy_bank, truths, obs, "2017-01", "2019-12", accept=50)
    c50, c90 = res.coverage()
    assert res.in50.shape == (60, 3)
    assert 0.85 <= c90 <= 0.99
    assert 0.40 <= c50 <= 0.75
    # control: truths paired with another dataset's posterior
    perm = np.roll(np.arange(len(truths)), 7)
    wrong = SimBank(truths.names, truths.u[perm], truths.months,
                    {k: v for k, v in truths.series.items()}, truths.hash, truths.seed)
    bad = abc_sbc(toy_bank, wrong, obs, "2017-01", "2019-12", accept=50)
    bad_level = float(bad.in90[:, 0].mean())
    assert bad_level < 0.6 < float(res.in90[:, 0].mean())


def test_synthetic_figures_follow_the_official_pattern_of_missing_months(
        toy_bank: SimBank) -> None:
    obs = toy_observed(TRUTH, "2024-12", seed=3, missing=("2018-03",))
    syn = synthetic_observed(obs, toy_bank, 4)
    vals = syn.series["toy/X"][0]
    assert "2018-03" not in vals and len(vals) == len(obs.series["toy/X"][0])
    assert vals["2017-05"] == toy_bank.series["toy/X"][4][4]


# --- model discrepancy: split-conformal scale ----------------------------------------------


def test_conformal_quantile_hand_checked() -> None:
    s = [0.01 * i for i in range(1, 11)]  # 0.01 .. 0.10
    assert conformal_quantile(s, 0.9) == pytest.approx(0.10)  # ⌈11·0.9⌉ = 10th
    assert conformal_quantile(s, 0.5) == pytest.approx(0.06)  # ⌈11·0.5⌉ = 6th
    assert conformal_quantile([0.3, 0.1, 0.2, 0.4], 0.9) == math.inf  # ⌈4.5⌉ = 5 > 4
    assert math.isnan(conformal_quantile([], 0.9))


def _flat_bank(level: float, n: int = 12) -> SimBank:
    months = month_range(BANK_START, BANK_END)
    rng = np.random.default_rng(0)
    return SimBank(["a"], rng.random((n, 1)), months,
                   {"x/A": np.full((n, len(months)), level)}, "flat", 0)


def test_discrepancy_scale_from_known_residuals() -> None:
    """Every simulation is 99 a month (a run's 5 % and 95 % quantiles are both log1p = log
    100); official months are 100·e^r − 1 with known r: the scores (the distance outside the
    band; 4 accepted draws, not more than a run's 8 replicates: one band of all of them) are
    |r|, and the scale their ⌈(n+1)·0.9⌉-th smallest: ⌈25·0.9⌉ = 23rd of 0.01..0.24."""
    months = month_range("2017-01", "2018-12")
    r = [(-1) ** i * 0.01 * (i + 1) for i in range(24)]  # |r| = 0.01 .. 0.24
    vals = {m: 100.0 * math.exp(x) - 1.0 for m, x in zip(months, r, strict=True)}
    obs = Observed({"x/A": (vals, 0)}, {"x/A": 1.0}, frequency={"x/A": "month"})
    d = fit_discrepancy(_flat_bank(99.0), obs, "2017-01", "2018-12", accept=4)
    assert d.n == {"x/A": 24}
    assert d.scales["x/A"] == pytest.approx(0.23)
    assert sorted(m for m, _ in d.scores["x/A"]) == months
    doc = d.to_json()
    assert doc["scales"]["x/A"] == pytest.approx(0.23) and doc["window"] == ["2017-01",
                                                                              "2018-12"]


def test_months_inside_the_band_do_not_widen_it() -> None:
    """Bank simulations spread 50..149 every month; with ``replicates`` = all 100 accepted
    draws the run's band in log1p is NumPy's 5 % / 95 % quantiles of log1p(50..149). Official
    months all at 100 lie inside it: every score is negative and the scale is 0 (never
    narrowed). All at 200: every score, and so the scale, is log1p(200) − that 95 % quantile."""
    months = month_range(BANK_START, BANK_END)
    n = 100
    series = np.repeat(np.arange(50.0, 50.0 + n)[:, None], len(months), axis=1)
    bank = SimBank(["a"], np.random.default_rng(0).random((n, 1)), months,
                   {"x/A": series}, "spread", 0)
    fit = month_range("2017-01", "2018-12")
    inside = Observed({"x/A": ({m: 100.0 for m in fit}, 0)}, {"x/A": 1.0},
                      frequency={"x/A": "month"})
    d = fit_discrepancy(bank, inside, "2017-01", "2018-12", accept=n, replicates=n)
    assert d.scales["x/A"] == 0.0
    assert all(x < 0 for _, x in d.scores["x/A"])
    above = Observed({"x/A": ({m: 200.0 for m in fit}, 0)}, {"x/A": 1.0},
                     frequency={"x/A": "month"})
    d = fit_discrepancy(bank, above, "2017-01", "2018-12", accept=n, replicates=n)
    q95 = float(np.quantile(np.log1p(np.arange(50.0, 150.0)), 0.95))
    assert d.scales["x/A"] == pytest.approx(math.log1p(200.0) - q95)
    # a run of 8 replicates shows a narrower band than all 100 draws: a larger scale
    d8 = fit_discrepancy(bank, above, "2017-01", "2018-12", accept=n, replicates=8)
    assert d8.scales["x/A"] > d.scales["x/A"] and d8.to_json()["replicates"] == 8


def test_run_bands_are_bands_of_r_draws() -> None:
    """Against every 2-subset of 4 draws (6 of them), enumerated by hand: each band is the
    linear 5 % / 95 % quantiles of one of them (for 2 values a < b: a + 0.05·(b − a),
    a + 0.95·(b − a)), and over many runs each subset comes up about equally often."""
    import itertools

    x = np.array([0.0, 1.0, 4.0, 9.0])
    lx = np.log1p(x)
    pairs = {(round(a + 0.05 * (b - a), 9), round(a + 0.95 * (b - a), 9))
             for a, b in itertools.combinations(sorted(lx), 2)}
    lo, hi = run_bands(x[:, None], 2, subsets=6_000)
    assert lo.shape == (6_000, 1)
    got = [(round(float(a), 9), round(float(b), 9)) for a, b in zip(lo[:, 0], hi[:, 0],
                                                                     strict=True)]
    assert set(got) == pairs
    counts = [got.count(p) for p in pairs]
    assert min(counts) > 800 and max(counts) < 1200  # 1,000 expected each
    lo4, hi4 = run_bands(x[:, None], 4)  # not more rows than replicates: all of them, once
    assert lo4.shape == (1, 1)
    assert (lo4[0, 0], hi4[0, 0]) == pytest.approx(tuple(np.quantile(lx, [0.05, 0.95])))


def test_each_held_out_year_is_predicted_without_its_own_figures() -> None:
    """mask_observed drops the group's months (and, for annual targets, its years); so a
    posterior for the held-out year is the same whatever that year's figures say."""
    obs = toy_observed(TRUTH, "2024-12", seed=3)
    g = month_range("2018-01", "2018-12")
    masked = mask_observed(obs, g)
    assert not set(g) & set(masked.series["toy/X"][0])
    bank = build_bank(ToyModel(), 200, seed=5, executor=LocalExecutor(1), cache=None)
    poisoned = Observed({"toy/X": ({m: (1e6 if m in g else v) for m, v in
                                    obs.series["toy/X"][0].items()}, 0)},
                        dict(obs.weights), frequency={"toy/X": "month"})
    a = abc_posterior(bank, mask_observed(obs, g), "2017-01", "2019-12", 20)
    b = abc_posterior(bank, mask_observed(poisoned, g), "2017-01", "2019-12", 20)
    assert a.rows.tolist() == b.rows.tolist()
    yearly = Observed({"k/A": ({"2017": 1.0, "2018": 2.0}, 0)}, {"k/A": 1.0},
                      frequency={"k/A": "year"})
    assert mask_observed(yearly, ["2018-05"]).series["k/A"][0] == {"2017": 1.0}


def test_widening_hand_checked_and_never_narrows() -> None:
    # band [90, 110], scale log 1.1 (log1p space): [91/1.1 − 1, 111·1.1 − 1] = [81.727, 121.1]
    lo, hi = widen_bounds([90.0], [110.0], math.log(1.1))
    assert lo[0] == pytest.approx(91 / 1.1 - 1) and hi[0] == pytest.approx(121.1)
    lo, hi = widen_bounds([0.0], [1.0], 2.0)
    assert lo[0] == 0.0 and hi[0] == pytest.approx(2 * math.e ** 2 - 1)
    assert widen_bounds([3.0], [4.0], 0.0) == ([3.0], [4.0])
    rng = np.random.default_rng(1)
    med = rng.uniform(0, 500, 200)
    a, b = med - rng.uniform(0, 50, 200), med + rng.uniform(0, 50, 200)
    for q in (0.0, 0.05, 0.5):
        lo2, hi2 = widen_bounds(a, b, q)
        assert (np.asarray(lo2) <= np.maximum(a, 0.0) * (1 + 1e-12)).all()
        assert (np.asarray(hi2) >= b * (1 - 1e-12)).all()


# --- the band of a calibrated run; compare's paired band ----------------------------------


def _with_discrepancy(pf: Any, scales: dict[str, float],
                      steps: dict[str, float] | None = None) -> Any:
    from roxham.calibrate.paramfile import ParameterFile

    data = copy.deepcopy(pf.data)
    data["discrepancy"] = {"scales": scales, "window": ["2017-01", "2022-12"], "level": 0.9,
                           **({"level_steps": steps} if steps is not None else {})}
    return ParameterFile(data, pf.where)


def test_level_steps_are_the_random_walk_part_of_the_residuals() -> None:
    """Every simulation is 99 a month (median log1p = log 100), so the residuals are the
    official months' log1p minus log 100 exactly: the step is level_step_variogram of them
    (a month without a figure left out), and a random walk of step 0.2 under month noise of
    0.1 over 2017..2022 gives a step near 0.2."""
    from roxham.metrics import level_step_variogram

    months = month_range("2017-01", "2022-12")
    rng = np.random.default_rng(3)
    r = np.cumsum(0.2 * rng.standard_normal(len(months))) + 0.1 * rng.standard_normal(
        len(months))
    vals = {m: 100.0 * math.exp(x) - 1.0 for m, x in zip(months, r, strict=True)
            if m != "2019-05"}
    obs = Observed({"x/A": (vals, 1)}, {"x/A": 1.0}, frequency={"x/A": "month"})
    steps = fit_level_steps(_flat_bank(99.0), obs, "2017-01", "2022-12", accept=4)
    expect = level_step_variogram([x if m != "2019-05" else np.nan
                                   for m, x in zip(months, r, strict=True)])
    assert steps["x/A"] == pytest.approx(expect)
    assert 0.1 < steps["x/A"] < 0.3


def test_after_the_window_the_band_widens_with_the_months_since() -> None:
    from roxham.calibrate.runs import load_calibration, run_with_calibration
    from roxham.models.canada_us.scenario import load_scenario

    pf = load_calibration()
    assert pf is not None
    key = "claims_airport/CA"
    base = _with_discrepancy(pf, {key: 0.1})
    walk = _with_discrepancy(pf, {key: 0.1}, {key: 0.3})
    s = load_scenario("historical", {"start": "2022-11-01", "end": "2023-02-28"})
    a = run_with_calibration(s, 3, 3, base)
    b = run_with_calibration(s, 3, 3, walk)
    assert a.monthly["value"].to_list() == b.monthly["value"].to_list()
    sel = (pl.col("series") == "claims_airport") & (pl.col("geography") == "CA")
    wa, wb = a.monthly.filter(sel).sort("month"), b.monthly.filter(sel).sort("month")
    k = np.array([max(0, (int(m[:4]) - 2022) * 12 + int(m[5:7]) - 12) for m in wa["month"]])
    assert k.tolist() == [0, 0, 1, 2]
    # by hand: months up to 2022-12 as before; k months after it pushed out 1.645·0.3·√k more
    np.testing.assert_allclose(
        wb["p95"].to_numpy(), np.expm1(np.log1p(wa["p95"].to_numpy()) + Z90 * 0.3 * np.sqrt(k)))
    np.testing.assert_allclose(
        wb["p05"].to_numpy(),
        np.maximum(np.expm1(np.log1p(wa["p05"].to_numpy()) - Z90 * 0.3 * np.sqrt(k)), 0.0))
    assert a.monthly.filter(~sel).equals(b.monthly.filter(~sel))
    assert "level drift" in b.manifest["band"]["covers"]
    assert "level drift" not in a.manifest["band"]["covers"]


def test_run_band_only_widens_and_compare_paired_band_is_unchanged() -> None:
    import polars as pl

    from roxham.calibrate.runs import load_calibration, run_with_calibration
    from roxham.models.canada_us.scenario import load_scenario
    from roxham.report.run_report import summary_differences
    from roxham.store.result import replicates_frame

    pf = load_calibration()
    assert pf is not None
    plain = _with_discrepancy(pf, {})
    plain.data.pop("discrepancy")
    key = "rcmp_interceptions/QC"
    wide = _with_discrepancy(pf, {key: 0.5})
    over = {"end": "2017-04-30"}
    runs = {}
    for name in ("historical", "no-protocol"):
        s = load_scenario(name, over)
        runs[name] = (run_with_calibration(s, 3, 3, plain), run_with_calibration(s, 3, 3, wide))
    a0, a1 = runs["historical"]
    assert np.array_equal(a0.replicate_monthly, a1.replicate_monthly)
    assert a0.monthly["value"].to_list() == a1.monthly["value"].to_list()
    assert (a1.monthly["p05"] <= a0.monthly["p05"]).all()
    assert (a1.monthly["p95"] >= a0.monthly["p95"]).all()
    sel = (pl.col("series") == "rcmp_interceptions") & (pl.col("geography") == "QC")
    w0, w1 = a0.monthly.filter(sel), a1.monthly.filter(sel)
    # by hand: p95 pushed out by 0.5 in log1p, p05 likewise down (never under 0)
    np.testing.assert_allclose(w1["p95"].to_numpy(),
                               np.expm1(np.log1p(w0["p95"].to_numpy()) + 0.5))
    np.testing.assert_allclose(
        w1["p05"].to_numpy(),
        np.maximum(np.expm1(np.log1p(w0["p05"].to_numpy()) - 0.5), 0.0))
    assert (w1["p95"] > w0["p95"]).all()
    assert a0.monthly.filter(~sel).equals(a1.monthly.filter(~sel))
    assert "model discrepancy" in a1.manifest["band"]["covers"]
    assert "model discrepancy" not in a0.manifest["band"]["covers"]
    # the point estimate (no posterior draws): never widened
    s = load_scenario("historical", over)
    pt = run_with_calibration(s, 3, 2, wide, posterior=False)
    pt0 = run_with_calibration(s, 3, 2, plain, posterior=False)
    assert pt.monthly.equals(pt0.monthly)

    def diffs(i: int) -> list[dict[str, Any]]:
        ra, rb = runs["historical"][i], runs["no-protocol"][i]
        return summary_differences(
            ra.monthly, rb.monthly, replicates_frame(ra.replicate_monthly, ra.months, ra.columns),
            replicates_frame(rb.replicate_monthly, rb.months, rb.columns))

    d0, d1 = diffs(0), diffs(1)
    assert d0 and [(r["diff"], r["diff_p05"], r["diff_p95"]) for r in d0] == \
        [(r["diff"], r["diff_p05"], r["diff_p95"]) for r in d1]


# --- roxham calibrate --method abc end to end (toy model) ---------------------------------


class _CliToy(ToyModel):
    def base_dict(self) -> dict[str, Any]:
        return {"level": 100.0, "amp": 0.3, "peak": 7}

    def base_hash(self) -> str:
        return "toy"




def test_calibrate_abc_cli_writes_a_parameter_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import sys

    import roxham.cli.calibrate_cmd as cc
    from roxham.calibrate.paramfile import read_parameter_file
    from roxham.cli._common import EXIT_BAD_INPUT, run_app

    monkeypatch.setenv("ROXHAM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cc, "_model", lambda scenario: _CliToy())
    dist = sys.modules["roxham.calibrate.distance"]  # the package exports a function so named
    monkeypatch.setattr(dist, "load_observed",
                        lambda targets: toy_observed(TRUTH, "2024-12", seed=3))
    out = tmp_path / "abc.yaml"
    args = ["calibrate", "--method", "abc", "--budget", "300", "--accept", "20", "-w", "1",
            "--train-end", "2019-12", "-o", str(out), "--json"]
    assert run_app(calibrate_app(), args) == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    pf = read_parameter_file(out)
    names, samples, weights = pf.posterior()
    assert names == ["level", "amp", "peak"] and len(samples) == 20
    assert weights == pytest.approx([1 / 20] * 20)
    d = pf.data["posterior"]["distances"]
    assert d == sorted(d) and pf.data["method"]["tolerance"] == pytest.approx(d[-1])
    assert pf.data["method"]["bank"]["simulations"] == 300
    assert pf.data["train"] == {"start": "2017-01", "end": "2019-12"}
    assert [pf.parameters[n] for n in names] in samples  # the point is an accepted draw
    assert abs(math.log(pf.parameters["level"] / TRUTH["level"])) < 0.5
    assert set(pf.discrepancy) == {"toy/X"} and 0 <= pf.discrepancy["toy/X"] < math.inf
    assert printed["point"] == pf.parameters and printed["wall_s"] > 0
    # same seed, bank read back from the cache: the same file contents
    again = tmp_path / "again.yaml"
    assert run_app(calibrate_app(), [*args[:-3], "-o", str(again)]) == 0
    assert read_parameter_file(again).data["posterior"] == pf.data["posterior"]
    assert read_parameter_file(again).parameters == pf.parameters
    capsys.readouterr()
    assert run_app(calibrate_app(), ["calibrate", "--method", "abc", "--budget", "10", "--accept",
                            "20", "-o", str(out)]) == EXIT_BAD_INPUT
    assert "--accept" in capsys.readouterr().err
