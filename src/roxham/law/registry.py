"""The law engine's registry: dated constants and provisions (text, versions, sources).

The registry knows nothing about what a provision *means*: the predicates live in
:mod:`roxham.law.rules`. It loads ``data/constants.yaml`` and ``data/provisions.yaml``, checks
that the versions of each provision neither overlap nor leave gaps, and answers "which text of
this provision was in force on that day, under that reform".

>>> p = get_provision("IRPR 159.4(1.1)")
>>> p.marginal_note
'Exception — land border other than ports of entry'
>>> [str(v.start) for v in p.versions_for()]
['2023-03-25']
>>> get_provision("IRPR 159.5(c)(iii)").id      # a limb resolves to its paragraph
'IRPR 159.5(c)'
>>> "IRPR 159.4(1.1)" in [p.id for p in provisions_in_force(dt.date(2022, 1, 1))]
False
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from roxham.errors import UserError

if TYPE_CHECKING:
    from roxham.law.reform import Reform

__all__ = [
    "CONSTANTS",
    "Constant",
    "Provision",
    "Version",
    "constant_dates",
    "get_provision",
    "provisions",
    "provisions_in_force",
]


@dataclass(frozen=True, slots=True)
class Constant:
    """A dated constant (or a number) of the rules, with its source."""

    name: str
    date: dt.date | None
    value: int | None
    time: str | None
    source: str
    reads: str = "from"  # "from": in effect on the day; "after": from the day after


@dataclass(frozen=True, slots=True)
class Version:
    """One text of a provision, in force on ``[start, end)`` (``end`` None = still in force)."""

    start: dt.date
    end: dt.date | None
    text: str
    text_fr: str | None
    start_const: str | None
    end_const: str | None

    def in_force(self, day: dt.date) -> bool:
        """Whether this version applies on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Provision:
    """One provision: citation, marginal note, texts by date, source."""

    id: str
    kind: str
    marginal_note: str
    source: str
    note: str
    raw_versions: tuple[dict[str, Any], ...]
    overrides: str = ""

    def versions_for(self, reform: Reform | None = None) -> list[Version]:
        """The provision's versions with their dates under ``reform`` (moved constants)."""
        key = (self.id, reform.model_dump_json() if reform is not None else "")
        hit = _VERSIONS.get(key)
        if hit is None:
            hit = self._versions(reform)
            if len(_VERSIONS) < 100_000:
                _VERSIONS[key] = hit
        return list(hit)

    def _versions(self, reform: Reform | None) -> tuple[Version, ...]:
        dates = constant_dates(reform)
        out = []
        for v in self.raw_versions:
            start = _resolve(v.get("from"), dates)
            end = _resolve(v.get("to"), dates)
            if v.get("from") is not None and start is None:
                continue  # its start constant was removed by the reform: never in force
            if start is not None and end is not None and end <= start:
                continue
            out.append(
                Version(
                    start=start or dt.date.min,
                    end=end,
                    text=str(v.get("text", "")),
                    text_fr=v.get("text_fr"),
                    start_const=v.get("from"),
                    end_const=v.get("to"),
                )
            )
        return tuple(out)

    def version_on(self, day: dt.date, reform: Reform | None = None) -> Version | None:
        """The version in force on ``day``, or None."""
        for v in self.versions_for(reform):
            if v.in_force(day):
                return v
        return None

    def in_force(self, day: dt.date, reform: Reform | None = None) -> bool:
        """Whether some version is in force on ``day``."""
        return self.version_on(day, reform) is not None


_VERSIONS: dict[tuple[str, str], tuple[Version, ...]] = {}


def _resolve(ref: Any, dates: Mapping[str, dt.date | None]) -> dt.date | None:
    if ref is None:
        return None
    if isinstance(ref, dt.date):
        return ref
    if ref not in dates:
        raise KeyError(f"provisions.yaml: unknown constant {ref!r}")
    return dates[ref]


def _load_yaml(name: str) -> Any:
    text = resources.files("roxham.law").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _load_constants() -> dict[str, Constant]:
    out = {}
    for name, d in _load_yaml("constants.yaml").items():
        out[name] = Constant(
            name=name,
            date=d.get("date"),
            value=d.get("value"),
            time=d.get("time"),
            source=str(d["source"]),
            reads=str(d.get("reads", "from")),
        )
    return out


#: The constants of ``data/constants.yaml`` by name.
CONSTANTS: dict[str, Constant] = _load_constants()


def constant_dates(reform: Reform | None = None) -> dict[str, dt.date | None]:
    """Dated constants by name, after ``reform`` (``None`` = the constant never happens)."""
    dates: dict[str, dt.date | None] = {
        n: c.date for n, c in CONSTANTS.items() if c.date is not None
    }
    if reform is not None:
        dates.update(reform.effective_dates())
    return dates


def _load_provisions() -> dict[str, Provision]:
    data = _load_yaml("provisions.yaml")
    out: dict[str, Provision] = {}
    for p in data["provisions"]:
        prov = Provision(
            id=p["id"],
            kind=p["kind"],
            marginal_note=p["marginal_note"],
            source=p["source"],
            note=p.get("note", ""),
            raw_versions=tuple(p["versions"]),
            overrides=p.get("overrides", ""),
        )
        if prov.id in out:
            raise ValueError(f"provisions.yaml: duplicate provision {prov.id!r}")
        vs = prov.versions_for()
        for a, b in itertools.pairwise(vs):
            if a.end is None or a.end != b.start:
                raise ValueError(
                    f"provisions.yaml: versions of {prov.id!r} overlap or leave a gap "
                    f"({a.start}..{a.end} then {b.start}..{b.end})"
                )
        out[prov.id] = prov
    for prov in out.values():
        if prov.overrides and prov.overrides not in out:
            raise ValueError(f"provisions.yaml: {prov.id!r} overrides unknown {prov.overrides!r}")
    return out


_PROVISIONS: dict[str, Provision] = _load_provisions()
_LIMB = re.compile(r"\([^()]*\)$")


def provisions() -> list[Provision]:
    """Every provision the rules know, in the order of ``provisions.yaml``."""
    return list(_PROVISIONS.values())


@functools.lru_cache(maxsize=512)
def _lookup(pid: str) -> Provision | None:
    key = pid.strip()
    while key:
        if key in _PROVISIONS:
            return _PROVISIONS[key]
        shorter = _LIMB.sub("", key).strip()
        if shorter == key:
            return None
        key = shorter
    return None


def get_provision(pid: str) -> Provision:
    """The provision with id ``pid`` (a sub-paragraph resolves to its paragraph).

    Raises :class:`UserError` for an unknown id.
    """
    p = _lookup(pid)
    if p is None:
        raise UserError(f"unknown provision {pid!r} (try `roxham law provisions`)")
    return p


def provisions_in_force(as_of: dt.date, reform: Reform | None = None) -> list[Provision]:
    """The provisions in force on ``as_of`` (under ``reform``)."""
    return [p for p in _PROVISIONS.values() if p.in_force(as_of, reform)]
