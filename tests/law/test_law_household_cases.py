"""Household law cases (tests/law/data/household_cases.csv; issue 17's Done-when): people
arriving together, each member's outcome and deciding provision, and whose referred claim the
family-member exception read, written from IRPR ss. 159.1 and 159.5(c) and IRPA s. 101 (each
row cites its source)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from roxham.law.household import screen_household

DATA = Path(__file__).parent / "data" / "household_cases.csv"
ROWS = list(csv.DictReader(DATA.open(encoding="utf-8")))


def _pairs(text: str, sep: str) -> dict[str, str]:
    return dict(item.strip().split(sep, 1) for item in text.split(";") if item.strip())


def test_cases_are_sourced_and_unique() -> None:
    assert len(ROWS) >= 8
    assert len({r["case_id"] for r in ROWS}) == len(ROWS)
    assert all(r["source_url"].startswith("https://") for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["case_id"] for r in ROWS])
def test_household_case(row: dict[str, str]) -> None:
    results = {r.id: r for r in screen_household(json.loads(row["household"]),
                                                 dt.date.fromisoformat(row["as_of_date"]))}
    expected = _pairs(row["expected_outcomes"], "=")
    assert {i: r.determination.result_code for i, r in results.items()} == expected
    for item in row["deciding_provisions"].split(";"):
        who, pid = item.strip().split(":", 1)
        det = results[who].determination
        cited = set(det.provisions) | {"IRPA " + g for g in det.grounds} | set(det.exceptions)
        assert pid in cited, (who, pid, sorted(cited))
    reads = {k: v.split(",") for k, v in _pairs(row["read_from"], "<-").items()}
    assert {i: r.read_from for i, r in results.items() if r.read_from} == reads
