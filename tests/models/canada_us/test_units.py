"""Small pieces checked against hand-computed values, and the modules' doctests."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roxham.models.canada_us.cohorts import (
    FAMILY_KINDS,
    NATIONALITIES,
    profile_table,
    profile_weights,
    visa_req_ca,
)
from roxham.models.canada_us.demand import shock_factor
from roxham.models.canada_us.geography import PLACES, great_circle_km, route_km
from roxham.models.canada_us.observed import smape
from roxham.models.canada_us.scenario import Shock, deep_merge

MODULES = ["cohorts", "demand", "geography", "law_oracle", "observed",
           "scenario", "model"]


@pytest.mark.parametrize("mod", MODULES)
def test_doctests(mod: str) -> None:
    m = importlib.import_module(f"roxham.models.canada_us.{mod}")
    res = doctest.testmod(m)
    assert res.failed == 0 and res.attempted > 0


def test_geography_distances() -> None:
    # Roxham Road is a few km west of the Lacolle port (Wikipedia coordinates)
    assert 1.0 < great_circle_km(PLACES["roxham"], PLACES["lacolle"]) < 3.0
    # New York → Plattsburgh ≈ 446 km great-circle; road ≈ ×1.2
    assert route_km("nyc", "roxham", 1.2) == pytest.approx(
        1.2 * (great_circle_km(PLACES["nyc"], PLACES["plattsburgh"])
               + great_circle_km(PLACES["plattsburgh"], PLACES["roxham"])))


def test_visa_dates_for_mexico() -> None:
    assert visa_req_ca("MX", dt.date(2016, 11, 30))
    assert not visa_req_ca("MX", dt.date(2016, 12, 1))
    assert not visa_req_ca("MX", dt.date(2024, 2, 28))
    assert visa_req_ca("MX", dt.date(2024, 2, 29))
    assert all(visa_req_ca(n, dt.date(2020, 1, 1)) for n in NATIONALITIES if n != "MX")


def test_smape_hand_values() -> None:
    assert smape([110.0], [100.0]) == pytest.approx(200 * 10 / 210)
    assert smape([0.0, 5.0], [0.0, 5.0]) == 0.0
    assert smape([1.0], [0.0]) == 200.0


def test_shock_ramp() -> None:
    s = Shock(name="r", start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 11), multiplier=5.0,
              ramp_days=4)
    f = shock_factor([dt.date(2020, 1, d) for d in range(1, 12)], s)
    assert f.tolist() == [2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0, 4.0, 3.0, 2.0, 1.0]


#: small in development, larger in CI (.ci/run sets CI=1); per test, not a global profile
PROPERTY_SETTINGS = settings(max_examples=300 if os.environ.get("CI") else 50, deadline=None)


@PROPERTY_SETTINGS
@given(
    st.dictionaries(st.sampled_from(list(NATIONALITIES)), st.floats(0.01, 10), min_size=1),
    st.fixed_dictionaries({k: st.floats(0, 0.2) for k in FAMILY_KINDS if k != "none"}),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_profile_weights_are_a_distribution(nat: dict[str, float], fam: dict[str, float],
                                            uam: float, trv: float) -> None:
    ps = profile_table()
    w = profile_weights(ps, nat, fam, uam, trv)
    assert np.all(w >= 0) and w.sum() == pytest.approx(1.0)
    for code, share in nat.items():
        got = sum(wi for wi, p in zip(w, ps, strict=True) if p.nat == code)
        assert got == pytest.approx(share / sum(nat.values()))


@PROPERTY_SETTINGS
@given(st.recursive(st.integers() | st.text(max_size=3),
                    lambda c: st.dictionaries(st.text(max_size=2), c, max_size=3), max_leaves=8),
       st.recursive(st.integers() | st.text(max_size=3),
                    lambda c: st.dictionaries(st.text(max_size=2), c, max_size=3), max_leaves=8))
def test_deep_merge_laws(a: object, b: object) -> None:
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return
    m = deep_merge(a, b)
    assert set(m) == set(a) | set(b)
    for k, v in b.items():
        if not (isinstance(v, dict) and isinstance(a.get(k), dict)):
            assert m[k] == v
    assert deep_merge(m, b) == m  # idempotent
