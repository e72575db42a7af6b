"""FIFO queues with a daily capacity: hand-computed waits, capacity changes, Little's law."""

import datetime as dt
import os

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from roxham.sim import (
    Cohort,
    Event,
    FixedChoice,
    LogitChoice,
    Network,
    QueueSpec,
    Simulation,
    Spawn,
    run,
)
from roxham.sim.queues import fifo_queue

#: Hypothesis examples per property: 50 in CI (``CI`` set), 10 in development.
PROFILE = settings(max_examples=50 if os.environ.get("CI") else 10, deadline=None)

D0 = dt.date(2024, 1, 1)


def port_model(
    arrivals: list[float],
    queues: list[QueueSpec],
    n_days: int = 12,
    events: list[Event] | None = None,
    extra_locs: list[tuple[str, str]] | None = None,
) -> Simulation:
    """O -> P (a port, reached the same day); arrivals[d] people leave O on day d."""
    net = Network.build(
        [("O", "origin"), ("P", "port_of_entry"), *(extra_locs or [])], [("O", "P", 1.0)]
    )
    daily = np.zeros(n_days)
    daily[: len(arrivals)] = arrivals
    return Simulation(
        net, D0, D0 + dt.timedelta(days=n_days - 1), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "O", daily)], choice=FixedChoice([1.0]), queues=queues,
        timeline=events or [],
    )  # fmt: skip


def test_fifo_waits_by_hand() -> None:
    # 5 arrive on day 0 and 5 on day 1, 3 served per day, oldest first:
    # day 0: 3 of day 0 (wait 0); day 1: 2 of day 0 (1 each) + 1 of day 1 (0);
    # day 2: 3 of day 1 (1 each); day 3: 1 of day 1 (2)
    res = run(port_model([5, 5], [QueueSpec("s", capacity=3, at=("P",))]), seed=1)
    rep = res.replicates[0]
    assert rep.queue_arrivals[:5, 0].tolist() == [5, 5, 0, 0, 0]
    assert rep.queue_served[:5, 0].tolist() == [3, 3, 3, 1, 0]
    assert rep.queue_wait_sum[:5, 0].tolist() == [0, 2, 3, 2, 0]
    assert rep.queue_length[:5, 0].tolist() == [2, 4, 1, 0, 0]
    # served agents leave the queue the next morning and become claimants at P
    assert res.at("population", "P")[-1] == 10
    assert rep.states[-1, 3] == 10  # CLAIMANT


def test_fractional_capacity_accumulates() -> None:
    res = run(port_model([20], [QueueSpec("s", capacity=2.5, at=("P",))]), seed=1)
    assert res.replicates[0].queue_served[:4, 0].tolist() == [2, 3, 2, 3]


def test_capacity_changes_on_its_date() -> None:
    ev = [Event(D0 + dt.timedelta(days=3), "set_capacity", "s", 7.0)]
    res = run(port_model([30], [QueueSpec("s", capacity=2, at=("P",))], events=ev), seed=1)
    assert res.replicates[0].queue_served[:7, 0].tolist() == [2, 2, 2, 7, 7, 7, 3]


def test_unlimited_queue_serves_everyone_the_same_day() -> None:
    res = run(port_model([4, 6], [QueueSpec("s", capacity=None, at=("P",))]), seed=1)
    rep = res.replicates[0]
    assert rep.queue_served[:3, 0].tolist() == [4, 6, 0]
    assert rep.queue_wait_sum[:3, 0].sum() == 0


def test_chained_queues_and_then_location() -> None:
    qs = [
        QueueSpec("screen", capacity=None, at=("P",), then_queue="irb"),
        QueueSpec("irb", capacity=1, wait_at="M", then_location="M"),
    ]
    res = run(port_model([3], qs, extra_locs=[("M", "destination")]), seed=1)
    rep = res.replicates[0]
    # screened on day 0; join the IRB queue the next morning (day 1), 1 served per day
    assert rep.queue_arrivals[:3, 1].tolist() == [0, 3, 0]
    assert rep.queue_served[:5, 1].tolist() == [0, 1, 1, 1, 0]
    assert rep.queue_wait_sum[:5, 1].tolist() == [0, 0, 1, 2, 0]
    # they wait at M
    assert res.at("population", "M")[1] == 3 and res.at("population", "P")[1] == 0


