"""Engine features used by the Canada–US model: a cap on attempts, return to the route's
start, claims counted per outcome code, the active-window watermark, a law table set from
outside."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from roxham.errors import UserError
from roxham.sim import Cohort, FixedChoice, Network, Options, Simulation, Spawn
from roxham.sim.engine import ROUTE_START

D0 = dt.date(2024, 1, 1)


class ByFact:
    """Code = the profile's ``code`` fact: 0 referred, 1 and 2 returned."""

    code_names = ("referred", "returned_a", "returned_b")
    referred = (True, False, False)

    def outcome_codes(
        self,
        profile_columns: Mapping[str, npt.NDArray[Any]],
        place: str,
        as_of: dt.date,
        reforms: Sequence[Mapping[str, Any]] = (),
    ) -> npt.NDArray[np.int8]:
        return np.asarray(profile_columns["code"], dtype=np.int8)


def _claim_model(
    n_days: int, daily: float, cohorts: list[Cohort], return_to: str | None = None
) -> Simulation:
    """O -> B (0 days, claim at B): everybody claims the day they appear."""
    attrs = {"return_to": return_to} if return_to else {}
    net = Network.build([("O", "origin"), ("B", "port_of_entry", attrs)], [("O", "B", 0.0)])
    return Simulation(
        net, D0, D0 + dt.timedelta(days=n_days - 1), cohorts=cohorts,
        spawns=[Spawn(c.name, "O", daily) for c in cohorts], choice=FixedChoice([1.0]),
        oracle=ByFact(), params={"strict_arrival": True},
    )  # fmt: skip


def test_max_attempts_caps_the_tries() -> None:
    """Always returned, never giving up by chance: each person claims max_attempts + 1 times
    (one a day: a returned person decides again the next day), then leaves."""
    sim = _claim_model(10, 7.0, [Cohort("c", [({"code": 1}, 1.0)], give_up=0.0, max_attempts=2)])
    res = sim.run(seed=3, keep_agents=True)
    rep = res.replicates[0]
    a = rep.agents
    assert a is not None
    n = a.n_alive
    assert n == 70
    # agents of days 0..7 made their 3 claims (days d, d+1, d+2) and left
    done = a.born[:n] <= 7
    assert (a.state[:n][done] == 5).all()  # EXITED
    assert (a.attempts[:n][done] == 3).all()
    b = res.locations.index("B")
    assert int(res.series("claims")[:, b].sum()) == 7 * (8 * 3 + 2 + 1)
    assert int(res.series("gave_up").sum()) == 7 * 8


def test_max_attempts_is_validated() -> None:
    with pytest.raises(UserError, match="max_attempts"):
        _claim_model(2, 1.0, [Cohort("c", [({"code": 1}, 1.0)], max_attempts=200)])


def test_claims_are_counted_per_outcome_code() -> None:
    cohorts = [Cohort("ok", [({"code": 0}, 1.0)]), Cohort("a", [({"code": 1}, 1.0)], give_up=1.0),
               Cohort("b", [({"code": 2}, 1.0)], give_up=1.0)]  # fmt: skip
    res = _claim_model(5, 4.0, cohorts).run(seed=1)
    b = res.locations.index("B")
    assert res.code_names == ("referred", "returned_a", "returned_b")
    for name in res.code_names:
        got = res.claims_by_code(name)
        assert got[:, b].tolist() == [4] * 5
        assert got.sum() == 20
    total = sum(res.claims_by_code(c) for c in res.code_names)
    assert np.array_equal(total, res.series("claims"))
    with pytest.raises(KeyError, match="unknown outcome code"):
        res.claims_by_code("nope")


def _route_model(return_to: str | None) -> Simulation:
    """O -> H -> C (claim at C, always returned; give up at once): a two-link option."""
    attrs = {"return_to": return_to} if return_to else {}
    net = Network.build(
        [("O", "origin"), ("H", "hub"), ("C", "port_of_entry", attrs)],
        [("O", "H", 1.0), ("H", "C", 1.0)],
    )
    opts = Options.from_paths(net, max_hops=2)
    prob = np.zeros(opts.n_options)
    prob[[o for o in opts.options_at(net.index("O")) if len(opts.links_of(o)) == 2]] = 1.0
    return Simulation(
        net, D0, D0 + dt.timedelta(days=9),
        cohorts=[Cohort("c", [({"code": 1}, 1.0)], give_up=1.0)],
        spawns=[Spawn("c", "O", 3.0, end=D0)], options=opts, choice=FixedChoice(prob),
        oracle=ByFact(),
    )  # fmt: skip


