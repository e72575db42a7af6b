"""Periods as written in the raw files, and the package data shipped with roxham."""

from __future__ import annotations

import calendar
import os
from datetime import date
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roxham.data.load import raw_files
from roxham.data.periods import PeriodError, parse_period

#: Hypothesis examples per property: 300 in CI (``CI`` set), 50 in development.
PROFILE = settings(max_examples=300 if os.environ.get("CI") else 50, deadline=None)


@settings(PROFILE)
@given(st.integers(1990, 2040), st.integers(1, 12))
def test_month_covers_the_calendar_month(y: int, m: int) -> None:
    p = parse_period(f"{y}-{m:02d}")
    assert (p.kind, p.start, p.end) == ("month", date(y, m, 1),
                                        date(y, m, calendar.monthrange(y, m)[1]))


@settings(PROFILE)
@given(st.integers(1990, 2040))
def test_fiscal_years_us_and_canada(y: int) -> None:
    us, ca = parse_period(f"FY{y}"), parse_period(f"FY{y}", fiscal="CA")
    assert (us.start, us.end) == (date(y - 1, 10, 1), date(y, 9, 30))  # named by its end
    assert (ca.start, ca.end) == (date(y, 4, 1), date(y + 1, 3, 31))  # named by its start
    assert (us.end - us.start).days + 1 in (365, 366)


@settings(PROFILE)
@given(st.dates(date(1990, 1, 1), date(2040, 12, 31)), st.dates(date(1990, 1, 1),
                                                                  date(2040, 12, 31)))
def test_ranges_of_days(a: date, b: date) -> None:
    text = f"{a.isoformat()}..{b.isoformat()}"
    if b < a:
        with pytest.raises(PeriodError, match="ends before it starts"):
            parse_period(text)
    else:
        p = parse_period(text + " (approx)")
        assert (p.kind, p.start, p.end, p.qualifier) == ("range", a, b, "approx")


@pytest.mark.parametrize("bad", ["2017-13", "2017-02-30", "FY17", "2017/08", "", "Q3-2017"])
def test_bad_periods(bad: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(bad)


def test_data_files_are_package_resources() -> None:
    # Shipped inside the roxham package (hatch includes every file under src/roxham).
    root = resources.files("roxham.data").joinpath("raw")
    for spec in raw_files():
        assert root.joinpath(spec.path).is_file(), spec.path
    assert root.joinpath("us/events.csv").is_file()
    assert resources.files("roxham.data").joinpath("SCHEMA.md").is_file()
