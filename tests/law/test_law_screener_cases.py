"""The screener's law cases (tests/law/data/screener_cases.csv, issue 17's Done-when).

42 cases whose outcomes and deciding provisions were written from the provisions and the
sourced visa dates (each row cites its source): visa-derived IRPR 159.5(g) around the Mexican
visa changes of 2009-07-14 (with its 48-hour arrangement), 2016-12-01 and 2024-02-29, the
conditional eTA of SOR/2023-106 (by air only, from 2023-06-06), COVID-era crossings (the STCA's
answer), and the boundaries of IRPA s. 101(1)(b.1)/(b.2). Households: household_cases.csv
(test_law_household_cases.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pytest

from roxham.law import columns_from_facts, determine, evaluate_batch

DATA = Path(__file__).parent / "data" / "screener_cases.csv"
ROWS = list(csv.DictReader(DATA.open(encoding="utf-8")))


def test_there_are_at_least_30_sourced_cases() -> None:
    assert len(ROWS) >= 30
    assert len({r["case_id"] for r in ROWS}) == len(ROWS)
    assert all(r["source_url"].startswith("http") for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["case_id"] for r in ROWS])
def test_case(row: dict[str, str]) -> None:
    facts = json.loads(row["facts"])
    det = determine(facts, dt.date.fromisoformat(row["as_of_date"]))
    assert det.result_code == row["expected_outcome"]
    cited = (
        set(det.provisions)
        | {"IRPA " + g for g in det.grounds}
        | set(det.exceptions)
        | set(det.failed_exceptions)
    )
    for pid in (p.strip() for p in row["deciding_provisions"].split(";")):
        assert pid in cited, (pid, sorted(cited))
    for tag in re.findall(r"\bA(\d+)\b", row["explanation"]):
        assert f"A{tag}" in det.flags, (tag, det.flags)


def test_the_batch_evaluator_agrees_on_every_case() -> None:
    as_of = np.array([r["as_of_date"] for r in ROWS], dtype="datetime64[D]")
    res = evaluate_batch(columns_from_facts([json.loads(r["facts"]) for r in ROWS]), as_of)
    assert res.result_codes() == [r["expected_outcome"] for r in ROWS]