def test_return_to_route_start_sends_people_back_to_where_they_chose() -> None:
    back = _route_model(ROUTE_START).run(seed=1)
    default = _route_model(None).run(seed=1)
    gave = back.series("gave_up").sum(axis=0)
    assert gave[back.locations.index("O")] == 3 and gave.sum() == 3
    # without it, the start of the last link (the hub)
    gave = default.series("gave_up").sum(axis=0)
    assert gave[default.locations.index("H")] == 3 and gave.sum() == 3


def test_window_skips_finished_agents_only() -> None:
    """Everyone claims and is referred the day they appear: the window of each day holds only
    that day's new agents, while agent-steps count every agent alive."""
    days, k = 6, 5
    res = _claim_model(days, float(k), [Cohort("c", [({"code": 0}, 1.0)])]).run(seed=1)
    t = res.replicates[0].timings
    assert t["window_steps"] == k * days
    assert t["agent_steps"] == k * sum(range(1, days + 1))


def test_window_waits_for_an_unfinished_agent() -> None:
    """One agent that never moves (probability 0) at the front keeps the window open from it;
    everybody behind still claims exactly on time."""
    net = Network.build([("S", "origin"), ("O", "origin"), ("B", "port_of_entry")],
                        [("S", "B", 0.0), ("O", "B", 2.0)])
    opts = Options.from_links(net)
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=7),
        cohorts=[Cohort("c", [({"code": 0}, 1.0)])],
        spawns=[Spawn("c", "S", 1.0, end=D0), Spawn("c", "O", 2.0)],
        options=opts, choice=FixedChoice(np.array([0.0, 1.0])), oracle=ByFact(),
        params={"strict_arrival": True},
    )  # fmt: skip
    res = sim.run(seed=1, check=True)
    t = res.replicates[0].timings
    assert t["window_steps"] == t["agent_steps"]  # the stuck agent 0 holds the window at 0
    claims = res.series("claims")[:, net.index("B")]
    assert claims.tolist() == [0, 0, 2, 2, 2, 2, 2, 2]


def test_outcome_table_set_from_outside_must_fit() -> None:
    sim = _claim_model(5, 1.0, [Cohort("c", [({"code": 0}, 1.0)])])
    table = sim.outcome_table()
    other = _claim_model(5, 1.0, [Cohort("c", [({"code": 0}, 1.0)])])
    other.set_outcome_table(table)
    assert other.outcome_table() is table
    longer = _claim_model(6, 1.0, [Cohort("c", [({"code": 0}, 1.0)])])
    with pytest.raises(ValueError, match="outcome table"):
        longer.set_outcome_table(table)


def test_a_deeper_law_table_serves_a_smaller_lag() -> None:
    """A table reaching 9 days before the start gives the same run as the table the engine
    builds for its own lag (the row of day d for lag l is d - l + lag_max); one reaching less
    far back than the run's lag is refused."""
    from test_crossings import crossing_model

    from roxham.sim.oracle import build_outcome_table

    def table_for(sim: Simulation, lag_max: int) -> Any:
        return build_outcome_table(sim.oracle, sim.profiles, sim.places, sim.start, sim.n_days,
                                   sim.timeline.reforms(), lag_max=lag_max)

    own = crossing_model()
    own.params["info_lag_days"] = 2
    deep = crossing_model()
    deep.params["info_lag_days"] = 2
    deep.set_outcome_table(table_for(deep, 9))
    a, b = own.run(seed=4), deep.run(seed=4)
    assert own.outcome_table().lag_max == 2 and deep.outcome_table().lag_max == 9
    for name in ("claims", "referred", "returned", "intercepted"):
        assert np.array_equal(a.series(name), b.series(name)), name
    shallow = crossing_model()
    shallow.params["info_lag_days"] = 2
    with pytest.raises(ValueError, match="lag_max 1"):
        shallow.set_outcome_table(table_for(shallow, 1))


def test_window_changes_no_result() -> None:
    """A run with returns, retries, interception and late inland claims (agents finishing out
    of order) gives bit-identical records to the engine before the active window existed:
    the fingerprints below were computed with that engine (commit b125873)."""
    import hashlib

    from test_crossings import crossing_model

    res = crossing_model(n_days=30, give_up=0.3).run(seed=11, replicates=2)
    got = [
        hashlib.sha256(r.series.tobytes() + r.states.tobytes() + r.population.tobytes())
        .hexdigest()[:16]
        for r in res.replicates
    ]
    assert got == ["fcee80f750cd172e", "70342cab30e2ffdf"]
    assert [int(r.series.sum()) for r in res.replicates] == [297681, 297568]
    t = res.replicates[0].timings
    assert t["window_steps"] < t["agent_steps"]
