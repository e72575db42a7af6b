"""The model on the roxham.sim engine: network mapping, the choice formula, choosing once,
attempts, conservation and outcome counts."""

from __future__ import annotations

import datetime as dt
import gc
import math
from typing import Any

import numpy as np
import pytest

from roxham.models.canada_us import engine_model as E
from roxham.models.canada_us.cohorts import Profile
from roxham.models.canada_us.geography import CROSSINGS, route_km
from roxham.models.canada_us.law_oracle import CODE_NAMES
from roxham.models.canada_us.model import build
from roxham.models.canada_us.scenario import load_scenario
from roxham.sim.agents import AgentState
from roxham.sim.choice import DayContext
from roxham.sim.engine import Simulation
from roxham.sim.kernel import SERIES


@pytest.fixture(scope="module")
def spring_2023():  # type: ignore[no-untyped-def]
    """Historical, 2023-03-01 .. 2023-06-30 (the Protocol on 2023-03-25), one replicate."""
    b = build(load_scenario("historical", {"start": "2023-03-01", "end": "2023-06-30"}))
    return b, b.sim.run(seed=4, keep_agents=True)


def test_links_are_travel_days_waits_and_interceptions() -> None:
    for name, hide in (("historical", 16), ("protocol-30-days", 30)):
        s = load_scenario(name)
        net = E.build_simulation(*_parts(s)).network
        for c in CROSSINGS:
            k = net.link_index("nyc", c.id)
            km = route_km("nyc", c.place, s.network.circuity)
            assert net.link_km[k] == max(1, math.ceil(km / s.network.km_per_day))
            if c.mode == "LAND_POE":
                assert c.id not in {net.link_name(j).split("->")[0]
                                    for j in range(net.n_links)}
                continue
            p = net.attrs["interception"][net.index(c.id)]
            assert p == (0.3 if c.hide else 0.97)
            nxt = E.INLAND_LATE if c.hide else E.INLAND_EARLY
            assert net.link_km[net.link_index(c.id, nxt)] == (hide if c.hide else 3)


def _parts(s):  # type: ignore[no-untyped-def]
    b = build(s)
    return s, b.profiles, b.oracle, b.demand


def _probabilities(over: dict, day: dt.date, profile: Profile) -> tuple[dict[str, float], Any]:
    """The engine's choice probabilities at New York for one profile (a land:<nat> group)."""
    s = load_scenario("historical", over)
    b = build(s)
    sim = b.sim
    prof = b.profiles.index(profile)
    g = next(i for i in range(len(sim.group_profile))
             if sim.group_profile[i] == prof
             and sim.cohorts[sim.group_cohort[i]].name == f"land:{profile.nat}")
    opt = sim.options
    # what the engine hands the choice: the law-table row of day - information lag
    table = sim.outcome_table()
    d = (day - s.start).days
    row = table.referred[table.on_day(d, int(sim.params["info_lag_days"]))]
    ctx = DayContext(day=d, date=day, network=sim.network, options=opt,
                     available=np.ones(opt.n_options, dtype=bool),
                     loc_count=np.zeros(sim.network.n_locations, dtype=np.int64),
                     params=sim.params, group_cohort=sim.group_cohort,
                     group_profile=sim.group_profile,
                     perceived_success=np.zeros((len(sim.profiles), opt.n_options)),
                     option_place=sim.option_place, places=sim.places,
                     perceived_referred=row)  # fmt: skip
    prob = sim.choice.probabilities(ctx)
    got = {}
    for o in opt.options_at(sim.network.index("nyc")):
        first = sim.network.names[int(sim.network.link_dst[opt.links_of(o)[0]])]
        got["stay" if first == E.STAY else first] = prob[g, o]
    return got, s


