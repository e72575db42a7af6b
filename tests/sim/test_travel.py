"""Travel times, closures and conservation on tiny graphs, against hand-computed values."""

import datetime as dt

import numpy as np

from roxham.sim import (
    Cohort,
    Event,
    FixedChoice,
    LogitChoice,
    Network,
    Options,
    Simulation,
    Spawn,
    run,
)

D0 = dt.date(2024, 1, 1)


def line(lengths: list[float], speed: float = 1.0, **params: object) -> Simulation:
    """A chain L0 -> L1 -> ... with everyone leaving at once; 5 agents on day 0 only."""
    locs = [(f"L{i}", "hub") for i in range(len(lengths) + 1)]
    locs[-1] = (locs[-1][0], "sink")
    links = [(f"L{i}", f"L{i + 1}", x) for i, x in enumerate(lengths)]
    net = Network.build(locs, links)
    daily = np.zeros(20)
    daily[0] = 5
    return Simulation(
        net, D0, D0 + dt.timedelta(days=19),
        cohorts=[Cohort("c")], spawns=[Spawn("c", "L0", daily)],
        choice=FixedChoice(np.ones(net.n_links)),
        params={"speed_km_per_day": speed, **params},
    )  # fmt: skip


def test_link_of_three_days_is_completed_on_the_third_day() -> None:
    sim = line([3.0])
    res = run(sim, seed=1)
    # leave on day 0, travel days 0, 1, 2 -> arrive (and settle) on day 2
    assert res.at("arrivals", "L1").tolist()[:5] == [0, 0, 5, 0, 0]
    assert res.at("settled", "L1")[2] == 5


def test_km_and_speed_give_ceil_of_length_over_speed() -> None:
    # 250 km at 100 km/day: 3 days (days 0, 1, 2)
    res = run(line([250.0], speed=100.0), seed=1)
    assert np.flatnonzero(res.at("arrivals", "L1")).tolist() == [2]


def test_strict_arrival_is_flee_rule() -> None:
    # Flee: L >= v takes floor(L/v) + 1 days: 200 km at 100 km/day -> 3 days
    res = run(line([200.0], speed=100.0, strict_arrival=True), seed=1)
    assert np.flatnonzero(res.at("arrivals", "L1")).tolist() == [2]
    res = run(line([200.0], speed=100.0), seed=1)
    assert np.flatnonzero(res.at("arrivals", "L1")).tolist() == [1]


def test_consecutive_links_each_start_the_next_day_by_default() -> None:
    # options = single links: arrive at L1 on day 1, decide again on day 2, arrive L2 day 3
    res = run(line([2.0, 2.0]), seed=1)
    assert np.flatnonzero(res.at("arrivals", "L1")).tolist() == [1]
    assert np.flatnonzero(res.at("arrivals", "L2")).tolist() == [3]


def test_redecide_same_day_uses_the_time_left() -> None:
    # 0.5 + 0.5 days: with redecide=1 both links are done on day 0
    res = run(line([0.5, 0.5], redecide=1), seed=1)
    assert np.flatnonzero(res.at("arrivals", "L2")).tolist() == [0]
    res = run(line([0.5, 0.5], redecide=0), seed=1)
    assert np.flatnonzero(res.at("arrivals", "L2")).tolist() == [1]


def test_multi_hop_option_continues_without_stopping() -> None:
    net = Network.build(
        [("A", "hub"), ("B", "hub"), ("C", "sink")], [("A", "B", 1.5), ("B", "C", 1.5)]
    )
    opts = Options.from_paths(net, max_hops=2)
    prob = np.zeros(opts.n_options)
    o = [opts.describe(i, net) for i in range(opts.n_options)].index("A->B->C")
    prob[o] = 1.0
    daily = np.zeros(10)
    daily[0] = 3
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=9), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "A", daily)], options=opts, choice=FixedChoice(prob),
    )  # fmt: skip
    res = run(sim, seed=1)
    # 3 days of path: arrives at B during day 1 and at C at the end of day 2
    assert np.flatnonzero(res.at("arrivals", "B")).tolist() == [1]
    assert np.flatnonzero(res.at("arrivals", "C")).tolist() == [2]
    assert res.at("population", "B").sum() == 0


def test_no_agent_enters_a_closed_link() -> None:
    net = Network.build(
        [("A", "origin"), ("B", "sink"), ("C", "sink")], [("A", "B", 1.0), ("A", "C", 1.0)]
    )
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=29), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "A", 20.0)], choice=FixedChoice([0.5, 0.5]),
        timeline=[Event(D0 + dt.timedelta(days=10), "close_link", ("A", "B")),
                  Event(D0 + dt.timedelta(days=20), "open_link", "A->B")],
    )  # fmt: skip
    res = run(sim, seed=3)
    entered = res.replicates[0].entered[:, net.link_index("A", "B")]
    assert entered[10:20].sum() == 0
    assert entered[:10].min() > 0 and entered[20:].min() > 0
    # while closed, everyone who moves goes to C
    moved = res.at("departures", "A")
    assert (res.replicates[0].entered[10:20, net.link_index("A", "C")] == moved[10:20]).all()


def test_agent_on_a_link_that_closes_is_sent_back() -> None:
    net = Network.build([("A", "origin"), ("B", "sink")], [("A", "B", 5.0)])
    daily = np.zeros(10)
    daily[0] = 4
    prob = np.zeros((1, 1))
    prob[0, 0] = 1.0
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=9), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "A", daily)], choice=FixedChoice(prob),
        timeline=[Event(D0 + dt.timedelta(days=2), "close_link", ("A", "B"))],
    )  # fmt: skip
    res = run(sim, seed=1)
    assert res.at("arrivals", "B").sum() == 0
    assert res.at("bounced", "B")[4] == 4  # would have arrived on day 4
    assert res.at("population", "A")[4] == 4


def test_closed_location_is_never_entered() -> None:
    net = Network.build(
        [("A", "origin"), ("B", "hub"), ("C", "sink")], [("A", "B", 1.0), ("A", "C", 1.0)]
    )
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=9), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "A", 10.0)], choice=LogitChoice(stay_utility=None),
        timeline=[Event(D0 - dt.timedelta(days=1), "close_location", "B")],
    )  # fmt: skip
    res = run(sim, seed=1)
    assert res.at("arrivals", "B").sum() == 0
    # a logit without a stay alternative renormalises over the open options: all go to C
    assert res.at("arrivals", "C").sum() == 100


def test_agents_are_conserved_every_day() -> None:
    net = Network.build(
        [("A", "origin"), ("B", "hub"), ("X", "irregular_crossing"), ("C", "sink")],
        [("A", "B", 2.0), ("B", "A", 2.0), ("B", "X", 1.0), ("X", "C", 3.0), ("A", "C", 7.0)],
    )
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=59), cohorts=[Cohort("c", give_up=0.3)],
        spawns=[Spawn("c", "A", 7.5), Spawn("c", "B", 2.25)],
        choice=FixedChoice([0.2, 0.1, 0.3, 0.3, 0.5]),
        params={"interception": 0.5},
        timeline=[Event(D0 + dt.timedelta(days=20), "close_link", ("B", "X"))],
    )  # fmt: skip
    res = sim.run(seed=5, check=True)  # check=True recounts from the arrays every day
    rep = res.replicates[0]
    spawned = np.cumsum(rep.series[:, 0, :].sum(axis=1))
    assert (rep.states.sum(axis=1) == spawned).all()
    in_places = rep.population.sum(axis=1) + rep.on_link.sum(axis=1) + rep.states[:, 5]
    assert (in_places == spawned).all()
    assert (rep.n_alive == spawned).all()
