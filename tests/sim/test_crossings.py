"""Crossings and claims decided by a (stub) law oracle; information lag; reforms."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.sim import (
    Cohort,
    Event,
    FixedChoice,
    LawOracle,
    LogitChoice,
    Network,
    Simulation,
    Spawn,
    run,
)

D0 = dt.date(2024, 1, 1)
CHANGE = D0 + dt.timedelta(days=5)  # the stub law changes on day 5


class StubLaw:
    """Code 0 = referred, 1 = returned.

    between_ports: referred before CHANGE, returned from CHANGE on; land_poe: referred only
    with family; inland: referred. A reform {"close_all": True} returns everyone.
    """

    code_names = ("referred", "returned")
    referred = (True, False)

    def __init__(self) -> None:
        self.calls: list[tuple[str, dt.date, int]] = []

    def outcome_codes(
        self,
        profile_columns: Mapping[str, npt.NDArray[Any]],
        place: str,
        as_of: dt.date,
        reforms: Sequence[Mapping[str, Any]] = (),
    ) -> npt.NDArray[np.int8]:
        self.calls.append((place, as_of, len(reforms)))
        fam = np.asarray(profile_columns["family"], dtype=bool)
        if any(r.get("close_all") for r in reforms):
            return np.ones(len(fam), dtype=np.int8)
        if place == "between_ports":
            return np.full(len(fam), 0 if as_of < CHANGE else 1, dtype=np.int8)
        if place == "land_poe":
            return np.where(fam, 0, 1).astype(np.int8)
        return np.zeros(len(fam), dtype=np.int8)


def within(x: float, n: int, p: float, k: float = 4.5) -> bool:
    return abs(x - n * p) <= k * np.sqrt(n * p * (1 - p)) + 1


def test_stub_is_a_law_oracle() -> None:
    assert isinstance(StubLaw(), LawOracle)


def crossing_model(
    n_days: int = 12, events: list[Event] | None = None, give_up: float = 0.5
) -> Simulation:
    net = Network.build(
        [("O", "origin"), ("X", "irregular_crossing", {"interception": 0.3, "return_to": "O"}),
         ("I", "inland_office")],
        [("O", "X", 1.0), ("X", "I", 1.0)],
    )  # fmt: skip
    return Simulation(
        net, D0, D0 + dt.timedelta(days=n_days - 1),
        cohorts=[Cohort("c", [({"family": False}, 1.0)], give_up=give_up)],
        spawns=[Spawn("c", "O", 1000.0)], choice=FixedChoice([1.0, 1.0]),
        oracle=StubLaw(), timeline=events or [],
    )  # fmt: skip


def test_interception_evasion_and_later_inland_claims() -> None:
    res = run(crossing_model(), seed=2, keep_agents=True)
    crossings = res.at("crossings", "X")
    inter = res.at("intercepted", "X")
    evaded = res.at("evaded", "X")
    assert (inter + evaded == crossings).all()
    n = int(crossings.sum())
    assert n > 10_000  # new arrivals and retries
    assert within(inter.sum(), n, 0.3)
    # evaders stop at X and move on to the inland office the next day, where they claim
    assert (res.at("claims", "I")[1:] == evaded[:-1]).all()
    a = res.replicates[0].agents
    assert a is not None
    m = a.n_alive
    claimed_inland = (a.loc[:m] == res.locations.index("I")) & (a.t_claim[:m] >= 0)
    assert (a.t_claim[:m][claimed_inland] == a.t_cross[:m][claimed_inland] + 1).all()


def test_law_decides_by_date_and_returned_agents_retry_or_give_up() -> None:
    res = run(crossing_model(give_up=0.5), seed=4, keep_agents=True)
    inter = res.at("intercepted", "X")
    referred = res.at("referred", "X")
    returned = res.at("returned", "X")
    assert (referred[:5] == inter[:5]).all() and returned[:5].sum() == 0
    assert (returned[5:] == inter[5:]).all() and referred[5:].sum() == 0
    gave_up = res.at("gave_up", "O")  # returned to O, where they give up or decide again
    assert within(gave_up.sum(), int(returned.sum()), 0.5)
    a = res.replicates[0].agents
    assert a is not None
    assert a.attempts[: a.n_alive].max() >= 2  # some were returned more than once


def test_port_claims_depend_on_the_profile() -> None:
    net = Network.build([("O", "origin"), ("P", "port_of_entry")], [("O", "P", 1.0)])
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=9),
        cohorts=[Cohort("c", [({"family": True}, 0.25), ({"family": False}, 0.75)], 1.0)],
        spawns=[Spawn("c", "O", 400.0)], choice=FixedChoice([1.0]), oracle=StubLaw(),
    )  # fmt: skip
    res = run(sim, seed=9)
    claims = int(res.at("claims", "P").sum())
    assert claims == 4000
    assert within(res.at("referred", "P").sum(), claims, 0.25)
    assert res.at("referred", "P").sum() + res.at("returned", "P").sum() == claims


def test_law_reform_applies_from_its_date() -> None:
    ev = [Event(D0 + dt.timedelta(days=2), "law_reform", value={"close_all": True})]
    res = run(crossing_model(events=ev), seed=1)
    inter = res.at("intercepted", "X")
    assert res.at("returned", "X")[:2].sum() == 0
    assert (res.at("returned", "X")[2:] == inter[2:]).all()
    assert res.at("returned", "I")[2:].sum() == res.at("claims", "I")[2:].sum() > 0


def test_agents_perceive_the_law_with_a_lag() -> None:
    lag = 3
    net = Network.build(
        [("O", "origin"), ("X", "irregular_crossing", {"interception": 1.0}),
         ("S", "outside_option")],
        [("O", "X", 1.0), ("O", "S", 1.0)],
    )  # fmt: skip
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=11),
        cohorts=[Cohort("c", [({"family": False}, 1.0)], give_up=1.0)],
        spawns=[Spawn("c", "O", 200.0)],
        choice=LogitChoice(law=30.0, stay_utility=None), oracle=StubLaw(),
        params={"info_lag_days": lag, "no_claim_value": 0.5},
    )  # fmt: skip
    res = run(sim, seed=1)
    to_x = res.replicates[0].entered[:, net.link_index("O", "X")]
    # X perceived as a success until day 5 + lag - 1, then as a failure (S is worth 0.5)
    assert (to_x[: 5 + lag] == 200).all()
    assert to_x[5 + lag :].sum() == 0
    # the actual outcome is today's law: claims at X on days 5..7 are returned
    assert (res.at("returned", "X")[5 : 5 + lag] == 200).all()


def test_crossing_in_the_middle_of_a_path_and_grouping_by_province() -> None:
    # a 2-link option O -> X -> M: intercepted agents stop at X (and claim), evaders go on to M
    from roxham.sim import Options

    net = Network.build(
        [("O", "origin"),
         ("X", "irregular_crossing", {"interception": 0.8, "province": "QC"}),
         ("Y", "irregular_crossing", {"interception": 0.5, "province": "MB"}),
         ("M", "destination", {"province": "QC"})],
        [("O", "X", 0.5), ("X", "M", 0.5), ("O", "Y", 1.0)],
    )  # fmt: skip
    opts = Options.from_paths(net, max_hops=2)
    names = [opts.describe(o, net) for o in range(opts.n_options)]
    prob = np.zeros(opts.n_options)
    prob[names.index("O->X->M")] = 0.5
    prob[names.index("O->Y")] = 0.5
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=9), cohorts=[Cohort("c", [({"family": False}, 1.0)])],
        spawns=[Spawn("c", "O", 500.0)], options=opts, choice=FixedChoice(prob),
        oracle=StubLaw(),
    )  # fmt: skip
    res = run(sim, seed=3)
    # evaders at X reach M the same day (0.5 + 0.5 days); Y is a path end
    assert (res.at("arrivals", "M") == res.at("evaded", "X")).all()
    assert res.at("claims", "X").sum() == res.at("intercepted", "X").sum()
    assert within(res.at("intercepted", "X").sum(), int(res.at("crossings", "X").sum()), 0.8)
    by_prov = res.grouped("intercepted", by="province")
    assert set(by_prov) == {"MB", "QC"}
    assert (by_prov["QC"] == res.at("intercepted", "X")).all()
    assert (by_prov["MB"] == res.at("intercepted", "Y")).all()
    kinds = res.grouped("crossings")
    assert (kinds["irregular_crossing"] == res.series("crossings").sum(axis=1)).all()


def test_returned_without_return_to_goes_back_where_it_came_from() -> None:
    net = Network.build(
        [("H", "hub"), ("P", "port_of_entry")], [("H", "P", 1.0), ("P", "H", 1.0)]
    )
    daily = np.zeros(6)
    daily[0] = 50
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=5),
        cohorts=[Cohort("c", [({"family": False}, 1.0)], give_up=0.0)],
        spawns=[Spawn("c", "H", daily)], choice=FixedChoice([1.0, 0.0]), oracle=StubLaw(),
    )  # fmt: skip
    res = run(sim, seed=1)
    # returned at P on day 0, back at H; they try again every day (give_up = 0)
    assert res.at("returned", "P").tolist() == [50] * 6
    assert res.at("population", "H").tolist() == [50] * 6
    assert res.at("gave_up", "H").sum() == 0


def test_air_arrivals_claim_on_their_first_day_through_a_zero_length_link() -> None:
    # the documented pattern for cohorts that claim on arrival (airports, inland offices)
    net = Network.build(
        [("flights", "origin"), ("YUL", "airport")], [("flights", "YUL", 0.0)]
    )
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=3),
        cohorts=[Cohort("air", [({"family": False}, 1.0)])],
        spawns=[Spawn("air", "flights", 7.0)], choice=FixedChoice([1.0]), oracle=StubLaw(),
        params={"strict_arrival": True},
    )  # fmt: skip
    res = run(sim, seed=1)
    assert res.at("claims", "YUL").tolist() == [7, 7, 7, 7]
    assert res.at("referred", "YUL").sum() == 28  # place "airport": the stub refers
