"""evaluate_batch == determine, row by row (hypothesis), plus the column contract."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from law_strategies import facts_and_date, reforms
from pydantic import ValidationError

from roxham.errors import UserError
from roxham.law import (
    EXCEPTION_IDS,
    GROUND_IDS,
    RESULT_CODES,
    STCA_STATUSES,
    Facts,
    Reform,
    columns_from_facts,
    default_columns,
    determine,
    evaluate_batch,
)
from roxham.law.batch import COLUMNS
from roxham.law.facts import CLAIM_WHERE, ENTRY_MODES
from roxham.law.registry import get_provision

PROFILE = settings.get_profile("law-ci" if os.environ.get("CI") else "law-dev")
CASES = list(csv.DictReader((Path(__file__).parent / "data" / "cases.csv").open()))


def assert_same(facts: list[Facts], as_of: list[dt.date], reform: Reform | None) -> None:
    cols = columns_from_facts(facts)
    res = evaluate_batch(cols, np.array(as_of, dtype="datetime64[D]"), reform)
    for i, (f, a) in enumerate(zip(facts, as_of, strict=True)):
        det = determine(f, a, reform)
        got = (
            RESULT_CODES[res.result_code[i]],
            bool(res.eligible[i]),
            STCA_STATUSES[res.stca_status[i]],
            res.grounds_of(i),
            res.exceptions_of(i),
        )
        want = (det.result_code, det.eligible, det.stca_status, det.grounds, det.exceptions)
        assert got == want, (f.model_dump(mode="json"), a, reform)


def test_cases_csv_in_one_batch() -> None:
    facts = [Facts.model_validate(json.loads(r["facts"])) for r in CASES]
    as_of = [dt.date.fromisoformat(r["as_of_date"]) for r in CASES]
    assert_same(facts, as_of, None)
    res = evaluate_batch(columns_from_facts(facts), np.array(as_of, dtype="datetime64[D]"))
    assert res.result_codes() == [r["expected_outcome"] for r in CASES]


@settings(PROFILE)
@given(st.lists(facts_and_date, min_size=1, max_size=2), reforms)
def test_scalar_equals_batch(items: list[tuple[dict[str, Any], dt.date]], reform: Any) -> None:
    """No crash on any generated facts; determine is deterministic and equals the batch."""
    facts, dates = [], []
    for d, as_of in items:
        try:
            f = Facts.model_validate(d)
        except ValidationError:
            continue  # invalid facts are refused with a message, never a crash
        first = determine(f, as_of, reform)
        again = determine(f, as_of, reform)
        assert first == again
        # every provision cited was in force on the law date (under the reform)
        for pid in first.provisions:
            assert get_provision(pid).in_force(as_of, reform), (pid, as_of, reform)
        facts.append(f)
        dates.append(as_of)
    if facts:
        assert_same(facts, dates, reform)


def test_codes_match_the_kernel_constants() -> None:
    assert ENTRY_MODES[:3] == ("LAND_POE", "BETWEEN_POE", "AIRPORT")
    assert CLAIM_WHERE[0] == "POE_ON_ARRIVAL"
    assert len(EXCEPTION_IDS) <= 15 and len(GROUND_IDS) <= 15  # fit int16 masks


def test_default_columns_and_missing_columns() -> None:
    cols = default_columns(4, dt.date(2021, 5, 1))
    assert set(cols) == set(COLUMNS)
    res = evaluate_batch(cols, dt.date(2021, 5, 1))
    assert res.result_codes() == ["INELIGIBLE/STCA"] * 4
    # only some columns: the rest default; a US national is never within the STCA
    some = {
        "nat_us": np.array([True, False]),
        "entry_date": np.array(["2021-05-01"] * 2, dtype="datetime64[D]"),
        "claim_date": np.array(["2021-05-01"] * 2, dtype="datetime64[D]"),
    }
    assert evaluate_batch(some, dt.date(2021, 5, 1)).result_codes() == [
        "ELIGIBLE/STCA_NOT_APPLICABLE",
        "INELIGIBLE/STCA",
    ]


def test_batch_refuses_bad_columns() -> None:
    cols = default_columns(2, dt.date(2021, 5, 1))
    with pytest.raises(UserError, match="unknown column"):
        evaluate_batch({**cols, "nationality": np.zeros(2)}, dt.date(2021, 5, 1))
    with pytest.raises(UserError, match="different lengths"):
        evaluate_batch({**cols, "age": np.zeros(3)}, dt.date(2021, 5, 1))
    with pytest.raises(UserError, match="row 0: as_of is before"):
        evaluate_batch(cols, dt.date(2021, 4, 30))
    rows = [
        {
            "nat": ["HT"],
            "entry": {"mode": "LAND_POE", "date": "2021-01-01"},
            "claim": {"date": "2021-01-01"},
        },
        {
            "nat": ["HT"],
            "entry": {"mode": "MOON", "date": "2021-01-01"},
            "claim": {"date": "2021-01-01"},
        },
    ]
    with pytest.raises(UserError, match=r"row 1: field 'entry\.mode'"):
        columns_from_facts(rows)


def test_reforms_change_the_batch_answer() -> None:
    between = {
        "nat": ["HT"],
        "entry": {"mode": "BETWEEN_POE", "date": "2023-04-01"},
        "claim": {"date": "2023-04-20"},
    }
    cols = columns_from_facts([between])
    day = dt.date(2023, 4, 20)
    assert evaluate_batch(cols, day).result_codes() == ["ELIGIBLE/STCA_NOT_APPLICABLE"]
    r30 = Reform(protocol_window_days=30)
    assert evaluate_batch(cols, day, r30).result_codes() == ["INELIGIBLE/STCA"]
    assert determine(between, day, r30).result_code == "INELIGIBLE/STCA"
    early = Reform(in_force={"D_PROTOCOL": dt.date(2022, 1, 1)}, protocol_window_days=30)
    roxham_2022 = {
        "nat": ["HT"],
        "entry": {"mode": "BETWEEN_POE", "date": "2022-08-15"},
        "claim": {"date": "2022-08-15"},
    }
    assert determine(roxham_2022, dt.date(2022, 8, 15), early).result_code == "INELIGIBLE/STCA"
    sister = {**roxham_2022, "family": [{"rel": "sister", "status": "WORK_PERMIT"}]}
    assert determine(sister, dt.date(2022, 8, 15), early).result_code == "ELIGIBLE/STCA_EXCEPTION"
    no_d = early.compose(Reform(remove_exceptions=("IRPR 159.5(d)",)))
    assert determine(sister, dt.date(2022, 8, 15), no_d).result_code == "INELIGIBLE/STCA"
    assert evaluate_batch(
        columns_from_facts([sister]), dt.date(2022, 8, 15), no_d
    ).result_codes() == ["INELIGIBLE/STCA"]


def test_interpretation_reforms() -> None:
    """Other readings of A3, A5 and A10 run as reforms, identically in both evaluators."""
    c019 = next(r for r in CASES if r["case_id"] == "C019")
    c017 = next(r for r in CASES if r["case_id"] == "C017")
    c006 = next(r for r in CASES if r["case_id"] == "C006")
    lpr = {**json.loads(c006["facts"]), "fhr": ["US"]}
    for facts, as_of, reform, want in [
        (
            json.loads(c019["facts"]),
            c019["as_of_date"],
            Reform(a3_transitional=True),
            "INELIGIBLE/STCA",
        ),
        (
            json.loads(c017["facts"]),
            c017["as_of_date"],
            Reform(a5_inland_after_land_poe=True),
            "INELIGIBLE/STCA",
        ),
        (lpr, c006["as_of_date"], None, "INELIGIBLE/STCA"),
        (
            lpr,
            c006["as_of_date"],
            Reform(a10_former_residence_any=True),
            "ELIGIBLE/STCA_NOT_APPLICABLE",
        ),
        (
            json.loads(c019["facts"]),
            c019["as_of_date"],
            Reform(protocol_window_days=15),
            "ELIGIBLE/STCA_NOT_APPLICABLE",
        ),
    ]:
        day = dt.date.fromisoformat(as_of)
        assert determine(facts, day, reform).result_code == want
        res = evaluate_batch(columns_from_facts([facts]), day, reform)
        assert res.result_codes() == [want]
    # A1, the Protocol's reading: a day-14 claim is inside the window
    c024 = next(r for r in CASES if r["case_id"] == "C024")
    det = determine(
        json.loads(c024["facts"]), dt.date(2024, 1, 15), Reform(protocol_window_days=15)
    )
    assert det.result_code == "INELIGIBLE/STCA"
