"""Bounds on the facts (issue 18 items 1 and 4): list sizes, date range, linear changes.

The limits are those documented in docs (``MAX_ITEMS`` = 50 items per list, dates within
1900-01-01 … 2100-12-31); each test below fails on the code before the bounds were added
(a 51-member household was screened, a claim near 0001-01-01 overflowed in what-would-change,
``determine`` raised ``ValueError`` for year 9999 while ``evaluate_batch`` answered).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from roxham.cli import app
from roxham.cli._common import EXIT_BAD_INPUT, run_app
from roxham.errors import UserError
from roxham.law import (
    MAX_DATE,
    MAX_ITEMS,
    MIN_DATE,
    Facts,
    Reform,
    columns_from_facts,
    determine,
    evaluate_batch,
    what_would_change,
)
from roxham.law import changes as changes_mod

BASE: dict[str, Any] = {
    "nat": ["HT"],
    "entry": {"mode": "LAND_POE", "date": "2023-01-10"},
    "claim": {"date": "2023-01-10"},
}
VISITOR = {"rel": "sister", "status": "VISITOR"}


def _facts(**over: Any) -> dict[str, Any]:
    return {**BASE, **over}


def test_documented_limits() -> None:
    assert (MIN_DATE, MAX_DATE, MAX_ITEMS) == (dt.date(1900, 1, 1), dt.date(2100, 12, 31), 50)


@pytest.mark.parametrize(
    ("key", "item"),
    [("family", VISITOR), ("docs", {"type": "TRV"}), ("entries", "2022-01-01"),
     ("nat", "HT"), ("fhr", "MX")],
)
def test_lists_hold_at_most_max_items(key: str, item: Any) -> None:
    Facts.model_validate(_facts(**{key: [item] * MAX_ITEMS}))  # the limit itself is fine
    with pytest.raises(ValidationError) as e:
        Facts.model_validate(_facts(**{key: [item] * (MAX_ITEMS + 1)}))
    assert e.value.errors()[0]["loc"][0] == key


def test_a_25000_member_household_is_refused_before_any_work() -> None:
    """Refused by its size before any member is read: 25,000 members that are each invalid
    give one error (the size), not 25,000 (no member was validated, no rule ran)."""
    with pytest.raises(ValidationError) as e:
        Facts.model_validate(_facts(family=[{"rel": 5, "bogus": 1}] * 25_000))
    assert [err["loc"] for err in e.value.errors()] == [("family",)]
    assert e.value.errors()[0]["type"] == "too_long"


@pytest.mark.parametrize(
    ("where", "value"),
    [(("claim", "date"), "0001-01-14"), (("claim", "date"), "9999-12-31"),
     (("entry", "date"), "1899-12-31"), (("claim", "date"), "2101-01-01")],
)
def test_fact_dates_outside_the_range_are_refused(where: tuple[str, str], value: str) -> None:
    d = json.loads(json.dumps(BASE))
    d["entry"]["date"] = d["claim"]["date"] = value
    with pytest.raises(ValidationError) as e:
        what_would_change(d, dt.date(2100, 12, 31))  # was OverflowError near 0001-01-01
    assert e.value.errors()[0]["loc"][:2] == where or e.value.errors()[0]["loc"][0] == "entry"


def test_entries_outside_the_range_are_refused() -> None:
    with pytest.raises(ValidationError) as e:
        Facts.model_validate(_facts(entries=["0001-01-01"]))
    assert e.value.errors()[0]["loc"][0] == "entries"


def test_edge_dates_inside_the_range_are_screened() -> None:
    """A claim on the last day allowed is decided, what-would-change included (no overflow
    from the anniversary or the window moved past the range)."""
    d = _facts(entry={"mode": "LAND_POE", "date": "2100-12-31"}, claim={"date": "2100-12-31"})
    det = determine(d, MAX_DATE)
    assert det.result_code == "INELIGIBLE/STCA"
    what_would_change(d, MAX_DATE, base=det)


def test_year_9999_is_refused_alike_by_determine_and_evaluate_batch() -> None:
    late = dt.date(9999, 12, 31)
    with pytest.raises(UserError, match="after 2100-12-31"):
        determine(BASE, late)
    cols = columns_from_facts([Facts.model_validate(BASE)])
    with pytest.raises(UserError, match="after 2100-12-31"):
        evaluate_batch(cols, late)
    with pytest.raises(UserError, match="after 2100-12-31"):
        evaluate_batch(cols, np.array([late], dtype="datetime64[D]"))
    # the last day allowed is answered by both
    assert evaluate_batch(cols, MAX_DATE).result_codes()[0] == determine(BASE, MAX_DATE).result_code


def test_evaluate_batch_refuses_dates_before_the_range() -> None:
    cols = columns_from_facts([Facts.model_validate(BASE)])
    cols["entry_date"] = np.array([np.datetime64("1800-01-01")], dtype="datetime64[D]")
    with pytest.raises(UserError, match="before 1900-01-01"):
        evaluate_batch(cols, dt.date(2023, 1, 10))
    cols = columns_from_facts([Facts.model_validate(BASE)])
    cols["entries"] = np.array([[np.datetime64("0001-01-01")]], dtype="datetime64[D]")
    with pytest.raises(UserError, match="entries outside"):
        evaluate_batch(cols, dt.date(2023, 1, 10))


@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-01"])
def test_reform_dates_after_the_range_are_refused(day: str) -> None:
    with pytest.raises(ValidationError, match="after 2100-12-31"):
        Reform.model_validate({"in_force": {"D_PROTOCOL": day}})


def _members_visited(monkeypatch: Any, n: int) -> int:
    """Family members read by what_would_change's encoding of the changes, for n members."""
    seen = [0]
    orig = changes_mod.family_masks

    def counting(family: Any, adult_age: int) -> tuple[int, int]:
        seen[0] += len(family)
        return orig(family, adult_age)

    monkeypatch.setattr(changes_mod, "family_masks", counting)
    what_would_change(_facts(family=[VISITOR] * n), dt.date(2023, 1, 10))
    return seen[0]


