"""Logit shares against the formula (statistically) and the generator's uniformity."""

import datetime as dt

import numpy as np
import pytest

from roxham.sim import Cohort, LogitChoice, Network, Options, Simulation, Spawn, logit, run
from roxham.sim.choice import DayContext, cumulative_by_location, weights_to_probabilities
from roxham.sim.kernel import uniforms
from roxham.sim.oracle import OutcomeTable

D0 = dt.date(2024, 1, 1)


def test_logit_function_matches_the_formula() -> None:
    u = np.array([[0.5, -1.0, 2.0, 0.0, 1.0]])
    seg = np.array([0, 3, 5])
    stay = np.array([[0.2, -0.5]])
    p = logit(u, seg, stay_utility=stay)
    e = np.exp(u[0])
    d0 = e[:3].sum() + np.exp(0.2)
    d1 = e[3:].sum() + np.exp(-0.5)
    assert p[0] == pytest.approx(np.r_[e[:3] / d0, e[3:] / d1], rel=1e-12)
    avail = np.array([True, False, True, True, True])
    p = logit(u, seg, available=avail)
    assert p[0, 1] == 0.0
    assert p[0, 0] == pytest.approx(np.exp(0.5) / (np.exp(0.5) + np.exp(2.0)))


def test_flee_weights_to_probabilities() -> None:
    w = np.array([[2.0, 6.0, 0.0, 0.0]])
    p = weights_to_probabilities(w, np.array([0, 2, 4]), np.array([0.3, 1.0]))
    assert p[0].tolist() == pytest.approx([0.075, 0.225, 0.5, 0.5])


def test_cumulative_table_rejects_rows_above_one() -> None:
    with pytest.raises(ValueError, match="more than 1"):
        cumulative_by_location(np.array([[0.7, 0.6]]), np.array([0, 2]))


def test_simulated_shares_match_the_logit_formula() -> None:
    net = Network.build(
        [("O", "origin"), ("A", "sink"), ("B", "sink"), ("C", "sink")],
        [("O", "A", 10.0), ("O", "B", 20.0), ("O", "C", 40.0)],
    )
    opts = Options.from_links(net)
    beta_km = -0.03
    asc = np.array([0.0, 0.4, 1.0])
    stay = 0.5
    daily = np.zeros(3)
    daily[0] = 50_000
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=2), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "O", daily)], options=opts,
        choice=LogitChoice({"km": beta_km}, asc=asc, stay_utility=stay),
    )  # fmt: skip
    res = run(sim, seed=21)
    u = beta_km * opts.km + asc
    expected = np.exp(u) / (np.exp(u).sum() + np.exp(stay))
    moved = res.replicates[0].entered[0].astype(float)
    n = 50_000
    sd = np.sqrt(n * expected * (1 - expected))
    assert np.all(np.abs(moved - n * expected) <= 4.5 * sd), (moved / n, expected)


def test_parameter_overrides_a_coefficient() -> None:
    net = Network.build([("O", "origin"), ("A", "sink"), ("B", "sink")],
                        [("O", "A", 1.0), ("O", "B", 2.0)])  # fmt: skip
    daily = np.zeros(2)
    daily[0] = 20_000
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=1), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "O", daily)],
        choice=LogitChoice({"km": 0.0}, stay_utility=None), params={"beta.km": -1.0},
    )  # fmt: skip
    moved = run(sim, seed=1).replicates[0].entered[0]
    p_a = 1 / (1 + np.exp(-1.0))
    assert abs(moved[0] - 20_000 * p_a) <= 4.5 * np.sqrt(20_000 * p_a * (1 - p_a))


def test_generator_is_uniform_and_streams_differ() -> None:
    u = uniforms(np.uint64(12345), 0, 200_000, 0)
    assert 0.0 <= u.min() and u.max() < 1.0
    counts = np.histogram(u, bins=20, range=(0, 1))[0]
    chi2 = ((counts - 10_000) ** 2 / 10_000).sum()
    assert chi2 < 50  # 19 d.o.f.: P(chi2 > 50) < 0.0002
    v = uniforms(np.uint64(12345), 1, 200_000, 0)
    w = uniforms(np.uint64(12345), 0, 200_000, 1)
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.01 and abs(np.corrcoef(u, w)[0, 1]) < 0.01


def test_engine_hands_the_choice_the_lagged_law_row() -> None:
    """With an information lag of 2 days, the row the choice sees on day d is the law of day
    d - 2: a place that starts returning everybody on day 3 looks open until day 4."""
    d0 = dt.date(2024, 1, 1)

    seen: list[tuple[int, bool]] = []

    class Recorder:
        def probabilities(self, ctx: DayContext) -> np.ndarray:
            assert ctx.places == ("land_poe",)
            seen.append((ctx.day, bool(ctx.perceived_referred[0, 0])))
            return np.ones((len(ctx.group_cohort), ctx.options.n_options))

    net = Network.build([("O", "origin"), ("B", "port_of_entry")], [("O", "B", 1.0)])
    sim = Simulation(net, d0, d0 + dt.timedelta(days=6), cohorts=[Cohort("c")],
               spawns=[Spawn("c", "O", 1.0)], choice=Recorder(),
               params={"info_lag_days": 2})  # fmt: skip
    table = sim.outcome_table()
    codes = table.codes.copy()
    codes[3 + table.lag_max :, :, :] = 1  # from day 3 on: returned
    sim.set_outcome_table(
        OutcomeTable(codes, table.places, table.lag_max, ["referred", "returned"],
                     np.array([True, False]))
    )  # fmt: skip
    sim.run(seed=0)
    assert seen == [(d, d - 2 < 3) for d in range(7)]
