"""A parameter draw updates the build (``update_build``) instead of building everything
again, and the updated build runs exactly like a full build of the same scenario."""

from __future__ import annotations

import numpy as np
import pytest

from roxham.calibrate import CanadaUSModel
from roxham.models.canada_us import model as M
from roxham.models.canada_us.scenario import load_scenario


def _same_run(a: M.Built, b: M.Built, seed: int) -> None:
    ra = M.run_replicate(a, seed)
    rb = M.run_replicate(b, seed)
    for k in ("out", "choices", "state_counts"):
        assert np.array_equal(ra[k], rb[k]), k
    assert ra["n_agents"] == rb["n_agents"] and ra["agent_steps"] == rb["agent_steps"]


@pytest.fixture(scope="module")
def model() -> CanadaUSModel:
    return CanadaUSModel()


def test_prior_draws_update_the_build_and_run_as_a_full_build(model: CanadaUSModel) -> None:
    base = M.full_build(model.scenario(model.space.hand_values(), "2017-06"))
    draws = model.space.sample_prior(4, seed=11)
    # the information lag, interception and demand all change between these draws
    assert len({d["info_lag"] for d in draws}) > 1
    for i, p in enumerate(draws):
        s = model.scenario(p, "2017-06")
        up = M.update_build(base, s)
        assert up is not None, "a prior draw must not need a full build"
        assert up.sim.network is base.sim.network and up.table is base.table  # shared
        assert up.sim.choice is not base.sim.choice  # its own choice model
        full = M.full_build(s)
        assert np.array_equal(up.sim.spawn_matrix, full.sim.spawn_matrix)
        assert np.array_equal(up.sim.p_intercept0, full.sim.p_intercept0)
        assert up.sim.params == full.sim.params
        _same_run(up, full, seed=100 + i)


def test_the_base_build_is_left_unchanged(model: CanadaUSModel) -> None:
    base = M.full_build(model.scenario(model.space.hand_values(), "2017-03"))
    before = (base.sim.spawn_matrix.copy(), base.sim.p_intercept0.copy(), dict(base.sim.params))
    p = model.space.sample_prior(1, seed=2)[0]
    up = M.update_build(base, model.scenario(p, "2017-03"))
    assert up is not None
    assert np.array_equal(base.sim.spawn_matrix, before[0])
    assert np.array_equal(base.sim.p_intercept0, before[1])
    assert base.sim.params == before[2]


@pytest.mark.parametrize("override", [
    {"end": "2017-04-30"},  # another period
    {"processing": {"evade_wait_days": 9}},  # the network's links and the law table's delays
    {"choice": {"retry_after_return": 0.2}},  # the cohorts' give-up probability
    {"network": {"km_per_day": 300.0}},
])
def test_what_a_draw_does_not_change_needs_a_full_build(override: dict[str, object]) -> None:
    base = M.full_build(load_scenario("historical", {"end": "2017-03-31"}))
    other = load_scenario("historical", {"end": "2017-03-31", **override})
    assert M.update_build(base, other) is None


def test_build_uses_the_update_for_a_draw_and_a_full_build_otherwise() -> None:
    s = load_scenario("historical", {"end": "2017-03-31"})
    b1 = M.build(s)
    b2 = M.build(load_scenario("historical", {"end": "2017-03-31",
                                              "choice": {"asc_stay": 1.0}}))
    assert b2.sim.network is b1.sim.network
    b3 = M.build(load_scenario("historical", {"end": "2017-04-30"}))
    assert b3.sim.network is not b1.sim.network
