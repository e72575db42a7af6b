"""The law tells its dates: breakpoints, the Protocol's window, the COVID direct-back order."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import roxham.law as law
from roxham.data.load import events


def test_breakpoints_hold_the_dates_of_the_rules() -> None:
    """docs/law/RULES.md §3: the STCA, the TSR repeal, C-97, the Protocol, C-2, C-12 royal
    assent."""
    bp = law.breakpoints()
    for iso in ("2004-12-29", "2009-07-23", "2019-04-08", "2019-06-21", "2023-03-25",
                "2025-06-03", "2026-03-26"):
        assert dt.date.fromisoformat(iso) in bp
    assert bp == sorted(set(bp))
    # every version of every provision starts and ends on a breakpoint
    for p in law.provisions():
        for v in p.versions_for():
            assert v.start == dt.date.min or v.start in bp, p.id
            assert v.end is None or v.end in bp, p.id


def test_breakpoints_follow_a_reform() -> None:
    moved = {"in_force": {"D_C12_RA": "2027-01-01"}}
    bp = law.breakpoints(moved)
    assert dt.date(2027, 1, 1) in bp and dt.date(2026, 3, 26) not in bp
    assert law.law_date("D_C12_RA", moved) == dt.date(2027, 1, 1)
    assert law.law_date("D_PROTOCOL", {"no_protocol": True}) is None
    with pytest.raises(KeyError):
        law.law_date("D_NOPE")


def test_protocol_window_is_the_regulations_and_decides_like_determine() -> None:
    text = law.get_provision("IRPR 159.4(1.1)").versions_for()[0].text
    assert "14 days" in text
    assert law.protocol_window_days() == 14
    assert law.protocol_window_days(law.Reform(protocol_window_days=30)) == 30
    assert law.protocol_window_days({"protocol_window_days": 7}) == 7
    for reform in (None, {"protocol_window_days": 30}):
        n = law.protocol_window_days(reform)
        r = law.Reform.model_validate(reform) if reform else None
        claim = dt.date(2023, 9, 1)
        for d, inside in ((n - 1, True), (n, False)):
            facts = {"nat": ["HT"], "visa_req_ca": True, "visa_req_us": True,
                     "entry": {"mode": "BETWEEN_POE", "from": "US",
                               "date": (claim - dt.timedelta(days=d)).isoformat()},
                     "claim": {"date": claim.isoformat(), "where": "INLAND_OFFICE"}}
            code = law.determine(facts, claim, r).result_code
            assert (code == "INELIGIBLE/STCA") == inside, (reform, d, code)


def test_covid_order_is_the_dated_event_rows() -> None:
    """The order's [start, end) are the events.csv rows of the turn-back and its end."""
    order = law.COVID_DIRECT_BACK
    ev = events()
    start = ev.filter(pl.col("date") == order.start).get_column("event").to_list()
    end = ev.filter(pl.col("date") == order.end).get_column("event").to_list()
    assert any("directed back" in e for e in start)
    assert any("turn-back" in e for e in end)
    assert order.in_force(order.start) and order.in_force(order.last_day)
    assert not order.in_force(order.end) and not order.in_force(order.start - dt.timedelta(1))
    assert order.source


def test_a_constant_read_as_after_breaks_on_the_next_day() -> None:
    """IRPA s. 101(1)(b.1): "entered Canada after June 24, 2020" — an entry on that day is
    outside, one on the next day inside; both days are breakpoints."""
    day = law.law_date("D_COVID_B1")
    assert day == dt.date(2020, 6, 24)
    bp = law.breakpoints()
    assert day in bp and day + dt.timedelta(days=1) in bp
    grounds = []
    for entry in (day, day + dt.timedelta(days=1)):
        facts = {"nat": ["HT"], "entry": {"mode": "AIRPORT", "from": "US",
                                          "date": entry.isoformat()},
                 "claim": {"date": "2025-07-01", "where": "INLAND_OFFICE"}}
        grounds.append(law.determine(facts, dt.date(2026, 4, 1)).grounds)
    assert grounds == [[], ["101(1)(b.1)"]]