def test_what_would_change_work_is_linear_in_the_family(monkeypatch: Any) -> None:
    """Each change re-reads only the member it changes: the members read grow as n, not n²
    (before: every one of the ~10 n changes re-read all n members)."""
    small, big = _members_visited(monkeypatch, 10), _members_visited(monkeypatch, 40)
    assert big <= 4 * small + 20
    assert big < 40 * 40  # quadratic would read ≥ n² = 1,600 members


def test_what_would_change_output_is_bounded() -> None:
    """At the limits the answer stays within a fixed size (one change per status of each
    member at most, plus the fixed candidates)."""
    ch = what_would_change(_facts(family=[VISITOR] * MAX_ITEMS), dt.date(2023, 1, 10))
    assert ch and len(ch) <= changes_mod.MAX_CHANGES


def _write(tmp_path: Path, d: dict[str, Any]) -> str:
    p = tmp_path / "f.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    return str(p)


@pytest.mark.parametrize(
    "facts",
    [_facts(family=[VISITOR] * 51),
     _facts(entry={"mode": "LAND_POE", "date": "0001-01-01"}, claim={"date": "0001-01-05"})],
)
def test_cli_refuses_out_of_bounds_facts_in_one_line(
    tmp_path: Path, capsys: Any, facts: dict[str, Any]
) -> None:
    code = run_app(app, ["screen", _write(tmp_path, facts), "--as-of", "2023-01-10"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_cli_refuses_a_law_date_after_the_range(tmp_path: Path, capsys: Any) -> None:
    code = run_app(app, ["screen", _write(tmp_path, BASE), "--as-of", "9999-12-31"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and err.count("\n") == 1 and "2100-12-31" in err
