"""Visa requirements by nationality and date (``data/visas.yaml``), deriving omitted facts.

IRPR s. 159.5(g) excepts a claimant who needs no Canadian visa by the route used but needs a
US visa. The user rarely knows both facts; docs/law/RULES.md §2 derives each omitted one from the
nationality, the route and the date, from a sourced, dated table (IRCC entry requirements,
SOR/2016-293 and SOR/2024-34 for Mexico, SOR/2023-106 for the conditional eTA by air, the US
Visa Waiver Program list). A fact given by the user always wins. Where the table cannot tell
(an uncovered nationality or date, a stateless person, a national flying in with a conditional
eTA not recorded, an entry on the evening a change came into force with no time given) the fact
stays unknown and (g) is not established.

Why the table says what it says is data (:class:`VisaReason`: a code, the nationality, the day,
the source keys, an optional note), not text: :mod:`roxham.law.explain` renders it in English
or French (:func:`roxham.law.explain.visa_reason_text`).

>>> import datetime as dt
>>> v, why = visa_req_ca(("MX",), dt.date(2023, 6, 1), -1, "LAND_POE", has_eta=False)
>>> v, why[0].code, why[0].sources
(False, 'exempt', ('CIC_MX_2009', 'SOR_2016_293', 'SOR_2024_34', 'IRCC_MX_2024'))
>>> visa_req_ca(("MX",), dt.date(2024, 6, 1), -1, "LAND_POE", has_eta=True)[1][0].code
'eta_air_only'
>>> visa_req_us(("MX",), dt.date(2024, 6, 1))[0]
True
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from roxham.law.facts import Facts

__all__ = [
    "COVERED",
    "REASON_CODES",
    "DerivedFact",
    "VisaReason",
    "derive_omitted",
    "derive_visa_facts",
    "has_valid_eta",
    "note_text",
    "source_text",
    "visa_req_ca",
    "visa_req_us",
]

#: What a :class:`VisaReason` can say (rendered by roxham.law.explain in EN and FR).
REASON_CODES: tuple[str, ...] = (
    "no_nationality",  # no nationality given (stateless or omitted)
    "not_covered",  # the nationality (or that date for it) is not in the table
    "give_time",  # the rule changed that day at a time of day; entry.time not given
    "exempt",  # visa-exempt that day
    "required",  # visa required that day
    "eta_air_only",  # by land or water a visa is required; an eTA serves air travel only
    "eta_flying",  # flying with a valid eTA: no visa needed
    "eta_or_visa",  # flying, an eTA or a visa, neither recorded: cannot tell
    "us_exempt",  # in the US Visa Waiver Program (or a US national)
    "us_required",  # not in the Visa Waiver Program: a US visa is needed
)


@dataclass(frozen=True, slots=True)
class VisaReason:
    """Why the table gives a visa fact for one nationality: ``code`` (:data:`REASON_CODES`),
    the nationality, the day read, the keys of ``data/visas.yaml``'s sources, and ``notes``
    (keys of the table's dated notes, e.g. a transition arrangement)."""

    code: str
    nat: str = ""
    day: dt.date | None = None
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"code": self.code, "nat": self.nat,
                "day": None if self.day is None else self.day.isoformat(),
                "sources": list(self.sources), "notes": list(self.notes)}


@dataclass(frozen=True, slots=True)
class _Interval:
    start: tuple[dt.date, int] | None  # (day, minute of the day)
    end: tuple[dt.date, int] | None

    def contains(self, day: dt.date, minute: int) -> bool | None:
        """Whether the moment is inside; None when the day is a boundary with a time of day
        and ``minute`` is unknown (-1)."""
        for bound, inside_after in ((self.start, True), (self.end, False)):
            if bound is None:
                continue
            bday, bmin = bound
            if day == bday and bmin > 0:
                if minute < 0:
                    return None
                after = minute >= bmin
                if after != inside_after:
                    return False
            elif (day >= bday) != inside_after:
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Entry:
    exempt: tuple[_Interval, ...]
    air_only_eta: tuple[_Interval, ...]
    sources: tuple[str, ...]
    covered_from: dt.date | None = None
    notes: tuple[tuple[_Interval, str], ...] = ()


def _bound(d: dict[str, Any], key: str) -> tuple[dt.date, int] | None:
    day = d.get(key)
    if day is None:
        return None
    hhmm = d.get(f"{key}_time") or "00:00"
    return day, int(hhmm[:2]) * 60 + int(hhmm[3:])


def _intervals(items: list[dict[str, Any]] | None) -> tuple[_Interval, ...]:
    return tuple(_Interval(_bound(i, "from"), _bound(i, "to")) for i in items or ())


