"""The data cut-off: what was observed up to a month, and nothing after it.

:func:`observed_until` is a context manager; inside it every :mod:`roxham.data` loader
(:func:`~roxham.data.figures` and everything built on it: :func:`~roxham.data.series`,
:func:`~roxham.data.monthly`, :func:`~roxham.data.daily_drivers`, :func:`~roxham.data.list_series`,
:func:`~roxham.data.conflicts`, :func:`~roxham.data.sources`) returns only figures whose period
**ends** on or before the last day of the cut-off month: a monthly figure of that month or
earlier, a yearly (or fiscal-year, quarter, range) figure only when its whole period is
complete by then. Forecasts and fits for an origin read the data inside
``observed_until(origin)``, so nothing observed after the origin can enter them.

Dated events (:func:`~roxham.data.events`) are not cut: they are the policy timeline a run is
conditional on (the law's own dates live in :mod:`roxham.law`); a forecast says in its
manifest which events after its origin it assumed.

The cut-off is held in a :class:`contextvars.ContextVar`: it applies to the current thread or
task; code that hands data reading to other threads or processes must enter the context there
too. Nested cut-offs keep the earlier month.

>>> from roxham.data import monthly
>>> with observed_until("2017-06"):
...     m = monthly("rcmp_interceptions", "QC")
>>> m.get_column("month").max().isoformat()
'2017-06-01'
>>> current_cutoff() is None
True
"""

from __future__ import annotations

import calendar
import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from roxham.errors import UserError

__all__ = ["current_cutoff", "cutoff_end", "observed_until", "parse_month", "uncut"]

_CUTOFF: contextvars.ContextVar[date | None] = contextvars.ContextVar("roxham_data_cutoff",
                                                                      default=None)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[int, int]:
    """``"YYYY-MM"`` → (year, month); one-line :class:`UserError` otherwise.

    >>> parse_month("2024-12")
    (2024, 12)
    """
    m = _MONTH.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2100:
        raise UserError(f"bad month {text!r}: expected YYYY-MM (e.g. 2024-12)")
    return int(m.group(1)), int(m.group(2))


def cutoff_end(month: str) -> date:
    """Last day of a ``YYYY-MM`` month.

    >>> cutoff_end("2024-02").isoformat()
    '2024-02-29'
    """
    y, m = parse_month(month)
    return date(y, m, calendar.monthrange(y, m)[1])


def current_cutoff() -> date | None:
    """Last day observable under the active cut-off, or ``None`` outside any."""
    return _CUTOFF.get()


@contextmanager
def observed_until(month: str) -> Iterator[date]:
    """Inside this block, :mod:`roxham.data` returns only figures whose period ends on or
    before the end of ``month`` (``"YYYY-MM"``). Yields that last day."""
    end = cutoff_end(month)
    prev = _CUTOFF.get()
    if prev is not None and prev < end:
        end = prev
    token = _CUTOFF.set(end)
    try:
        yield end
    finally:
        _CUTOFF.reset(token)


@contextmanager
def uncut() -> Iterator[None]:
    """No cut-off inside (for checking names: a series or geography that exists, but has no
    figure by the cut-off, is empty rather than unknown). Not for reading figures."""
    token = _CUTOFF.set(None)
    try:
        yield
    finally:
        _CUTOFF.reset(token)
