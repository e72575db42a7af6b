"""Days run in stretches (one kernel call for the days on which Python changes nothing) give
exactly the day-by-day results."""

from __future__ import annotations

import datetime as dt

import numpy as np

from roxham.sim.choice import FixedChoice
from roxham.sim.engine import Cohort, Simulation, Spawn
from roxham.sim.network import Network
from roxham.sim.timeline import Event


class _ReadsState(FixedChoice):
    """The same table, but the engine must assume it reads the run's state."""

    reads_run_state = True


def _sim(choice: FixedChoice) -> Simulation:
    net = Network.build(
        [("A", "origin"), ("X", "irregular_crossing", {"interception": 0.5}),
         ("B", "destination")],
        [("A", "X", 2.0), ("X", "B", 3.0)],
    )
    return Simulation(
        net, dt.date(2024, 1, 1), dt.date(2024, 3, 31),
        cohorts=[Cohort("people")], spawns=[Spawn("people", "A", 7.3)], choice=choice,
        timeline=[Event(dt.date(2024, 2, 1), "close_location", "X"),
                  Event(dt.date(2024, 2, 10), "open_location", "X"),
                  Event(dt.date(2024, 3, 1), "set_interception", "X", 0.9)],
    )


def test_stretches_equal_day_by_day() -> None:
    a = _sim(FixedChoice([1.0, 1.0])).run(seed=4, replicates=2)
    b = _sim(_ReadsState([1.0, 1.0])).run(seed=4, replicates=2)  # one day per call
    for ra, rb in zip(a.replicates, b.replicates, strict=True):
        for name in ("series", "population", "on_link", "entered", "states", "n_alive",
                     "codes", "queue_length"):
            assert np.array_equal(getattr(ra, name), getattr(rb, name)), name
        assert ra.timings["window_steps"] == rb.timings["window_steps"]
    assert int(a.replicates[0].series[:, 0, 0].sum()) > 600  # people were spawned


def test_canada_us_stretches_equal_the_checked_day_by_day_run() -> None:
    from roxham.models.canada_us.model import build
    from roxham.models.canada_us.scenario import load_scenario

    sim = build(load_scenario("historical", {"end": "2017-05-31"})).sim
    fast = sim.run(seed=2).replicates[0]
    slow = sim.run(seed=2, check=True).replicates[0]  # check: one day per call, recounted
    for name in ("series", "population", "on_link", "entered", "states", "codes"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name)), name
