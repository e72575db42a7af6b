"""The days from an unseen crossing to the inland claim: the network and the law table agree.

People who cross between ports unseen reach the inland office after the network's link
(``processing.evade_wait_days`` days, or the hiding delay); the law table must rule their
claim with that same entry date. Until this was fixed the table assumed 5 days whatever the
scenario said, so with ``evade_wait_days: 20`` it ruled claims made after the 14-day window
of IRPR s. 159.4(1.1) as inside it.
"""

from __future__ import annotations

import datetime as dt

import pytest

import roxham.law as law
from roxham.models.canada_us import engine_model as E
from roxham.models.canada_us.cohorts import Profile
from roxham.models.canada_us.geography import CROSSINGS
from roxham.models.canada_us.model import build
from roxham.models.canada_us.scenario import load_scenario

CLAIM_DAY = dt.date(2023, 6, 1)  # after the Additional Protocol, before C-12 (no (b.2))


def _link_days(built: object, src: str, dst: str) -> float:
    net = built.sim.network  # type: ignore[attr-defined]
    k = net.link_index(src, dst)
    assert float(net.link_speed[k]) in (0.0, 1.0)  # lengths in days (speed 1 per day)
    return float(net.link_km[k])


@pytest.mark.parametrize(("wait", "hide_wait"), [(20, 16), (3, 16), (13, 30)])
def test_law_table_uses_the_networks_delay(wait: int, hide_wait: int) -> None:
    s = load_scenario("historical", {
        "start": "2023-05-01", "end": "2023-06-30", "replicates": 1,
        "processing": {"evade_wait_days": wait, "hide_wait_days": hide_wait},
    })
    built = build(s)
    ht = built.profiles.index(Profile("HT", "none", False, False))
    day = (CLAIM_DAY - s.start).days
    for hide, dst, place in ((False, E.INLAND_EARLY, "between_inland_early"),
                             (True, E.INLAND_LATE, "between_inland_late")):
        crossing = next(c for c in CROSSINGS if c.mode == "BETWEEN_POE" and c.hide == hide)
        days = _link_days(built, crossing.id, dst)
        # what the law says of a person who entered between ports `days` days before claiming
        facts = {
            "nat": ["HT"], "age": 30,
            "entry": {"mode": "BETWEEN_POE", "from": "US",
                      "date": (CLAIM_DAY - dt.timedelta(days=int(days))).isoformat()},
            "claim": {"date": CLAIM_DAY.isoformat(), "where": "INLAND_OFFICE"},
            "visa_req_ca": True, "visa_req_us": True,
        }
        want = law.determine(facts, CLAIM_DAY).result_code
        got = built.table.code_names[built.table.on_day(day)[built.table.place_index(place), ht]]
        assert got == want, (place, days)
        # and the law's window decides: inside it the STCA returns the claimant
        inside = days < law.protocol_window_days()
        assert (want == "INELIGIBLE/STCA") == inside, (place, days)
    assert _link_days(built, next(c.id for c in CROSSINGS if c.mode == "BETWEEN_POE"
                                  and not c.hide), E.INLAND_EARLY) == wait


def test_hiding_waits_at_least_the_laws_window() -> None:
    """The hiding delay is max(hide_wait_days, the window of the scenario's reform)."""
    s = load_scenario("historical", {"processing": {"hide_wait_days": 2},
                                     "law": {"reform": {"protocol_window_days": 30}}})
    assert E.claim_delays(s)["between_inland_late"] == 30
    s = load_scenario("historical", {"processing": {"hide_wait_days": 2}})
    assert E.claim_delays(s)["between_inland_late"] == law.protocol_window_days() == 14