def test_littles_law() -> None:
    # random arrivals (9 a day at O, 40% of those at O leave each day) into a queue serving 9.5
    net = Network.build([("O", "origin"), ("P", "port_of_entry")], [("O", "P", 1.0)])
    n_days = 400
    daily = np.full(n_days, 9.0)
    daily[-60:] = 0.0  # let the queue empty at the end
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=n_days - 1), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "O", daily)],
        choice=LogitChoice(asc=[np.log(0.4 / 0.6)], stay_utility=0.0),
        queues=[QueueSpec("s", capacity=9.5, at=("P",))],
    )  # fmt: skip
    rep = run(sim, seed=11).replicates[0]
    lam = rep.queue_arrivals[:, 0].sum() / n_days
    served = rep.queue_served[:, 0].sum()
    assert served == rep.queue_arrivals[:, 0].sum()  # all served by the end
    w = rep.queue_wait_sum[:, 0].sum() / served
    big_l = rep.queue_length[:, 0].mean()
    assert big_l > 1.0  # a real queue formed
    assert abs(big_l - lam * w) <= 0.02 * big_l


@settings(PROFILE)
@given(
    arrivals=st.lists(st.integers(0, 30), min_size=1, max_size=25),
    cap=st.floats(0.0, 12.0),
    new_cap=st.one_of(st.none(), st.floats(0.0, 12.0)),
    change_day=st.integers(0, 30),
)
def test_kernel_queue_matches_the_cohort_queue(
    arrivals: list[int], cap: float, new_cap: float | None, change_day: int
) -> None:
    """The kernel's agent queue and the package's cohort queue (``fifo_queue(whole=True)``,
    the one the IRB queues use) agree day by day: served, summed waits, length."""
    n_days = 30
    ev = [Event(D0 + dt.timedelta(days=change_day), "set_capacity", "s", new_cap)]
    res = run(port_model([float(a) for a in arrivals], [QueueSpec("s", cap, at=("P",))],
                         n_days=n_days, events=ev), seed=1)  # fmt: skip
    rep = res.replicates[0]
    arr = np.zeros(n_days)
    arr[: len(arrivals)] = arrivals[:n_days]
    capacity = np.full(n_days, cap)
    capacity[change_day:] = np.inf if new_cap is None else new_cap
    ref = fifo_queue(arr, capacity, 0.0, np.zeros(n_days, np.int64), 1, max_wait=n_days,
                     max_extra=0, whole=True)
    assert rep.queue_served[:n_days, 0].tolist() == ref.served.tolist()
    assert rep.queue_wait_sum[:n_days, 0].tolist() == ref.wait_sum.tolist()
    assert rep.queue_length[:n_days, 0].tolist() == ref.pending.tolist()


def test_cohort_queue_whole_people_by_hand() -> None:
    # the kernel's rule: 2.5 a day serves 2, 3, 2, 3; unlimited (inf) serves all the same day
    r = fifo_queue(np.array([20.0, 0, 0, 0]), np.full(4, 2.5), 0.0, np.zeros(4, np.int64), 1,
                   whole=True)
    assert r.served.tolist() == [2.0, 3.0, 2.0, 3.0]
    assert r.wait_sum.tolist() == [0.0, 3.0, 4.0, 9.0]
    r = fifo_queue(np.array([4.0, 6.0]), np.full(2, np.inf), 0.0, np.zeros(2, np.int64), 1,
                   whole=True)
    assert r.served.tolist() == [4.0, 6.0] and r.wait_sum.tolist() == [0.0, 0.0]


def test_hist_quantile_equals_the_full_running_sum() -> None:
    """hist_quantile sums only up to the last non-empty bin: the same quantiles as the
    running sum over every bin (random sparse histograms, some with the overflow bin)."""
    from roxham.sim.queues import hist_quantile

    rng = np.random.default_rng(7)
    for trial in range(40):
        width = int(rng.integers(2, 400))
        h = np.zeros((int(rng.integers(1, 12)), width))
        top = int(rng.integers(1, width + 1))
        h[:, :top] = rng.poisson(0.3, size=(h.shape[0], top)) * rng.uniform(0.5, 3.0)
        if trial % 3 == 0:
            h[0, -1] += 5.0  # never served
        h[-1] = 0.0  # an empty row
        for q in (0.1, 0.5, 0.9, 1.0):
            tot = h.sum(axis=1)
            cum = np.cumsum(h, axis=1)
            ref = np.full(h.shape[0], np.nan)
            for i in range(h.shape[0]):
                if tot[i] > 0:
                    w = int(np.searchsorted(cum[i], q * tot[i] - 1e-9 * tot[i]))
                    if w < width - 1:
                        ref[i] = w
            assert np.array_equal(hist_quantile(h, q), ref, equal_nan=True)
