"""The law, as the engine sees it: fact profiles and a law oracle.

Many agents share the facts that matter to the law, so agents carry a ``profile`` index into a
:class:`ProfileTable` of unique fact profiles, and the oracle is asked about unique
(profile, place, date) combinations, not one row per agent.

A **law oracle** is anything with this shape (:class:`LawOracle`):

- ``code_names``: the name of each outcome code (``0..n_codes-1``);
- ``referred``: for each code, whether the claim is referred (eligible → queue) or not
  (ineligible → returned);
- ``outcome_codes(profile_columns, place, as_of, reforms=())`` → ``int8[n_profiles]``: the
  outcome code of each profile for a claim made at ``place`` (a string such as
  ``"land_poe"``, ``"between_ports"``, ``"airport"``, ``"inland"``) under the law in force on
  ``as_of`` with the given reforms (opaque dicts from the timeline, oldest first);
- optionally ``breakpoints(start, end, reforms, place=None)`` → dates on which the answers
  for a claim at ``place`` (at any place when ``None``) may change; when present the engine
  asks only on those dates (plus reform dates), otherwise every day;
- optionally ``profile_after_return(profile_columns)`` → ``int[n_codes, n_profiles]``: the
  profile a person has after being returned with each outcome code (the law remembers a prior
  claim: e.g. IRPA s. 101(1)(c) bars a later claim after one found ineligible); the engine
  switches a returned agent's profile to it. Without it a profile never changes.

The real oracle wraps ``roxham.law.evaluate_batch`` (models build it); tests use a stub.
:func:`build_outcome_table` tabulates the oracle over the whole period once per run, so the
daily kernel reads outcomes from an array; the *perceived* law with an information lag of
``k`` days is the same table read ``k`` days earlier.

>>> profiles = ProfileTable()
>>> profiles.add({"nationality": "HT", "family_in_canada": False})
0
>>> profiles.add({"nationality": "HT", "family_in_canada": True})
1
>>> profiles.add({"nationality": "HT", "family_in_canada": False})
0
>>> profiles.columns()["family_in_canada"].tolist()
[False, True]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from roxham.errors import UserError

__all__ = [
    "EveryoneReferred",
    "LawOracle",
    "OutcomeTable",
    "ProfileTable",
    "build_outcome_table",
]


@runtime_checkable
class LawOracle(Protocol):
    """What the engine needs from the law (see the module docstring)."""

    @property
    def code_names(self) -> Sequence[str]:
        """Name of each outcome code."""
        ...

    @property
    def referred(self) -> Sequence[bool]:
        """For each code: True if the claim is referred (eligible), False if returned."""
        ...

    def outcome_codes(
        self,
        profile_columns: Mapping[str, npt.NDArray[Any]],
        place: str,
        as_of: dt.date,
        reforms: Sequence[Mapping[str, Any]] = (),
    ) -> npt.NDArray[np.integer]:
        """Outcome code per profile row for a claim at ``place`` on ``as_of``."""
        ...


class EveryoneReferred:
    """The oracle of models without law (e.g. Flee): every claim is referred (code 0).

    >>> EveryoneReferred().outcome_codes({"x": np.zeros(3)}, "anywhere", dt.date(2020, 1, 1))
    array([0, 0, 0], dtype=int8)
    """

    code_names: Sequence[str] = ("referred",)
    referred: Sequence[bool] = (True,)

    def outcome_codes(
        self,
        profile_columns: Mapping[str, npt.NDArray[Any]],
        place: str,
        as_of: dt.date,
        reforms: Sequence[Mapping[str, Any]] = (),
    ) -> npt.NDArray[np.int8]:
        """All zeros."""
        n = len(next(iter(profile_columns.values()))) if profile_columns else 1
        return np.zeros(n, dtype=np.int8)


class ProfileTable:
    """Unique fact profiles; agents hold an index into it.

    Every profile must have the same keys (the first one added fixes them). Values are
    scalars (bool, int, float, str, date).
    """

    def __init__(self) -> None:
        self._rows: list[tuple[Any, ...]] = []
        self._keys: tuple[str, ...] | None = None
        self._index: dict[tuple[Any, ...], int] = {}

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> tuple[str, ...]:
        """The fact names (columns)."""
        return self._keys or ()

    def add(self, facts: Mapping[str, Any]) -> int:
        """Index of this profile, adding it if new."""
        keys = tuple(sorted(facts))
        if self._keys is None:
            self._keys = keys
        elif keys != self._keys:
            missing = set(self._keys) ^ set(keys)
            differing = ", ".join(sorted(missing))
            raise UserError(f"profile facts must all have the same keys; differing: {differing}")
        row = tuple(facts[k] for k in keys)
        idx = self._index.get(row)
        if idx is None:
            idx = len(self._rows)
            self._rows.append(row)
            self._index[row] = idx
        return idx

    def row(self, i: int) -> dict[str, Any]:
        """Profile ``i`` as a dict."""
        return dict(zip(self.keys, self._rows[i], strict=True))

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """Columns (one NumPy array per fact) over all profiles."""
        if not self._rows:
            return {}
        out: dict[str, npt.NDArray[Any]] = {}
        for j, k in enumerate(self.keys):
            vals = [r[j] for r in self._rows]
            out[k] = np.asarray(vals)
        return out


class OutcomeTable:
    """Outcome codes tabulated over days, places and profiles.

    ``codes[d + lag_max, p, f]`` is the code of profile ``f`` claiming at place ``p`` on day
    ``d`` of the period (``d`` may be as low as ``-lag_max``). ``after_return[c, f]`` is the
    profile of ``f`` after a return with code ``c`` (default: ``f`` itself).
    """

    def __init__(
        self,
        codes: npt.NDArray[np.int8],
        places: Sequence[str],
        lag_max: int,
        code_names: Sequence[str],
        referred: npt.NDArray[np.bool_],
        after_return: npt.NDArray[np.int32] | None = None,
    ) -> None:
        self.codes = codes
        self.places = tuple(places)
        self.lag_max = int(lag_max)
        self.code_names = tuple(code_names)
        self.referred = referred
        n_prof = codes.shape[2] if codes.ndim == 3 else 1
        if after_return is None:
            after_return = np.tile(np.arange(n_prof, dtype=np.int32), (len(self.code_names), 1))
        after_return = np.ascontiguousarray(after_return, dtype=np.int32)
        if after_return.shape != (len(self.code_names), n_prof) or (
            after_return.size and (after_return.min() < 0 or after_return.max() >= n_prof)
        ):
            raise ValueError(
                f"after_return must be [codes, profiles] = {(len(self.code_names), n_prof)} "
                "of profile indices"
            )
        self.after_return = after_return
        self._place_index = {p: i for i, p in enumerate(self.places)}

    def place_index(self, place: str) -> int:
        """Index of a place name."""
        try:
            return self._place_index[place]
        except KeyError:
            raise UserError(f"unknown claim place {place!r}") from None

    def on_day(self, day: int, lag: int = 0) -> npt.NDArray[np.int8]:
        """``int8[n_places, n_profiles]``: the law as of day ``day - lag``."""
        if lag > self.lag_max or lag < 0:
            raise ValueError(f"lag {lag} outside 0..{self.lag_max}")
        return self.codes[day - lag + self.lag_max]

    def referred_on_day(self, place: str, day: int, lag: int = 0) -> npt.NDArray[np.bool_]:
        """``bool[n_profiles]``: would a claim at ``place`` be referred (law of ``day - lag``)."""
        return self.referred[self.on_day(day, lag)[self.place_index(place)]]


def build_outcome_table(
    oracle: LawOracle,
    profiles: ProfileTable,
    places: Sequence[str],
    start: dt.date,
    n_days: int,
    reform_events: Sequence[tuple[dt.date, Mapping[str, Any]]] = (),
    lag_max: int = 0,
) -> OutcomeTable:
    """Ask the oracle once per (place, date on which the answer may change): the one
    builder of law tables (the engine's and the models').

    ``reform_events`` are (date, reform) pairs; the reforms in effect on a date are those
    dated on or before it, oldest first. Returns an :class:`OutcomeTable` covering days
    ``-lag_max .. n_days-1``.
    """
    cols = profiles.columns()
    n_prof = max(len(profiles), 1)
    first = start - dt.timedelta(days=lag_max)
    total = n_days + lag_max
    reform_events = sorted(reform_events, key=lambda e: e[0])
    referred = np.asarray(list(oracle.referred), dtype=bool)
    if len(referred) != len(oracle.code_names):
        raise ValueError("oracle.referred and oracle.code_names differ in length")

    def reforms_on(d: dt.date) -> list[Mapping[str, Any]]:
        return [r for (rd, r) in reform_events if rd <= d]

    # query days, per place: the first day, reform dates, and the oracle's breakpoints for
    # that place (or every day)
    last = first + dt.timedelta(days=total - 1)
    bp = getattr(oracle, "breakpoints", None)
    common: set[dt.date] = {first}
    common.update(d for d, _ in reform_events if first <= d <= last)
    if bp is None:
        common.update(first + dt.timedelta(days=i) for i in range(total))
    reform_sets = [[], *[reforms_on(d) for d, _ in reform_events]]
    codes = np.zeros((total, len(places), n_prof), dtype=np.int8)
    for p, place in enumerate(places):
        query = set(common)
        if bp is not None:
            for rs in reform_sets:
                query.update(d for d in bp(first, last, rs, place=place) if first <= d <= last)
        qdays = sorted(query)
        for qi, qd in enumerate(qdays):
            i0 = (qd - first).days
            i1 = (qdays[qi + 1] - first).days if qi + 1 < len(qdays) else total
            out = np.asarray(oracle.outcome_codes(cols, place, qd, reforms_on(qd)))
            if out.shape != (n_prof,) and not (len(profiles) == 0 and out.size == 1):
                raise ValueError(
                    f"oracle returned shape {out.shape} for {n_prof} profiles at {place!r}"
                )
            if out.size and (out.min() < 0 or out.max() >= len(referred)):
                raise ValueError(f"oracle returned a code outside 0..{len(referred) - 1}")
            codes[i0:i1, p, :] = out.astype(np.int8).reshape(-1)[:n_prof] if out.size else 0
    after = getattr(oracle, "profile_after_return", None)
    after_return = None
    if after is not None and len(profiles):
        after_return = np.asarray(after(cols))
    return OutcomeTable(codes, places, lag_max, oracle.code_names, referred, after_return)
