"""Metrics shared by fit reports, calibration and the forecast backtest: hand-computed values
(sMAPE, CRPS, coverage, MASE), an independent CRPS integral, baselines on known series."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import roxham.metrics
from roxham.metrics import (
    central_interval,
    crps_quantiles,
    crps_samples,
    interval_coverage,
    last_value,
    mase,
    mase_scale,
    seasonal_naive,
    smape,
    statistical_forecast,
)


def test_docstring_examples() -> None:
    res = doctest.testmod(roxham.metrics)
    assert res.failed == 0 and res.attempted > 0


def test_hand_computed_values() -> None:
    assert smape([10.0, 20.0], [10.0, 20.0]) == 0.0
    assert smape([0.0], [5.0]) == 200.0  # worst
    assert smape([0.0, 0.0], [0.0, 0.0]) == 0.0  # 0/0 counts as agreement
    assert smape([30.0], [10.0]) == pytest.approx(100.0)  # 2·20/40
    assert smape([30.0], [10.0], floor=40.0) == pytest.approx(50.0)  # 2·20/80


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError):
        smape([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        smape([], [])


# --- CRPS, coverage, MASE, baselines (issue 13 item 7) -----------------------------------

def test_crps_of_samples_by_hand() -> None:
    # samples 1, 2, 4 at y = 3: E|X−y| = (2+1+1)/3; E|X−X'| over 9 ordered pairs
    # = 2·(1+3+2)/9 = 4/3; CRPS = 4/3 − 2/3
    assert float(crps_samples([1.0, 2.0, 4.0], 3.0)) == pytest.approx(2.0 / 3.0)
    # two samples 0 and 10 at y = 5: ∫(F − 1{x ≥ 5})² = 0.25·5 + 0.25·5 = 2.5
    assert float(crps_samples([0.0, 10.0], 5.0)) == pytest.approx(2.5)
    # a point mass at the outcome scores 0; at distance d it scores d
    assert float(crps_samples([7.0, 7.0, 7.0], 7.0)) == 0.0
    assert float(crps_samples([7.0], 4.0)) == pytest.approx(3.0)


def test_crps_of_samples_column_by_column() -> None:
    x = np.array([[1.0, 0.0], [2.0, 10.0], [4.0, 7.0]])
    got = crps_samples(x, np.array([3.0, 5.0]))
    assert got.shape == (2,)
    assert got[0] == pytest.approx(2.0 / 3.0)
    assert got[1] == pytest.approx(float(crps_samples([0.0, 10.0, 7.0], 5.0)))


def test_crps_of_samples_matches_the_integral_definition() -> None:
    # an independent computation: ∫ (F_n(z) − 1{z ≥ y})² dz on a fine grid
    rng = np.random.default_rng(3)
    x = rng.gamma(2.0, 3.0, 40)
    y = 4.2
    z = np.linspace(-1.0, x.max() + 2.0, 400_001)
    f = np.searchsorted(np.sort(x), z, side="right") / x.size
    integral = float(np.sum((f - (z >= y)) ** 2) * (z[1] - z[0]))
    assert float(crps_samples(x, y)) == pytest.approx(integral, rel=1e-3)


def test_crps_from_quantiles_by_hand_and_against_the_normal_formula() -> None:
    # pinball at τ = 0.5, q = 2, y = 4: (0 − 0.5)(2 − 4) = 1 → CRPS ≈ 2·1
    assert float(crps_quantiles({0.5: 2.0}, 4.0)) == pytest.approx(2.0)
    # τ = 0.25, q = 1 and τ = 0.75, q = 3 at y = 2: 0.25 and 0.25 → 2·0.5/2
    assert float(crps_quantiles({0.25: 1.0, 0.75: 3.0}, 2.0)) == pytest.approx(0.5)
    # with many levels it converges to the closed form of N(0, σ²):
    # σ [z(2Φ(z) − 1) + 2φ(z) − 1/√π]
    from statistics import NormalDist

    nd = NormalDist(0.0, 2.0)
    levels = [(i + 0.5) / 400 for i in range(400)]
    y = 1.3
    zz = y / 2.0
    exact = 2.0 * (zz * (2 * NormalDist().cdf(zz) - 1) + 2 * NormalDist().pdf(zz)
                   - 1 / math.sqrt(math.pi))
    approx = float(crps_quantiles({t: nd.inv_cdf(t) for t in levels}, y))
    assert approx == pytest.approx(exact, rel=0.01)
    with pytest.raises(ValueError):
        crps_quantiles({1.0: 3.0}, 1.0)


def test_intervals_and_coverage_by_hand() -> None:
    lo, hi = central_interval(np.arange(1.0, 12.0), 0.5)  # 1..11: quartiles 3.5 and 8.5
    assert (float(lo), float(hi)) == (3.5, 8.5)
    assert interval_coverage([0, 0, 0], [2, 2, 2], [0.0, 2.0, 2.5]) == pytest.approx(2 / 3)
    assert math.isnan(interval_coverage([], [], []))


def test_mase_scale_lag12_then_lag1_fallback() -> None:
    h = {f"2019-{m:02d}": float(m) for m in range(1, 13)}
    h.update({f"2020-{m:02d}": float(m) + (4.0 if m % 2 else -2.0) for m in range(1, 13)})
    # 12 lag-12 pairs, errors alternately 4 and 2 → 3
    assert mase_scale(h) == (3.0, 12)
    # fewer than 3 lag-12 pairs: lag 1 over consecutive months
    short = {"2020-01": 10.0, "2020-02": 14.0, "2020-03": 8.0, "2021-01": 9.0}
    assert mase_scale(short) == (5.0, 1)  # |14−10|, |8−14|; 2021-01 has no neighbour
    # a gap breaks pairs: no figure next to another → nan
    s, lag = mase_scale({"2020-01": 1.0, "2020-03": 2.0})
    assert math.isnan(s) and lag == 0
    assert mase([3.0, 5.0], [1.0, 5.0], 4.0) == 0.25
    assert math.isnan(mase([1.0], [2.0], 0.0))


def test_naive_baselines_by_hand() -> None:
    h = {"2022-01": 5.0, "2022-06": 9.0, "2023-01": 6.0}
    assert seasonal_naive(h, ["2024-01", "2024-06", "2024-07"]) == {"2024-01": 6.0,
                                                                    "2024-06": 9.0}
    assert last_value(h, ["2023-02", "2023-03"]) == {"2023-02": 6.0, "2023-03": 6.0}
    assert last_value({}, ["2023-02"]) == {}


def _seasonal_history(years: int, start: int = 2015) -> dict[str, float]:
    pattern = [100, 120, 150, 200, 260, 300, 320, 280, 220, 170, 130, 110]
    return {f"{start + y}-{m + 1:02d}": float(pattern[m]) for y in range(years)
            for m in range(12)}


def test_statistical_forecast_follows_a_pure_seasonal_pattern() -> None:
    h = _seasonal_history(4)
    months = [f"2019-{m:02d}" for m in range(1, 13)]
    f = statistical_forecast(h, months, method="ets", draws=300, seed=1)
    assert f.method == "AutoETS(season 12)"
    assert f.fitted_on == ("2015-01", "2018-12")
    expected = np.array([h[f"2018-{m:02d}"] for m in range(1, 13)])
    assert np.allclose(f.point, expected, rtol=0.03)
    assert f.samples.shape == (300, 12) and (f.samples >= 0).all()
    again = statistical_forecast(h, months, method="ets", draws=300, seed=1)
    assert np.array_equal(f.samples, again.samples)


def test_statistical_forecast_fits_the_latest_run_and_counts_steps_from_its_end() -> None:
    h = _seasonal_history(3)  # 2015-01..2017-12
    h.update({"2018-03": 50.0, "2018-04": 52.0, "2018-05": 51.0})  # after a 2-month gap
    f = statistical_forecast(h, ["2018-07", "2018-08"], draws=50, seed=2)
    # only three months in the latest run: a random walk from its last figure
    assert f.fitted_on == ("2018-03", "2018-05")
    assert f.method == "random walk (log scale)"
    assert np.allclose(f.point, 51.0)
    with pytest.raises(ValueError):
        statistical_forecast(h, ["2018-05"])


def test_statistical_forecast_arima_runs() -> None:
    f = statistical_forecast(_seasonal_history(3), ["2018-01", "2018-02"], method="arima",
                             draws=10, seed=1)
    assert f.method.startswith("AutoARIMA") and f.point.shape == (2,)
    assert np.all(np.isfinite(f.point))


def test_smape_rows_equals_smape_row_by_row() -> None:
    """The vectorised sMAPE (a bank scored at once) against the scalar definition, row by
    row, including zeros on both sides (a term of 0) and a floor."""
    import numpy as np

    from roxham.metrics import smape, smape_rows

    rng = np.random.default_rng(4)
    sim = rng.integers(0, 5, size=(50, 12)).astype(float)
    obs = rng.integers(0, 5, size=12).astype(float)
    for floor in (0.0, 3.0):
        got = smape_rows(sim, obs, floor)
        want = [smape(row.tolist(), obs.tolist(), floor) for row in sim]
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12)
