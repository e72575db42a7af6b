"""The kernel's two ways of walking the agents (the list of active agents, or on a dense day
the whole active window) visit the same agents in the same order: a run gives exactly the
same results whichever is used, and when a run switches from one to the other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.sim import Cohort, Event, FixedChoice, Network, QueueSpec, Simulation, Spawn
from roxham.sim.agents import AgentState
from roxham.sim.engine import RunResult
from roxham.sim.kernel import SERIES

D0 = dt.date(2024, 1, 1)
N_DAYS = 60
FIELDS = ("series", "population", "on_link", "entered", "states", "n_alive", "codes",
          "queue_length", "queue_served", "queue_wait_sum")  # fmt: skip


class _Law:
    """Code 0 = referred, 1 = returned: claims between ports are returned from day 20 on,
    claims at the port without family always; inland claims are referred."""

    code_names = ("referred", "returned")
    referred = (True, False)

    def outcome_codes(
        self,
        profile_columns: Mapping[str, npt.NDArray[Any]],
        place: str,
        as_of: dt.date,
        reforms: Sequence[Mapping[str, Any]] = (),
    ) -> npt.NDArray[np.int8]:
        fam = np.asarray(profile_columns["family"], dtype=bool)
        if place == "between_ports":
            late = as_of >= D0 + dt.timedelta(days=20)
            return np.full(len(fam), 1 if late else 0, dtype=np.int8)
        if place == "land_poe":
            return np.where(fam, 0, 1).astype(np.int8)
        return np.zeros(len(fam), dtype=np.int8)


def _sim(dense_from: float) -> Simulation:
    """Many people in the first days, few later, many again from day 40: the share of the
    window still active is high at first, falls as claimants finish (queues, returns and
    give-ups keep some active) and rises with the second wave."""
    net = Network.build(
        [("O", "origin"), ("X", "irregular_crossing", {"interception": 0.6, "return_to": "O"}),
         ("P", "port_of_entry"), ("I", "inland_office"), ("H", "town")],
        [("O", "X", 1.5), ("O", "P", 1.0), ("X", "I", 2.0), ("P", "H", 1.0), ("H", "O", 0.5)],
    )  # fmt: skip
    days = np.arange(N_DAYS)
    daily = np.where(days < 8, 400.0, 6.0)
    daily[(days >= 40) & (days < 44)] = 3000.0
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=N_DAYS - 1),
        cohorts=[Cohort("c", [({"family": False}, 0.7), ({"family": True}, 0.3)],
                        give_up=0.3, max_attempts=3)],
        spawns=[Spawn("c", "O", daily)],
        choice=FixedChoice([0.3, 0.2, 0.5, 0.6, 0.4]),
        oracle=_Law(),
        queues=[QueueSpec("screening", capacity=25.0, at=("X", "P"), then_queue="hearing"),
                QueueSpec("hearing", capacity=12.0, wait_at="I", then_location="H",
                          then_state="deciding")],
        timeline=[Event(D0 + dt.timedelta(days=30), "close_location", "P")],
    )  # fmt: skip
    sim.dense_from = dense_from
    return sim


def _same(a: RunResult, b: RunResult) -> None:
    for ra, rb in zip(a.replicates, b.replicates, strict=True):
        for name in FIELDS:
            assert np.array_equal(getattr(ra, name), getattr(rb, name)), name
        assert ra.timings["window_steps"] == rb.timings["window_steps"]


def test_dense_and_list_walks_give_the_same_run() -> None:
    always_list = _sim(2.0).run(seed=3, replicates=2)  # share never >= 2: the list every day
    always_dense = _sim(0.0).run(seed=3, replicates=2)  # every day dense
    mixed = _sim(0.75).run(seed=3, replicates=2)  # switches (see the next test)
    _same(always_list, always_dense)
    _same(always_list, mixed)
    # the run is not trivial: claims, returns, queues and give-ups all happen
    rep = always_list.replicates[0]
    for s in ("claims", "returned", "gave_up", "referred"):
        assert int(rep.series[:, _series(s), :].sum()) > 50, s
    assert int(rep.queue_served.sum()) > 100
    # the same with the day-by-day recount (check=True: one kernel call a day)
    checked = _sim(0.75).run(seed=3, replicates=2, check=True)
    _same(always_list, checked)


def test_the_mixed_run_switches_between_the_walks() -> None:
    """With the default threshold the test model has dense days and list days, in both
    orders (so the list is rebuilt after dense days)."""
    assert Simulation.dense_from == 0.75
    rep = _sim(0.75).run(seed=3).replicates[0]
    st = rep.states
    active = st[:, AgentState.DECIDING] + st[:, AgentState.TRAVELLING] + st[:, AgentState.QUEUED]
    spawned = rep.series[:, _series("spawned"), :].sum(axis=1)
    # the kernel decides after today's spawns: yesterday's active agents and today's new ones
    # against the window (today's watermark to the last agent created today)
    before = np.concatenate([[0], active[:-1]]) + spawned
    assert rep.n_window is not None
    dense = before >= 0.75 * rep.n_window
    assert dense[0] and not dense.all()
    to_list = np.flatnonzero(dense[:-1] & ~dense[1:])
    to_dense = np.flatnonzero(~dense[:-1] & dense[1:])
    assert len(to_list) >= 2  # a list day after a dense day: the list is rebuilt
    assert len(to_dense) >= 1


def _series(name: str) -> int:
    return SERIES.index(name)


def test_canada_us_runs_the_same_with_either_walk() -> None:
    from roxham.models.canada_us.model import build
    from roxham.models.canada_us.scenario import load_scenario

    sim = build(load_scenario("historical", {"end": "2017-08-31"})).sim
    runs = []
    for dense_from in (0.0, 0.75, 2.0):
        sim.dense_from = dense_from
        runs.append(sim.run(seed=2))
    _same(runs[0], runs[2])
    _same(runs[1], runs[2])
    assert int(runs[0].replicates[0].series[:, _series("claims"), :].sum()) > 1000
