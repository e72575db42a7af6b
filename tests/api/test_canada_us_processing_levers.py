"""The lab's IRB levers (issue 19): capacity × from a date, Bill C-12's ineligibilities."""

from __future__ import annotations

import datetime as dt

import numpy as np

from roxham import law
from roxham.api.canada_us_backend import CanadaUsBackend
from roxham.models.canada_us.processing import daily_capacity
from roxham.models.canada_us.scenario import load_scenario


def _levers(b: CanadaUsBackend, name: str) -> dict[str, object]:
    spec = next(s for s in b.scenarios() if s.name == name)
    return {lv.key: lv.default for lv in spec.levers}


def test_capacity_lever_from_a_date_equals_the_capacity_scenario() -> None:
    b = CanadaUsBackend()
    lv = {**_levers(b, "historical"), "irb_capacity": 1.3, "irb_capacity_from": "2025-01-01"}
    s = load_scenario("historical", b.overrides("historical", lv))
    assert s.processing == load_scenario("capacity").processing


def test_capacity_scenario_levers_start_at_its_own_values() -> None:
    b = CanadaUsBackend()
    lv = _levers(b, "capacity")
    assert lv["irb_capacity"] == 1.3 and lv["irb_capacity_from"] == "2025-01-01"
    # moved one year earlier: × 1.3 from 2024-01-01 on, × 1 before (the shipped date too)
    over = b.overrides("capacity", {**lv, "irb_capacity_from": "2024-01-01"})
    p = load_scenario("capacity", over).processing
    cap = daily_capacity(dt.date(2023, 12, 31), 3, {2023: 365.0, 2024: 366.0, 2025: 365.0},
                         p.irb_capacity_factor)
    assert np.allclose(cap, [1.0, 1.3, 1.3])
    late = daily_capacity(dt.date(2025, 6, 1), 1, {2025: 365.0}, p.irb_capacity_factor)
    assert np.allclose(late, [1.3])


def test_wait_target_lever() -> None:
    b = CanadaUsBackend()
    lv = _levers(b, "historical")
    assert lv["irb_wait_target_days"] == 0
    over = b.overrides("historical", {**lv, "irb_wait_target_days": 365,
                                      "irb_capacity_from": "2023-01-01"})
    p = load_scenario("historical", over).processing
    assert p.irb_wait_target_days == {dt.date(2023, 1, 1): 365}
    assert p.irb_capacity_factor == {dt.date(2023, 1, 1): 1.0}  # × 1: unchanged capacity


def test_c12_lever_switches_the_grounds_off() -> None:
    b = CanadaUsBackend()
    lv = _levers(b, "historical")
    assert lv["c12_ineligibility"] is True
    over = b.overrides("historical", {**lv, "c12_ineligibility": False})
    s = load_scenario("historical", over)
    assert s.law.reform["in_force"] == {"D_C12_RA": None}
    reform = law.Reform.model_validate(s.law.reform)
    # a between-ports entry after C-12, claimed 20 days later (past the 14-day window):
    # ineligible under (b.2) with the lever on, referred with it off
    c12 = law.law_date("D_C12_RA")
    assert c12 is not None
    entry = c12 + dt.timedelta(days=30)
    claim = entry + dt.timedelta(days=20)
    facts = {"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": entry.isoformat()},
             "claim": {"date": claim.isoformat()}}
    assert law.determine(facts, claim).grounds == ["101(1)(b.2)"]
    off = law.determine(facts, claim, reform)
    assert off.eligible and off.grounds == []