def _by_hand(s, success: dict[str, float]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    ch = s.choice
    utils: dict[str, float] = {}
    for c in CROSSINGS:
        km = route_km("nyc", c.place, s.network.circuity)
        u = (ch.asc.get(c.id, 0.0) + ch.beta_success * success[c.id]
             + ch.beta_km_per_100 * km / 100)
        if c.hide:
            u += ch.beta_wait_per_week * 16 / 7
        utils[c.id] = u
    utils["stay"] = ch.asc_stay
    denom = sum(math.exp(u) for u in utils.values())
    return {k: math.exp(u) / denom for k, u in utils.items()}


def test_choice_probabilities_follow_the_formula_by_hand() -> None:
    """New York, a Haitian without family on 2022-06-01 (law as of 3 days earlier): between
    ports is referred (both when intercepted and unseen), the land ports return under the
    STCA; the hide option pays its weekly waiting cost; staying has asc_stay."""
    got, s = _probabilities({"start": "2022-01-01", "end": "2022-12-31"}, dt.date(2022, 6, 1),
                            Profile("HT", "none", False, False))
    want = _by_hand(s, {c.id: 0.0 if c.mode == "LAND_POE" else 1.0 for c in CROSSINGS})
    assert set(got) == set(want)
    for k, p in want.items():
        assert got[k] == pytest.approx(p, rel=1e-12), k
    assert sum(got.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("aware", [1.0, 0.5, 0.0])
def test_exception_awareness_between_ports(aware: float) -> None:
    """After the Protocol a Haitian with a citizen sister is eligible everywhere (159.5(a));
    between ports she counts on it only with weight ``aware`` (else she expects the general
    rule: returned, except when hiding past the window: 0.3 · 0 + 0.7 · 1); ports always."""
    over = {"start": "2023-01-01", "end": "2023-12-31",
            "choice": {"exception_awareness_between_ports": aware}}
    got, s = _probabilities(over, dt.date(2023, 6, 1), Profile("HT", "sibling_citizen", False,
                                                                False))
    success = {}
    for c in CROSSINGS:
        general = 0.7 if c.hide else 0.0
        success[c.id] = 1.0 if c.mode == "LAND_POE" else aware + (1 - aware) * general
    for k, p in _by_hand(s, success).items():
        assert got[k] == pytest.approx(p, rel=1e-12), k


def test_everyone_chooses_once_unless_returned_or_turned_back(spring_2023) -> None:  # type: ignore[no-untyped-def]
    """Each decision at an origin is one departure (staying in the US is an option too), and
    people decide there once when they appear, again only after a return or being turned
    back at a closed crossing, never every day."""
    b, res = spring_2023
    net = b.sim.network
    rep = res.replicates[0]
    origins = [net.index(o) for o in ("nyc", "us_midwest", "us_northwest", "us_great_lakes")]
    land = [i for i in range(net.n_locations)
            if net.names[i] not in (E.AIRPORT, E.INLAND_OFFICE)]

    def total(series: str, where: list[int]) -> int:
        return int(rep.series[:, SERIES.index(series), :][:, where].sum())

    a = rep.agents
    still = int(((a.state[: a.n_alive] == AgentState.DECIDING)
                 & np.isin(a.loc[: a.n_alive], origins)).sum())
    again = total("returned", land) - total("gave_up", origins)
    assert again > 0
    assert total("departures", origins) == (
        total("spawned", origins) + again + total("bounced", list(range(net.n_locations))) - still
    )


def test_at_most_three_claims_per_person_and_conservation(spring_2023) -> None:  # type: ignore[no-untyped-def]
    b, res = spring_2023
    rep = res.replicates[0]
    a = rep.agents
    n = a.n_alive
    assert a.attempts[:n].max() <= 3
    # a person returned three times has left
    assert (a.state[:n][a.attempts[:n] == 3] == AgentState.EXITED).all()
    assert rep.states[-1].sum() == n == rep.series[:, SERIES.index("spawned"), :].sum()
    _, _, states = E.daily_counts(b.sim, rep)
    assert sum(states) == n


def test_outcome_counts_add_up(spring_2023) -> None:  # type: ignore[no-untyped-def]
    b, res = spring_2023
    rep = res.replicates[0]
    out, _, _ = E.daily_counts(b.sim, rep)
    col = {k: i for i, k in enumerate(E.SERIES)}
    claims = rep.series[:, SERIES.index("claims"), :].sum(axis=1)
    assert np.array_equal(rep.codes.sum(axis=(1, 2)), claims)
    # every arrival at a claim place is decided, or (barred by 101(1)(c), in unseen) stays
    # without claiming
    decided = (out[:, col["referred"]] + out[:, col["stca_returns"]]
               + out[:, col["directed_back"]] + out[:, col["ineligible_other"]]
               + out[:, col["stayed_ca_unclaimed"]])
    assert np.array_equal(decided, claims)
    offices = sum(out[:, col[f"claims_{o}"]] for o in ("airport", "land_poe", "inland", "rcmp"))
    assert np.array_equal(offices, out[:, col["referred"]])
    for p in E.PROVINCES:
        assert (out[:, col[f"intercepted_{p}"]] <= out[:, col[f"crossings_{p}"]]).all()
    # after the Protocol (and the 3-day lag) between-ports claims come back under the STCA
    after = (dt.date(2023, 4, 1) - dt.date(2023, 3, 1)).days
    assert out[after:, col["stca_returns"]].sum() > 0
    assert out[:after - 10, col["stca_returns"]].sum() < out[after:, col["stca_returns"]].sum()
    assert "INELIGIBLE/STCA" in CODE_NAMES


def test_choice_holds_no_simulation() -> None:
    """The choice is built before the simulation from the scenario, network and profiles; it
    reads the law only from what the engine hands it each day (no object cycle)."""
    b = build(load_scenario("historical", {"start": "2022-01-01", "end": "2022-03-31"}))
    choice = b.sim.choice
    assert isinstance(choice, E.CanadaUSChoice)
    assert not any(isinstance(v, Simulation) for v in vars(choice).values())
    assert b.sim not in gc.get_referents(choice)
