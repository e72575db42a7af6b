"""The law remembers a claim: an oracle's ``profile_after_return`` switches a returned agent's
profile (e.g. IRPA s. 101(1)(c): a prior claim found ineligible bars any later one)."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from roxham.sim import Cohort, FixedChoice, Network, Simulation, Spawn, run
from roxham.sim.oracle import OutcomeTable, ProfileTable, build_outcome_table

D0 = dt.date(2024, 1, 1)


class RemembersLaw:
    """Codes: 0 referred, 1 returned (port, no prior claim), 2 barred (a prior claim).

    At the port a person without a prior claim is returned; at the crossing referred; anyone
    with a prior claim is barred everywhere. After a return (code 1 or 2) the person has a
    prior claim: profile ``prior=True``.
    """

    code_names = ("referred", "returned", "barred")
    referred = (True, False, False)

    def outcome_codes(
        self,
        profile_columns: Mapping[str, npt.NDArray[Any]],
        place: str,
        as_of: dt.date,
        reforms: Sequence[Mapping[str, Any]] = (),
    ) -> npt.NDArray[np.int8]:
        prior = np.asarray(profile_columns["prior"], dtype=bool)
        fresh = 1 if place == "land_poe" else 0
        return np.where(prior, 2, fresh).astype(np.int8)

    def profile_after_return(
        self, profile_columns: Mapping[str, npt.NDArray[Any]]
    ) -> npt.NDArray[np.int64]:
        prior = np.asarray(profile_columns["prior"], dtype=bool)
        twin = np.flatnonzero(prior)[0]
        same = np.arange(len(prior))
        return np.stack([same, np.where(prior, same, twin), same])


def _sim(oracle: Any) -> Simulation:
    net = Network.build(
        [("O", "origin"), ("P", "port_of_entry", {"return_to": "O"}),
         ("X", "irregular_crossing", {"interception": 1.0, "return_to": "O"})],
        [("O", "P", 1.0), ("O", "X", 1.0)],
    )  # fmt: skip
    rows = [({"prior": False}, 1.0), ({"prior": True}, 0.0)]  # nobody starts with a claim
    return Simulation(
        net, D0, D0 + dt.timedelta(days=19),
        cohorts=[Cohort("c", rows, give_up=0.0, max_attempts=3)],
        spawns=[Spawn("c", "O", 200.0)], choice=FixedChoice([0.5, 0.5]), oracle=oracle,
    )  # fmt: skip


def test_a_returned_agent_is_barred_on_its_next_claim() -> None:
    res = run(_sim(RemembersLaw()), seed=3, keep_agents=True)
    a = res.replicates[0].agents
    assert a is not None
    n = a.n_alive
    returned_once = a.attempts[:n] >= 1
    assert returned_once.sum() > 100
    # everyone returned carries the prior claim and none of them was referred afterwards
    assert (a.profile[:n][returned_once] == 1).all()
    codes = res.replicates[0].codes
    assert codes is not None
    x = res.locations.index("X")
    # at the crossing: only people who never claimed before are referred; retriers are barred
    first_time_at_x = int(codes[:, 0, x].sum())
    barred_at_x = int(codes[:, 2, x].sum())
    assert barred_at_x > 0 and first_time_at_x > 0
    # every referral is of an agent never returned
    from roxham.sim.agents import AgentState

    claimants = a.state[:n] == AgentState.CLAIMANT
    assert (a.attempts[:n][claimants] == 0).all()


def test_without_the_hook_profiles_never_change() -> None:
    class Forgets(RemembersLaw):
        profile_after_return = None  # type: ignore[assignment]

    res = run(_sim(Forgets()), seed=3, keep_agents=True)
    a = res.replicates[0].agents
    assert a is not None
    assert (a.profile[: a.n_alive] == 0).all()


def test_outcome_table_carries_and_checks_the_mapping() -> None:
    profiles = ProfileTable()
    profiles.add({"prior": False})
    profiles.add({"prior": True})
    table = build_outcome_table(RemembersLaw(), profiles, ("land_poe",), D0, 3)
    assert table.after_return.tolist() == [[0, 1], [1, 1], [0, 1]]
    with pytest.raises(ValueError, match="after_return"):
        OutcomeTable(table.codes, table.places, 0, table.code_names, table.referred,
                     np.zeros((3, 2), dtype=np.int32) + 5)
