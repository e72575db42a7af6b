"""Reforms: changes to the law's provisions or dates, and the resolved parameters of the law.

A :class:`Reform` is data (JSON/YAML). Both :func:`roxham.law.determine` and
:func:`roxham.law.evaluate_batch` take one. Fields:

- ``no_protocol``: the 2023 Additional Protocol never happens (IRPR s. 159.4(1.1) never in
  force; without its time limit s. 101(1)(b.2) cannot apply either). IRPR s. 159.01 (same
  SOR/2023-58) keeps its own date ``D_PRIOR_CLAIM_DEF``; move it with ``in_force`` if wanted.
- ``protocol_window_days``: the s. 159.4(1.1) window, N days (14 in the real law). A claim
  ``d`` days after the day of entry is inside iff ``d <= N - 1``; s. 101(1)(b.2) iff ``d >= N``.
- ``remove_exceptions``: exception ids (``"IRPR 159.5(d)"``, ``"IRPR 159.5(b)"`` = all of (b),
  ``"IRPR 159.6(a)"``...) that no longer exist.
- ``in_force``: move dated constants of ``data/constants.yaml`` (e.g. ``{"D_PROTOCOL":
  "2022-01-01"}``); ``null`` means the event never happens.
- ``stca_suspended``: a s. 159.7 suspension for every date (STCA ``NOT_IN_FORCE``).

Other readings of the ambiguities of docs/law/RULES.md §8 run as reforms too:

- [A1/A2] the Protocol's "within 14 days after such crossing" (day 14 inside, (b.2) from day
  15): ``protocol_window_days=15``;
- ``a3_transitional``: the Protocol also reaches people who entered between ports before
  2023-03-25 00:01 and claimed from that day, inside the window;
- ``a5_inland_after_land_poe``: a claim made inland after admission at a land port of entry
  is within the STCA;
- ``a10_former_residence_any``: the United States as country of former habitual residence
  excludes s. 101(1)(e) for non-stateless claimants too (the literal Act).

Reforms compose left to right with :meth:`Reform.compose` (``a.compose(b)``: ``b`` applied on
top of ``a``: booleans OR, window from the last one that sets it, exception lists united,
``in_force`` dicts merged with ``b`` winning).

>>> r = Reform.model_validate({"protocol_window_days": 30, "remove_exceptions": ["IRPR 159.5(d)"]})
>>> r.compose(Reform(no_protocol=True)).no_protocol
True
>>> law_params(r).window
30
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from roxham.law.facts import MAX_DATE
from roxham.law.registry import CONSTANTS

__all__ = [
    "EXCEPTION_IDS",
    "GROUND_IDS",
    "NEVER",
    "LawParams",
    "Reform",
    "day_number",
    "from_day_number",
    "law_params",
]

#: Bit order of the exceptions (batch ``exceptions`` mask).
EXCEPTION_IDS: tuple[str, ...] = (
    "IRPR 159.5(a)",
    "IRPR 159.5(b)(i)",
    "IRPR 159.5(b)(ii)",
    "IRPR 159.5(b)(iii)",
    "IRPR 159.5(c)",
    "IRPR 159.5(d)",
    "IRPR 159.5(e)",
    "IRPR 159.5(f)",
    "IRPR 159.5(g)",
    "IRPR 159.5(h)(i)",
    "IRPR 159.5(h)(ii)",
    "IRPR 159.6(a)",
    "IRPR 159.6(b)",
    "IRPR 159.6(c)",
)
#: Bit order of the IRPA s. 101(1) grounds (batch ``grounds`` mask), as in ``grounds``.
GROUND_IDS: tuple[str, ...] = (
    "101(1)(a)",
    "101(1)(b)",
    "101(1)(b.1)",
    "101(1)(b.2)",
    "101(1)(c)",
    "101(1)(c.1)",
    "101(1)(d)",
    "101(1)(e)",
    "101(1)(f)",
)

_EPOCH_ORD = dt.date(1970, 1, 1).toordinal()
#: Day number used for "never" (far future).
NEVER = 2**31 - 1


def day_number(d: dt.date) -> int:
    """Days since 1970-01-01 (the integer of ``numpy.datetime64(d, 'D')``)."""
    return d.toordinal() - _EPOCH_ORD


def from_day_number(n: int) -> dt.date:
    """Inverse of :func:`day_number`."""
    return dt.date.fromordinal(int(n) + _EPOCH_ORD)


_DATE_CONSTANTS = tuple(n for n, c in CONSTANTS.items() if c.date is not None)


class Reform(BaseModel):
    """A change to the law (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    no_protocol: bool = False
    protocol_window_days: int | None = Field(None, ge=1, le=3650)
    remove_exceptions: tuple[str, ...] = ()
    in_force: dict[str, dt.date | None] = Field(default_factory=dict)
    stca_suspended: bool = False
    a3_transitional: bool = False
    a5_inland_after_land_poe: bool = False
    a10_former_residence_any: bool = False

    @field_validator("remove_exceptions")
    @classmethod
    def _known_exceptions(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for pid in v:
            if not any(e == pid or e.startswith(pid + "(") for e in EXCEPTION_IDS):
                raise ValueError(
                    f"remove_exceptions: unknown exception {pid!r}; "
                    f"expected one of {', '.join(EXCEPTION_IDS)}"
                )
        return v

    @field_validator("in_force")
    @classmethod
    def _known_constants(cls, v: dict[str, dt.date | None]) -> dict[str, dt.date | None]:
        start = CONSTANTS["D_IRPA"].date
        assert start is not None
        for k, day in v.items():
            if k == "D_IRPA":
                raise ValueError("in_force: D_IRPA (the start of the rules) cannot be moved")
            if day is not None and day < start:
                raise ValueError(f"in_force: {k} before {start} (IRPA in force) is out of scope")
            if day is not None and day > MAX_DATE:
                raise ValueError(f"in_force: {k} after {MAX_DATE} is out of the law's range")
            if k not in _DATE_CONSTANTS:
                raise ValueError(
                    f"in_force: unknown constant {k!r}; "
                    f"expected one of {', '.join(_DATE_CONSTANTS)}"
                )
        return v

    def compose(self, other: Reform) -> Reform:
        """``other`` applied on top of this reform."""
        return Reform(
            name=" + ".join(n for n in (self.name, other.name) if n),
            no_protocol=self.no_protocol or other.no_protocol,
            protocol_window_days=(
                other.protocol_window_days
                if other.protocol_window_days is not None
                else self.protocol_window_days
            ),
            remove_exceptions=tuple(
                dict.fromkeys(self.remove_exceptions + other.remove_exceptions)
            ),
            in_force={**self.in_force, **other.in_force},
            stca_suspended=self.stca_suspended or other.stca_suspended,
            a3_transitional=self.a3_transitional or other.a3_transitional,
            a5_inland_after_land_poe=self.a5_inland_after_land_poe
            or other.a5_inland_after_land_poe,
            a10_former_residence_any=self.a10_former_residence_any
            or other.a10_former_residence_any,
        )

    def effective_dates(self) -> dict[str, dt.date | None]:
        """The constants this reform moves (``None`` = never)."""
        out = dict(self.in_force)
        if self.no_protocol:
            out["D_PROTOCOL"] = None
        return out

    def removed_mask(self) -> int:
        """Bit mask (over :data:`EXCEPTION_IDS`) of the removed exceptions."""
        m = 0
        for i, e in enumerate(EXCEPTION_IDS):
            if any(e == pid or e.startswith(pid + "(") for pid in self.remove_exceptions):
                m |= 1 << i
        return m


@dataclass(frozen=True, slots=True)
class LawParams:
    """The law's parameters as day numbers (:func:`day_number`), after a reform."""

    d_irpa: int
    d_stca: int
    d_tsr_repeal: int
    d_c97_intro: int
    d_c1: int
    d_covid_b1: int
    d_protocol: int
    protocol_minute: int
    d_prior_claim_def: int
    d_c2_intro: int
    d_c12_ra: int
    window: int
    adult_age: int
    removed_mask: int
    suspended: bool
    a3: bool = False
    a5: bool = False
    a10: bool = False

    def as_array(self) -> list[int]:
        """Parameters in the order the batch kernel reads them."""
        return [
            self.d_stca,
            self.d_tsr_repeal,
            self.d_c97_intro,
            self.d_c1,
            self.d_covid_b1,
            self.d_protocol,
            self.protocol_minute,
            self.d_prior_claim_def,
            self.d_c2_intro,
            self.d_c12_ra,
            self.window,
            self.adult_age,
            self.removed_mask,
            int(self.suspended),
            int(self.a3),
            int(self.a5),
            int(self.a10),
        ]


def _dn(dates: dict[str, dt.date | None], name: str) -> int:
    d = dates.get(name)
    return NEVER if d is None else day_number(d)


@functools.lru_cache(maxsize=256)
def _params_cached(key: str) -> LawParams:
    reform = Reform.model_validate_json(key) if key else None
    dates: dict[str, dt.date | None] = {n: CONSTANTS[n].date for n in _DATE_CONSTANTS}
    if reform is not None:
        dates.update(reform.effective_dates())
    t = CONSTANTS["D_PROTOCOL"].time or "00:00"
    window = CONSTANTS["PROTOCOL_WINDOW_DAYS"].value
    adult = CONSTANTS["AGE_OF_MAJORITY"].value
    assert window is not None and adult is not None
    if reform is not None and reform.protocol_window_days is not None:
        window = reform.protocol_window_days
    return LawParams(
        d_irpa=_dn(dates, "D_IRPA"),
        d_stca=_dn(dates, "D_STCA"),
        d_tsr_repeal=_dn(dates, "D_TSR_REPEAL"),
        d_c97_intro=_dn(dates, "D_C97_INTRO"),
        d_c1=_dn(dates, "D_C1"),
        d_covid_b1=_dn(dates, "D_COVID_B1"),
        d_protocol=_dn(dates, "D_PROTOCOL"),
        protocol_minute=int(t[:2]) * 60 + int(t[3:]),
        d_prior_claim_def=_dn(dates, "D_PRIOR_CLAIM_DEF"),
        d_c2_intro=_dn(dates, "D_C2_INTRO"),
        d_c12_ra=_dn(dates, "D_C12_RA"),
        window=int(window),
        adult_age=int(adult),
        removed_mask=reform.removed_mask() if reform is not None else 0,
        suspended=bool(reform is not None and reform.stca_suspended),
        a3=bool(reform is not None and reform.a3_transitional),
        a5=bool(reform is not None and reform.a5_inland_after_land_poe),
        a10=bool(reform is not None and reform.a10_former_residence_any),
    )


def law_params(reform: Reform | None = None) -> LawParams:
    """Resolved parameters (cached per reform)."""
    return _params_cached(reform.model_dump_json() if reform is not None else "")
