"""roxham.statforecast: AutoETS/AutoARIMA wrapper, robust to short, zero and missing series."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from roxham import statforecast as sf


def _seasonal(n: int, level: float = 500.0) -> np.ndarray:
    m = np.arange(n)
    return level * (1 + 0.3 * np.sin(2 * np.pi * m / 12))


def test_seasonal_series_forecast_follows_the_season_and_quantiles_are_ordered() -> None:
    y = _seasonal(72)
    f = sf.forecast(y, 12, n_samples=400, seed=3)
    assert f.method.startswith("AutoETS")
    # a noiseless seasonal series: the forecast repeats the last year within 5 %
    np.testing.assert_allclose(f.point, y[-12:], rtol=0.05)
    q = f.quantiles()
    assert np.all(q[0.05] <= q[0.25]) and np.all(q[0.25] <= q[0.5])
    assert np.all(q[0.5] <= q[0.75]) and np.all(q[0.75] <= q[0.95])
    np.testing.assert_allclose(q[0.5], f.point)
    assert f.samples.shape == (400, 12) and np.all(f.samples >= 0)


def test_samples_match_the_quantiles() -> None:
    rng = np.random.default_rng(0)
    y = np.exp(rng.normal(6, 0.3, 60))
    f = sf.forecast(y, 6, n_samples=4000, seed=1)
    inside = np.mean((f.samples >= f.quantile(0.05)) & (f.samples <= f.quantile(0.95)), axis=0)
    assert np.all(np.abs(inside - 0.9) < 0.03)


def test_seed_fixes_the_samples() -> None:
    y = _seasonal(40)
    a = sf.forecast(y, 4, seed=7).samples
    b = sf.forecast(y, 4, seed=7).samples
    c = sf.forecast(y, 4, seed=8).samples
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_missing_values_are_interpolated_inside_and_dropped_at_the_ends() -> None:
    y = list(_seasonal(40))
    y[10] = np.nan
    y[20] = np.nan
    f = sf.forecast([np.nan, np.nan, *y, np.nan], 3)
    assert f.n_filled == 2 and f.n_obs == 40


def test_short_series_fall_back() -> None:
    assert sf.forecast([5.0, 7.0, 6.0], 4).method == "mean"
    f = sf.forecast(_seasonal(15), 4)  # too short for a season
    assert f.method == "AutoETS (no season)"
    assert sf.forecast([], 2).method == "zero"


def test_all_zero_forecasts_zero_and_zeros_inside_are_fine() -> None:
    f = sf.forecast(np.zeros(30), 5)
    assert f.method == "zero" and np.all(f.samples == 0) and np.all(f.point == 0)
    y = _seasonal(36)
    y[5:9] = 0.0
    assert np.all(np.isfinite(sf.forecast(y, 3).point))


def test_arima_runs() -> None:
    f = sf.forecast(_seasonal(48), 3, method="arima", n_samples=10)
    assert f.method.startswith("AutoARIMA") and f.point.shape == (3,)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="negative"):
        sf.forecast([1.0, -2.0, 3.0], 2)
    with pytest.raises(ValueError, match="h must"):
        sf.forecast([1.0, 2.0], 0)


def test_imports_no_other_roxham_package() -> None:
    src = Path(sf.__file__).read_text(encoding="utf-8")
    mods = [n.module or "" for n in ast.walk(ast.parse(src)) if isinstance(n, ast.ImportFrom)]
    mods += [a.name for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Import)
             for a in n.names]
    assert not [m for m in mods if m.startswith("roxham")]
