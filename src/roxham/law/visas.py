"""Visa requirements by nationality and date (``data/visas.yaml``), deriving omitted facts.

IRPR s. 159.5(g) excepts a claimant who needs no Canadian visa by the route used but needs a
US visa. The user rarely knows both facts; docs/law/RULES.md §2 derives each omitted one from the
nationality, the route and the date, from a sourced, dated table (IRCC entry requirements,
SOR/2016-293 and SOR/2024-34 for Mexico, the US Visa Waiver Program list). A fact given by the
user always wins. Where the table cannot tell (an uncovered nationality, a stateless person, a
Mexican flying in after 2024-02-29 without a recorded eTA, an entry on the evening a change
came into force with no time given) the fact stays unknown and (g) is not established.

>>> import datetime as dt
>>> visa_req_ca(("MX",), dt.date(2023, 6, 1), -1, "LAND_POE", has_eta=False)
(False, 'MX: visa-exempt on 2023-06-01 (CIC MX 2009, SOR/2016-293, SOR/2024-34, IRCC MX 2024)')
>>> visa_req_ca(("MX",), dt.date(2024, 6, 1), -1, "LAND_POE", has_eta=True)[0]
True
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
    "DerivedFact",
    "derive_omitted",
    "derive_visa_facts",
    "has_valid_eta",
    "visa_req_ca",
    "visa_req_us",
]


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


def _bound(d: dict[str, Any], key: str) -> tuple[dt.date, int] | None:
    day = d.get(key)
    if day is None:
        return None
    hhmm = d.get(f"{key}_time") or "00:00"
    return day, int(hhmm[:2]) * 60 + int(hhmm[3:])


def _intervals(items: list[dict[str, Any]] | None) -> tuple[_Interval, ...]:
    return tuple(_Interval(_bound(i, "from"), _bound(i, "to")) for i in items or ())


@functools.cache
def _table() -> tuple[dict[str, str], dict[str, _Entry], dict[str, _Entry]]:
    text = resources.files("roxham.law").joinpath("data", "visas.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    sources: dict[str, str] = {k: " ".join(v.split()) for k, v in raw["sources"].items()}

    def side(name: str) -> dict[str, _Entry]:
        out = {}
        for code, e in raw[name].items():
            for s in e["sources"]:
                if s not in sources:
                    raise KeyError(f"visas.yaml: {name}.{code}: unknown source {s!r}")
            out[code] = _Entry(
                _intervals(e.get("exempt")), _intervals(e.get("air_only_eta")),
                tuple(e["sources"]),
            )
        return out

    return sources, side("canada"), side("united_states")


#: Nationalities whose Canadian visa requirement the table covers.
COVERED: frozenset[str] = frozenset(_table()[1])


def _short(source_key: str) -> str:
    return source_key.replace("_", "/", 1).replace("_", "-") if source_key.startswith(
        "SOR_") else source_key.replace("_", " ")


def _one_ca(code: str, day: dt.date, minute: int, mode: str, has_eta: bool) -> tuple[
    bool | None, str
]:
    e = _table()[1].get(code)
    if e is None:
        return None, f"{code}: not in the visa table"
    src = ", ".join(_short(s) for s in e.sources)
    for iv in e.exempt:
        inside = iv.contains(day, minute)
        if inside is None:
            return None, f"{code}: the visa rule changed on {day}; give entry.time"
        if inside:
            return False, f"{code}: visa-exempt on {day} ({src})"
    for iv in e.air_only_eta:
        inside = iv.contains(day, minute)
        if inside is None:
            return None, f"{code}: the visa rule changed on {day}; give entry.time"
        if inside:
            if mode != "AIRPORT":
                return True, f"{code}: visa required by land or water on {day}; an eTA " \
                    f"serves air travel only ({src})"
            if has_eta:
                return False, f"{code}: flying with a valid eTA on {day} ({src})"
            return None, f"{code}: by air on {day} an eTA or a visa; neither recorded ({src})"
    return True, f"{code}: visa required on {day} ({src})"


def visa_req_ca(
    nat: tuple[str, ...], day: dt.date, minute: int, mode: str, *, has_eta: bool
) -> tuple[bool | None, str]:
    """Whether a national of ``nat`` (any of them: a dual national uses the better passport)
    needs a Canadian visa on ``day`` (at ``minute``, -1 = unknown) entering by ``mode``,
    with the reason; None where the table cannot tell."""
    if not nat:
        return None, "no nationality"
    found = [_one_ca(c, day, minute, mode, has_eta) for c in nat]
    for v, why in found:
        if v is False:
            return False, why
    if all(v is True for v, _ in found):
        return True, "; ".join(why for _, why in found)
    return None, "; ".join(why for v, why in found if v is None)


def visa_req_us(nat: tuple[str, ...], day: dt.date) -> tuple[bool | None, str]:
    """Whether a national of ``nat`` needs a US visa on ``day`` (not in the Visa Waiver
    Program, not a US national), with the reason; None where the table cannot tell."""
    if not nat:
        return None, "no nationality"
    table_ca, table_us = _table()[1], _table()[2]
    for c in nat:
        e = table_us.get(c)
        if e is not None and any(iv.contains(day, 0) for iv in e.exempt):
            return False, f"{c}: no US visa needed (Visa Waiver Program or US national)"
    unknown = [c for c in nat if c not in table_ca]
    if unknown:
        return None, f"{', '.join(unknown)}: not in the visa table"
    return True, f"{', '.join(nat)}: not in the US Visa Waiver Program (US VWP)"


@dataclass(frozen=True, slots=True)
class DerivedFact:
    """A fact the user omitted, derived from the visa table (value None: not derivable)."""

    field: str
    value: bool | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"field": self.field, "value": self.value, "reason": self.reason}


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