@functools.cache
def _table() -> tuple[dict[str, str], dict[str, _Entry], dict[str, _Entry], dict[str, Any]]:
    text = resources.files("roxham.law").joinpath("data", "visas.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    sources: dict[str, str] = {k: " ".join(v.split()) for k, v in raw["sources"].items()}
    notes: dict[str, Any] = raw.get("notes", {})

    def side(name: str) -> dict[str, _Entry]:
        out = {}
        for code, e in raw[name].items():
            for s in e["sources"]:
                if s not in sources:
                    raise KeyError(f"visas.yaml: {name}.{code}: unknown source {s!r}")
            dated = []
            for n in e.get("notes", ()):
                if n["key"] not in notes:
                    raise KeyError(f"visas.yaml: {name}.{code}: unknown note {n['key']!r}")
                dated.append((_Interval(_bound(n, "from"), _bound(n, "to")), n["key"]))
            out[code] = _Entry(
                _intervals(e.get("exempt")), _intervals(e.get("air_only_eta")),
                tuple(e["sources"]), e.get("covered_from"), tuple(dated),
            )
        return out

    return sources, side("canada"), side("united_states"), notes


#: Nationalities whose Canadian visa requirement the table covers (some from a date only).
COVERED: frozenset[str] = frozenset(_table()[1])


def source_text(key: str) -> str:
    """The full citation of a source key of ``data/visas.yaml`` (title, date, address)."""
    return _table()[0][key]


def note_text(key: str, lang: str) -> str:
    """The text of a dated note of ``data/visas.yaml`` in ``lang`` (``en``/``fr``)."""
    return " ".join(str(_table()[3][key][lang]).split())


def _one_ca(code: str, day: dt.date, minute: int, mode: str, has_eta: bool) -> tuple[
    bool | None, VisaReason
]:
    e = _table()[1].get(code)
    if e is None or (e.covered_from is not None and day < e.covered_from):
        return None, VisaReason("not_covered", code, day)
    notes = tuple(k for iv, k in e.notes if iv.contains(day, minute) is not False)

    def why(c: str) -> VisaReason:
        return VisaReason(c, code, day, e.sources, notes)

    for iv in e.exempt:
        inside = iv.contains(day, minute)
        if inside is None:
            return None, why("give_time")
        if inside:
            return False, why("exempt")
    for iv in e.air_only_eta:
        inside = iv.contains(day, minute)
        if inside is None:
            return None, why("give_time")
        if inside:
            if mode != "AIRPORT":
                return True, why("eta_air_only")
            if has_eta:
                return False, why("eta_flying")
            return None, why("eta_or_visa")
    return True, why("required")


def visa_req_ca(
    nat: tuple[str, ...], day: dt.date, minute: int, mode: str, *, has_eta: bool
) -> tuple[bool | None, tuple[VisaReason, ...]]:
    """Whether a national of ``nat`` (any of them: a dual national uses the better passport)
    needs a Canadian visa on ``day`` (at ``minute``, -1 = unknown) entering by ``mode``,
    with the reasons; None where the table cannot tell."""
    if not nat:
        return None, (VisaReason("no_nationality", day=day),)
    found = [_one_ca(c, day, minute, mode, has_eta) for c in nat]
    for v, why in found:
        if v is False:
            return False, (why,)
    if all(v is True for v, _ in found):
        return True, tuple(why for _, why in found)
    return None, tuple(why for v, why in found if v is None)


def visa_req_us(nat: tuple[str, ...], day: dt.date) -> tuple[bool | None, tuple[VisaReason, ...]]:
    """Whether a national of ``nat`` needs a US visa on ``day`` (not in the Visa Waiver
    Program, not a US national), with the reasons; None where the table cannot tell."""
    if not nat:
        return None, (VisaReason("no_nationality", day=day),)
    table_ca, table_us = _table()[1], _table()[2]
    for c in nat:
        e = table_us.get(c)
        if e is not None and any(iv.contains(day, 0) for iv in e.exempt):
            return False, (VisaReason("us_exempt", c, day, e.sources),)
    unknown = [c for c in nat if c not in table_ca]
    if unknown:
        return None, tuple(VisaReason("not_covered", c, day) for c in unknown)
    return True, tuple(VisaReason("us_required", c, day, ("US_VWP",)) for c in nat)


@dataclass(frozen=True, slots=True)
class DerivedFact:
    """A fact the user omitted, derived from the visa table (value None: not derivable), and
    why (one :class:`VisaReason` per nationality read)."""

    field: str
    value: bool | None
    reasons: tuple[VisaReason, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the reasons as data; roxham.law.explain renders them)."""
        return {"field": self.field, "value": self.value,
                "reasons": [r.to_dict() for r in self.reasons]}


def has_valid_eta(f: Facts) -> bool:
    """Whether the claimant holds a valid eTA (``docs``)."""
    return any(d.type == "ETA" and d.valid for d in f.docs)


def derive_omitted(
    f: Facts,
    *,
    fields: tuple[str, ...] | None = None,
    claim_date: dt.date | None = None,
    entry_date: dt.date | None = None,
    mode: str | None = None,
    has_eta: bool | None = None,
) -> tuple[DerivedFact, ...]:
    """The visa facts ``f`` omits (or ``fields``), derived from the table; the keyword
    arguments replace the facts' claim date, entry date, entry mode or eTA holding (what a
    single-fact change in :mod:`roxham.law.changes` moves). The date read is the claim date
    (docs/law/RULES.md §2), with the entry's time of day when both fall on one day."""
    if fields is None:
        fields = tuple(k for k in ("visa_req_ca", "visa_req_us") if getattr(f, k) is None)
    if not fields:
        return ()
    nat = tuple(f.nat)
    day = f.claim.date if claim_date is None else claim_date
    eday = f.entry.date if entry_date is None else entry_date
    minute = f.entry.minute if day == eday else -1
    out: list[DerivedFact] = []
    if "visa_req_ca" in fields:
        eta = has_valid_eta(f) if has_eta is None else has_eta
        v, why = visa_req_ca(nat, day, minute, mode or f.entry.mode, has_eta=eta)
        out.append(DerivedFact("visa_req_ca", v, why))
    if "visa_req_us" in fields:
        v, why = visa_req_us(nat, day)
        out.append(DerivedFact("visa_req_us", v, why))
    return tuple(out)


def derive_visa_facts(f: Facts) -> tuple[Facts, tuple[DerivedFact, ...]]:
    """``f`` with ``visa_req_ca``/``visa_req_us`` filled in from the table where omitted,
    and what was derived (given facts are kept: they override the table)."""
    derived = derive_omitted(f)
    upd = {d.field: d.value for d in derived if d.value is not None}
    return (f.model_copy(update=upd) if upd else f), derived
