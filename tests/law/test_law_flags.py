"""Flags and routes of issue 17: (b.2) reaching an entry before the ground, the PRRA after a
(c.1) ineligibility, future law dates refused.

Expectations from the provisions: IRPA s. 101(1)(b.2) (S.C. 2026, c. 4) reaches claims made
from 2025-06-03 and names no entry date, unlike (b.1) ("entered Canada after June 24, 2020");
a person found ineligible under s. 101(1)(c.1) may apply for a PRRA (IRPA s. 112) with a
hearing (s. 113.01).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from roxham.cli import app
from roxham.cli._common import EXIT_BAD_INPUT, run_app
from roxham.errors import UserError
from roxham.law import determine


def between(entry: str, claim: str) -> dict[str, Any]:
    return {"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": entry},
            "claim": {"date": claim, "where": "INLAND_OFFICE"}}


def test_b2_on_an_entry_before_the_ground_is_flagged() -> None:
    det = determine(between("2019-05-01", "2026-04-01"), dt.date(2026, 4, 15))
    assert "101(1)(b.2)" in det.grounds
    assert "A17" in det.flags


def test_b2_on_an_entry_after_the_ground_is_not_flagged() -> None:
    det = determine(between("2025-07-01", "2025-07-20"), dt.date(2026, 4, 15))
    assert det.grounds == ["101(1)(b.2)"]
    assert "A17" not in det.flags


def test_b1_alone_is_not_flagged_it_names_its_entry_date() -> None:
    facts = {"nat": ["IN"], "entry": {"mode": "AIRPORT", "from": "IN", "date": "2024-07-01"},
             "claim": {"date": "2025-07-02", "where": "INLAND_OFFICE"}}
    det = determine(facts, dt.date(2026, 4, 15))
    assert det.grounds == ["101(1)(b.1)"] and "A17" not in det.flags


def test_prior_us_claim_ineligibility_names_the_prra() -> None:
    facts = {"nat": ["HT"], "entry": {"mode": "AIRPORT", "from": "US", "date": "2021-06-01"},
             "claim": {"date": "2021-06-01", "where": "AIRPORT_ON_ARRIVAL"},
             "prior": {"other_country_claim_confirmed": True}}
    en = determine(facts, dt.date(2021, 6, 1))
    assert en.grounds == ["101(1)(c.1)"]
    assert "pre-removal risk assessment" in en.consequence and "IRPA s. 112" in en.consequence
    fr = determine(facts, dt.date(2021, 6, 1), lang="fr")
    assert "ERAR" in fr.consequence and "LIPR, art. 112" in fr.consequence


def test_future_law_dates_are_refused_when_today_is_given() -> None:
    facts = between("2023-04-10", "2023-04-10")
    today = dt.date(2024, 1, 1)
    determine(facts, today, today=today)  # today itself is fine
    with pytest.raises(UserError, match="after today"):
        determine(facts, dt.date(2024, 1, 2), today=today)
    determine(facts, dt.date(2024, 1, 2))  # the engine itself reads no clock


def test_cli_refuses_a_future_as_of(tmp_path: Path, capsys: Any) -> None:
    p = tmp_path / "f.json"
    p.write_text(json.dumps(between("2023-04-10", "2023-04-10")), encoding="utf-8")
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    code = run_app(app, ["screen", str(p), "--as-of", future])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and "after today" in err and err.count("\n") == 1
