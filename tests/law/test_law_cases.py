"""The 69 cases of law/cases.csv: the right answer, for the right reason."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from roxham.law import (
    EXCEPTION_IDS,
    GROUND_IDS,
    RESULT_CODES,
    determine,
    provisions,
    provisions_in_force,
)
from roxham.law.registry import get_provision

CASES = Path(__file__).parent / "data" / "cases.csv"
ROWS = list(csv.DictReader(CASES.open(encoding="utf-8")))
# Our own cases (hand-derived from docs/law/RULES.md), for exceptions, grounds and edges the table
# does not reach: protected person, (c) met, (h)(ii), s. 159.6(a), (a)/(c.1)/(d), leap day...
EXTRA = list(csv.DictReader((CASES.parent / "extra_cases.csv").open(encoding="utf-8")))

# A deciding provision that is a ground, an exception, or a scope/route rule of the STCA.
_CITED = re.compile(
    r"^(IRPA 101\(1\)\([a-z](?:\.\d)?\)"
    r"|IRPR 159\.[56]\([a-h]\)(?:\([iv]+\))?"
    r"|IRPR 159\.2"
    r"|IRPR 159\.4\((?:1\.1|2|1\)\([abc])\))"
)


def deciding(cell: str) -> list[str]:
    """The ground/exception/scope citations of a `deciding_provisions` cell, minus 'not met'."""
    out = []
    for item in cell.split(";"):
        item = item.strip()
        if "not met" in item or "not yet" in item or item.startswith("("):
            continue
        m = _CITED.match(item)
        if m:
            out.append(m.group(1))
    return out


def test_the_table_has_69_cases() -> None:
    assert len(ROWS) == 69
    assert {r["expected_outcome"] for r in ROWS} <= set(RESULT_CODES)


def test_deciding_parser() -> None:
    assert deciding("IRPA 101(1)(e) ('other than a country of their nationality')") == [
        "IRPA 101(1)(e)"
    ]
    assert deciding("IRPA 101(1)(e); IRPR 159.5(c) (age 18) not met") == ["IRPA 101(1)(e)"]
    assert deciding("IRPR 159.4(1.1); IRPR 159.5(f)(i)") == ["IRPR 159.4(1.1)", "IRPR 159.5(f)(i)"]


@pytest.mark.parametrize("row", ROWS + EXTRA, ids=[r["case_id"] for r in ROWS + EXTRA])
def test_case(row: dict[str, str]) -> None:
    as_of = dt.date.fromisoformat(row["as_of_date"])
    det = determine(json.loads(row["facts"]), as_of)
    assert det.result_code == row["expected_outcome"], row["explanation"]
    assert det.eligible == row["expected_outcome"].startswith("ELIGIBLE/")
    for pid in deciding(row["deciding_provisions"]):
        assert pid in det.provisions, (pid, det.provisions)
    # every provision cited is a known provision in force on the determination date
    in_force = {p.id for p in provisions_in_force(as_of)}
    for pid in det.provisions:
        assert get_provision(pid).id in in_force, pid
    # the STCA ground is there exactly when the STCA applies
    assert ("101(1)(e)" in det.grounds) == (det.stca_status == "APPLIES")


def test_uncertain_cases_carry_their_flag() -> None:
    """A case marked UNCERTAIN that names an ambiguity (A#) gets that flag, except A4 (water
    body) and A10 (US residence), which rest on facts the engine must ignore."""
    checked = 0
    for row in ROWS:
        if not row["explanation"].startswith("UNCERTAIN"):
            continue
        tags = {f"A{n}" for n in re.findall(r"\bA(\d+)\b", row["explanation"])} - {"A4", "A10"}
        if not tags:
            continue
        det = determine(json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"]))
        assert tags & set(det.flags), (row["case_id"], tags, det.flags)
        checked += 1
    assert checked >= 8


def test_the_cases_exercise_every_exception_ground_and_provision() -> None:
    """Coverage of the law: each exception and ground is decisive in some case, and each
    provision of the registry is read (traced) by some case."""
    exceptions: set[str] = set()
    grounds: set[str] = set()
    traced: set[str] = set()
    for row in ROWS + EXTRA:
        det = determine(json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"]))
        exceptions.update(det.exceptions)
        grounds.update(det.grounds)
        traced.update(get_provision(s.provision).id for s in det.trace)
        traced.update(get_provision(p).id for p in det.provisions)
    assert exceptions == set(EXCEPTION_IDS)
    assert grounds == set(GROUND_IDS)
    assert traced >= {p.id for p in provisions()} - {"IRPA 101(1.1)", "IRPA 101(1.2)"}
