"""Periods as written in the sourced files, parsed into inclusive date intervals.

The raw files write a period in one of these forms (an optional trailing ``(…)`` qualifier such
as ``(approx)`` or ``(week ending Nov 17)`` is kept apart and does not change the interval):

========================  ==============  =========================================
written                   kind            interval (inclusive)
========================  ==============  =========================================
``2017-08-02``            ``day``         that day
``2017-08``               ``month``       the calendar month
``2017-Q3``               ``quarter``     the calendar quarter
``2017`` or ``CY2017``    ``year``        the calendar year
``FY2017``                ``fiscal_year`` US fiscal year: 2016-10-01 .. 2017-09-30
                                          (``fiscal="CA"``: Canadian federal fiscal
                                          year 2017-04-01 .. 2018-03-31)
``A..B``                  ``range``       start of ``A`` .. end of ``B`` (any forms)
``FY2000-FY2022``         ``range``       start of FY2000 .. end of FY2022
========================  ==============  =========================================

>>> p = parse_period("FY2017")
>>> (p.kind, p.start.isoformat(), p.end.isoformat())
('fiscal_year', '2016-10-01', '2017-09-30')
>>> parse_period("FY2021", fiscal="CA").end.isoformat()
'2022-03-31'
>>> parse_period("2022-01..2022-08").end.isoformat()
'2022-08-31'
>>> parse_period("2023-11 (week ending Nov 17)").qualifier
'week ending Nov 17'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["PERIOD_KINDS", "Period", "PeriodError", "month_end", "parse_month", "parse_period"]

#: The kinds of period a figure can cover.
PERIOD_KINDS: tuple[str, ...] = ("day", "month", "quarter", "year", "fiscal_year", "range")


class PeriodError(ValueError):
    """A period string that none of the accepted forms matches."""


@dataclass(frozen=True)
class Period:
    """A parsed period: its kind, inclusive interval, canonical text and qualifier."""

    kind: str
    start: date
    end: date
    text: str
    qualifier: str = ""


_QUAL = re.compile(r"^(?P<core>.*?)\s*\((?P<q>[^()]*)\)\s*$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(?:CY)?(\d{4})$")
_FY = re.compile(r"^FY(\d{4})$")
_FY_RANGE = re.compile(r"^FY(\d{4})-FY(\d{4})$")


def month_end(year: int, month: int) -> date:
    """Last day of a month.

    >>> month_end(2024, 2).isoformat()
    '2024-02-29'
    """
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> date:
    """Parse ``YYYY-MM`` (or ``YYYY-MM-DD``) into the first day of that month.

    >>> parse_month("2017-08").isoformat()
    '2017-08-01'
    """
    t = text.strip()
    m = _MONTH.match(t) or _DAY.match(t)
    if not m:
        raise PeriodError(f"{text!r} is not a month (YYYY-MM)")
    y, mo = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12:
        raise PeriodError(f"{text!r}: month {mo} is not between 01 and 12")
    return date(y, mo, 1)


def _fy(y: int, fiscal: str) -> tuple[date, date]:
    """Interval of fiscal year ``y``: US (Oct..Sep, named by its end year) or CA (Apr..Mar,
    named by its start year)."""
    if fiscal == "CA":
        return date(y, 4, 1), date(y + 1, 3, 31)
    return date(y - 1, 10, 1), date(y, 9, 30)


def _simple(t: str, fiscal: str = "US") -> Period:
    """Parse one period without ``..``; raise PeriodError if no form matches."""
    try:
        if m := _DAY.match(t):
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return Period("day", d, d, t)
        if m := _MONTH.match(t):
            start = parse_month(t)
            return Period("month", start, month_end(start.year, start.month), t)
        if m := _QUARTER.match(t):
            y, q = int(m.group(1)), int(m.group(2))
            return Period("quarter", date(y, 3 * q - 2, 1), month_end(y, 3 * q), t)
        if m := _YEAR.match(t):
            y = int(m.group(1))
            return Period("year", date(y, 1, 1), date(y, 12, 31), t)
        if m := _FY.match(t):
            start, end = _fy(int(m.group(1)), fiscal)
            return Period("fiscal_year", start, end, t)
        if m := _FY_RANGE.match(t):
            a, b = int(m.group(1)), int(m.group(2))
            return Period("range", _fy(a, fiscal)[0], _fy(b, fiscal)[1], t)
    except PeriodError:
        raise
    except ValueError as e:  # e.g. 2017-02-30
        raise PeriodError(f"{t!r}: {e}") from None
    raise PeriodError(
        f"{t!r} is not a period (expected YYYY-MM, YYYY-MM-DD, YYYY, CYyyyy, FYyyyy, "
        "YYYY-Qn or start..end)"
    )


def parse_period(text: str, fiscal: str = "US") -> Period:
    """Parse a period as written in a raw file (see the module docstring for the forms).

    ``fiscal`` says whose fiscal year ``FYyyyy`` is: ``"US"`` (October to September, named
    by the year it ends; CBP, DHS) or ``"CA"`` (April to March, named by the year it starts;
    IRB, IRCC).

    >>> parse_period("2017-08").kind
    'month'
    >>> parse_period("2020-03-22..2021-04-20").start.isoformat()
    '2020-03-22'
    """
    t = text.strip()
    qualifier = ""
    if m := _QUAL.match(t):
        t, qualifier = m.group("core").strip(), m.group("q").strip()
    if not t:
        raise PeriodError(f"{text!r} is empty")
    if ".." in t:
        a, _, b = t.partition("..")
        pa, pb = _simple(a.strip(), fiscal), _simple(b.strip(), fiscal)
        if pb.end < pa.start:
            raise PeriodError(f"{text!r}: range ends before it starts")
        return Period("range", pa.start, pb.end, t, qualifier)
    p = _simple(t, fiscal)
    return Period(p.kind, p.start, p.end, p.text, qualifier)
