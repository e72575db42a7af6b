"""The one law-table builder asks each place's breakpoints and agrees with asking every day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.sim.oracle import ProfileTable, build_outcome_table

START = dt.date(2024, 1, 1)
CHANGES = {"a": START + dt.timedelta(days=3), "b": START + dt.timedelta(days=5)}


class _Stub:
    """Place ``a`` turns to code 1 on day 3, place ``b`` on day 5 (profile 1: one day later)."""

    code_names: Sequence[str] = ("referred", "returned")
    referred: Sequence[bool] = (True, False)

    def __init__(self, with_breakpoints: bool) -> None:
        self.asked: list[tuple[str, dt.date]] = []
        if with_breakpoints:
            self.breakpoints = self._breakpoints

    def outcome_codes(self, cols: Mapping[str, npt.NDArray[Any]], place: str, as_of: dt.date,
                      reforms: Sequence[Mapping[str, Any]] = ()) -> npt.NDArray[np.int8]:
        self.asked.append((place, as_of))
        change = CHANGES[place]
        return np.asarray([as_of >= change, as_of >= change + dt.timedelta(days=1)], np.int8)

    def _breakpoints(self, start: dt.date, end: dt.date, reforms: Sequence[Any] = (),
                     place: str | None = None) -> list[dt.date]:
        places = [place] if place is not None else list(CHANGES)
        out = {CHANGES[p] + dt.timedelta(days=k) for p in places for k in (0, 1)}
        return sorted(d for d in out if start <= d <= end)


def test_per_place_breakpoints_give_the_daily_table() -> None:
    profiles = ProfileTable()
    profiles.add({"i": 0})
    profiles.add({"i": 1})
    fast, daily = _Stub(True), _Stub(False)
    t_fast = build_outcome_table(fast, profiles, ("a", "b"), START, 10, lag_max=2)
    t_daily = build_outcome_table(daily, profiles, ("a", "b"), START, 10, lag_max=2)
    assert np.array_equal(t_fast.codes, t_daily.codes)
    # by hand: place a, profile 0 is returned from day 3; place b, profile 1 from day 6
    assert t_fast.codes[:, 0, 0].tolist() == [0] * 5 + [1] * 7
    assert t_fast.codes[:, 1, 1].tolist() == [0] * 8 + [1] * 4
    # each place is asked only on the first day and its own breakpoints
    first = START - dt.timedelta(days=2)
    assert sorted(d for p, d in fast.asked if p == "a") == [
        first, CHANGES["a"], CHANGES["a"] + dt.timedelta(days=1)]
    assert len(daily.asked) == 2 * 12
