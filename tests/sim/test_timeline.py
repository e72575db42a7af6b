"""Policy events take effect on their day."""

import datetime as dt

import numpy as np
import pytest

from roxham.errors import UserError
from roxham.sim import (
    Cohort,
    Event,
    FixedChoice,
    Network,
    RunState,
    Simulation,
    Spawn,
    Timeline,
    run,
)

D0 = dt.date(2024, 1, 1)


def two_sinks(events: list[Event], **kw: object) -> Simulation:
    net = Network.build(
        [("O", "origin"), ("X", "irregular_crossing"), ("B", "sink")],
        [("O", "X", 1.0), ("X", "B", 1.0), ("O", "B", 4.0)],
    )
    return Simulation(
        net, D0, D0 + dt.timedelta(days=19), cohorts=[Cohort("c")],
        spawns=[Spawn("c", "O", 100.0)], choice=FixedChoice([0.5, 0.5, 1.0]),
        timeline=events, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_set_interception_applies_on_its_day() -> None:
    ev = [Event(D0 - dt.timedelta(days=3), "set_interception", "X", 0.0),
          Event(D0 + dt.timedelta(days=7), "set_interception", "X", 1.0)]  # fmt: skip
    res = run(two_sinks(ev), seed=1)
    inter, cross = res.at("intercepted", "X"), res.at("crossings", "X")
    assert inter[:7].sum() == 0 and cross[:7].sum() > 0
    assert (inter[7:] == cross[7:]).all()


def test_set_parameter_speed_on_its_day() -> None:
    # speed 1 -> the O->B link (4 days) takes 4 days; from day 10 speed 4 -> 1 day
    ev = [Event(D0 + dt.timedelta(days=10), "set_parameter", "speed_km_per_day", 4.0)]
    sim = two_sinks(ev)
    sim.choice = FixedChoice([0.0, 1.0, 1.0])  # options: O->X, O->B, X->B
    res = run(sim, seed=1)
    arr = res.at("arrivals", "B")
    assert arr[:3].sum() == 0 and arr[3] == 100  # left day 0, arrived on day 3
    # day 10: those who left on days 7, 8, 9 (1 to 3 days still to go) and 10 all arrive
    assert arr[10] == 400
    assert (arr[11:] == 100).all()


def test_close_and_reopen_location_on_their_days() -> None:
    ev = [Event(D0 + dt.timedelta(days=4), "close_location", "X"),
          Event(D0 + dt.timedelta(days=9), "open_location", "X")]  # fmt: skip
    res = run(two_sinks(ev), seed=1)
    arr = res.at("arrivals", "X")
    assert arr[:4].min() > 0 and arr[4:9].sum() == 0 and arr[9:].min() > 0


def test_unknown_event_kind_is_a_user_error_unless_the_model_handles_it() -> None:
    ev = [Event(D0 + dt.timedelta(days=2), "ny_tickets", value=2.0, origin="s.yaml:9")]
    with pytest.raises(UserError, match=r"s\.yaml:9.*unknown event kind 'ny_tickets'"):
        run(two_sinks(ev), seed=1)
    seen: list[int] = []

    def hook(state: RunState, e: Event) -> bool:
        seen.append(state.day)
        state.spawn_scale[:] = float(e.value)
        return True

    res = run(two_sinks(ev, on_event=hook), seed=1)
    assert seen == [2]
    assert res.at("spawned", "O")[:4].tolist() == [100, 100, 200, 200]


def test_event_targets_are_checked_when_the_simulation_is_built() -> None:
    with pytest.raises(UserError, match="there is no link X -> O"):
        two_sinks([Event(D0, "close_link", ("X", "O"))])
    with pytest.raises(UserError, match="unknown location 'Q'"):
        two_sinks([Event(D0, "close_location", "Q")])


def test_timeline_orders_events_and_splits_before_start() -> None:
    tl = Timeline([Event(D0 + dt.timedelta(days=1), "open_link", ("O", "X")),
                   Event(D0 - dt.timedelta(days=1), "close_link", ("O", "X"))])  # fmt: skip
    assert [e.kind for e in tl.before(D0)] == ["close_link"]
    assert [e.kind for e in tl.on_day(D0, D0 + dt.timedelta(days=1))] == ["open_link"]
    res = run(two_sinks(list(tl.events)), seed=1)
    entered = res.replicates[0].entered[:, 0]
    assert entered[0] == 0 and entered[1] > 0
    assert np.all(entered[1:] > 0)
