"""What would change the answer: single-fact changes that flip eligibility.

Each relevant fact is moved across its thresholds (a status, a validity, an age of 17/18, a
claim date at the edge of the s. 159.4(1.1) window or of the one-year limit, the entry date
around the Protocol, the place of entry ...) and the law is applied again. Changes that flip
``eligible`` are returned, smallest first, each with the provision that would then decide.

>>> import datetime as dt
>>> facts = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
...          "claim": {"date": "2022-08-15"},
...          "family": [{"rel": "sister", "status": "VISITOR"}]}
>>> ch = what_would_change(facts, dt.date(2022, 8, 15))
>>> for c in ch[:3]:
...     print(c.field, c.to_value, c.provision)
family[0].status CITIZEN IRPR 159.5(a)
family[0].status PR IRPR 159.5(b)(ii)
family[0].status PROTECTED_PERSON IRPR 159.5(b)(i)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from roxham.errors import UserError
from roxham.law.batch import columns_from_facts, evaluate_batch
from roxham.law.determine import Determination, coerce_facts, determine
from roxham.law.facts import (
    CLAIM_WHERE,
    ENTRY_MODES,
    FAMILY_STATUSES,
    PRIOR_CLAIMS,
    Facts,
)
from roxham.law.reform import Reform, from_day_number, law_params
from roxham.law.rules import anniversary

__all__ = ["Change", "what_would_change"]


@dataclass(frozen=True, slots=True)
class Change:
    """One fact changed, and what the law would then say."""

    field: str
    from_value: Any
    to_value: Any
    result_code: str
    eligible: bool
    provision: str
    cost: float

    def describe(self, lang: str = "en") -> str:
        """One line, e.g. ``family[0].status: VISITOR → CITIZEN ⇒ ELIGIBLE/... (IRPR 159.5(a))``."""
        verb = "si" if lang == "fr" else "if"
        return (
            f"{verb} {self.field}: {self.from_value!r} → {self.to_value!r} ⇒ "
            f"{self.result_code} ({self.provision})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "field": self.field,
            "from": _js(self.from_value),
            "to": _js(self.to_value),
            "result_code": self.result_code,
            "eligible": self.eligible,
            "provision": self.provision,
        }


def _js(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def _deciding(det: Determination) -> str:
    if not det.eligible:
        g = next((g for g in det.grounds if g != "101(1)(e)"), "101(1)(e)")
        if "101(1)(e)" in det.grounds:
            g = "101(1)(e)"
        return "IRPA " + g
    if det.stca_status == "EXCEPTION" and det.exceptions:
        return det.exceptions[0]
    return det.provisions[0] if det.provisions else "IRPR 159.3"


def _get(d: dict[str, Any], path: list[Any]) -> Any:
    node: Any = d
    for k in path:
        node = node[k] if node is not None else None
    return node


def _set(d: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    """A copy of ``d`` with ``path`` set to ``value``; only the containers on the path are
    copied (the rest is shared, never mutated: the copy is only read by validation)."""
    out = dict(d)
    node: Any = out
    for k in path[:-1]:
        child = node[k]
        child = list(child) if isinstance(child, list) else dict(child)
        node[k] = child
        node = child
    node[path[-1]] = value
    return out


def _name(path: list[Any]) -> str:
    s = ""
    for k in path:
        s += f"[{k}]" if isinstance(k, int) else (("." if s else "") + k)
    return s


def _candidates(
    f: Facts, d: dict[str, Any], as_of: dt.date, reform: Reform | None
) -> Iterator[tuple[list[Any], Any, float]]:
    """(path, new value, cost) for each single-fact move worth trying."""
    p = law_params(reform)
    for key in (
        "accompanied_by_parent_or_guardian",
        "parent_or_guardian_in_ca_or_us",
        "has_spouse_or_cl",
        "us_refused_entry_no_adjudication",
        "pr_removed_from_us",
        "tsr_national",
        "inadmissible_101f",
    ):
        yield [key], not d[key], 1.0
    for key in ("visa_req_ca", "visa_req_us"):
        for v in (True, False, None):
            if v is not d[key]:
                yield [key], v, 1.0
    if f.age is None or f.age >= p.adult_age:
        yield ["age"], p.adult_age - 1, 1.5
    else:
        yield ["age"], p.adult_age, 1.5
    for pc in (None, *PRIOR_CLAIMS):
        if pc != d["prior"]["canada_claim"]:
            yield ["prior", "canada_claim"], pc, 1.0
    for key in (
        "protection_conferred_in_canada",
        "other_country_claim_confirmed",
        "recognized_refugee_elsewhere_returnable",
    ):
        yield ["prior", key], not d["prior"][key], 1.0
    for j, doc in enumerate(d["docs"]):
        if not doc["valid"]:
            yield ["docs", j, "valid"], True, 1.0
        if doc["transit_only"]:
            yield ["docs", j, "transit_only"], False, 1.0
        for t in ("TRV", "PR_VISA", "TRP"):
            if doc["type"] != t:
                yield ["docs", j, "type"], t, 1.2
    yield ["docs"], [*d["docs"], {"type": "TRV", "valid": True, "transit_only": False}], 2.0
    for i, m in enumerate(d["family"]):
        for s in FAMILY_STATUSES:
            if s != m["status"]:
                yield ["family", i, "status"], s, 1.0
        if m["status"] == "CLAIMANT" and m["claim_state"] != "REFERRED_PENDING":
            yield ["family", i, "claim_state"], "REFERRED_PENDING", 1.0
        for key in ("in_ca", "proven"):
            if not m[key]:
                yield ["family", i, key], True, 1.0
        if m["age"] is not None and m["age"] < p.adult_age:
            yield ["family", i, "age"], p.adult_age, 1.5
        if m["permit"] is not None and not m["permit"]["valid"]:
            yield ["family", i, "permit", "valid"], True, 1.0
    yield ["family"], [*d["family"], {"rel": "sister", "status": "CITIZEN"}], 2.0
    for mode in ENTRY_MODES:
        if mode != f.entry.mode:
            yield ["entry", "mode"], mode, 3.0  # another journey: ranked after personal facts
    for w in CLAIM_WHERE:
        if w != f.claim.where:
            yield ["claim", "where"], w, 3.0
    if f.entry.from_ != "US":
        yield ["entry", "from"], "US", 3.0
    # dates across thresholds (the claim must stay between the entry and the law date)
    e, c = f.entry.date, f.claim.date
    claim_days = {e + dt.timedelta(days=p.window - 1), e + dt.timedelta(days=p.window)}
    for x in f.all_entries():
        claim_days |= {anniversary(x), anniversary(x) + dt.timedelta(days=1)}
    for dn in (p.d_c2_intro, p.d_c97_intro):
        if 0 < dn < 2**31 - 1:
            day = from_day_number(dn)
            claim_days |= {day, day - dt.timedelta(days=1)}
    for day in sorted(claim_days):
        if day != c and e <= day <= as_of:
            yield ["claim", "date"], day, 1.0 + abs((day - c).days) / 365
    entry_days = {c - dt.timedelta(days=p.window - 1), c - dt.timedelta(days=p.window)}
    if p.d_protocol < 2**31 - 1:
        dp = from_day_number(p.d_protocol)
        entry_days |= {dp, dp - dt.timedelta(days=1)}
    for day in sorted(entry_days):
        if day != e and day <= c and (f.entries is None or all(x <= c for x in f.entries)):
            yield ["entry", "date"], day, 1.0 + abs((day - e).days) / 365


def what_would_change(
    facts: Facts | Mapping[str, Any],
    as_of: dt.date,
    reform: Reform | None = None,
) -> list[Change]:
    """The single-fact changes that flip eligibility, smallest first.

    Each :class:`Change` names the fact, its old and new value, the new result and the
    provision that would then decide (the exception, scope rule or ground).
    """
    f = coerce_facts(facts)
    base = determine(f, as_of, reform)
    d = f.model_dump(mode="json", by_alias=True)
    if d.get("entries") is None:
        d["entries"] = None
    cands: list[tuple[list[Any], Any, float, Facts]] = []
    for path, value, cost in _candidates(f, d, as_of, reform):
        new = _set(d, path, value)
        if path == ["entry", "mode"]:
            if value != "AIRPORT":
                new["us_removal_transit"] = False
                if new["claim"]["where"] == "AIRPORT_ON_ARRIVAL":
                    new["claim"]["where"] = "POE_ON_ARRIVAL"
        try:
            cands.append((path, value, cost, Facts.model_validate(new)))
        except ValidationError:
            continue
    # One compiled batch tells which candidates flip eligibility (evaluate_batch equals
    # determine row by row: tests/law/test_law_batch.py); only those are determined again,
    # with the trace, to name the deciding provision.
    if not cands:
        return []
    try:
        flips = evaluate_batch(
            columns_from_facts([c[3] for c in cands]), as_of, reform
        ).eligible != base.eligible
    except UserError:
        flips = np.ones(len(cands), dtype=bool)
    out: dict[tuple[str, str], Change] = {}
    for (path, value, cost, nf), flip in zip(cands, flips, strict=True):
        if not flip:
            continue
        det = determine(nf, as_of, reform)
        if det.eligible == base.eligible:
            continue
        old = _get(d, path)
        if isinstance(value, list):  # an item added to a list
            name, old, shown = _name(path) + "[+]", None, value[-1]
        else:
            name, shown = _name(path), value
        key = (name, repr(shown))
        if key not in out:
            out[key] = Change(
                name, old, _js(shown), det.result_code, det.eligible, _deciding(det), cost
            )
    return sorted(out.values(), key=lambda ch: (ch.cost, ch.field, repr(ch.to_value)))
