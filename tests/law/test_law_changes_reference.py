"""what_would_change() equals a plain reference: every candidate change validated as facts and
decided by determine() one by one (the implementation before the batch encoding of candidates).

The library encodes the changed facts straight into batch rows and asks determine() only when
the batch result does not name the deciding provision; this must not change a single answer.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from law_strategies import build_facts, build_reform
from pydantic import ValidationError

from roxham.errors import UserError
from roxham.law import Change, Determination, Facts, Reform, determine, what_would_change
from roxham.law.facts import CLAIM_WHERE, ENTRY_MODES, FAMILY_STATUSES, PRIOR_CLAIMS
from roxham.law.reform import from_day_number, law_params
from roxham.law.rules import anniversary

DATA = Path(__file__).parent / "data"
ROWS = [
    *csv.DictReader((DATA / "cases.csv").open(encoding="utf-8")),
    *csv.DictReader((DATA / "extra_cases.csv").open(encoding="utf-8")),
]
REFORMS: dict[str, Reform | None] = {
    "law": None,
    "no_protocol": Reform(no_protocol=True),
    "readings": Reform(
        protocol_window_days=15,
        a3_transitional=True,
        a5_inland_after_land_poe=True,
        a10_former_residence_any=True,
    ),
    "no_family_exceptions": Reform(remove_exceptions=("IRPR 159.5(a)", "IRPR 159.5(b)")),
    "early_protocol": Reform(in_force={"D_PROTOCOL": dt.date(2021, 1, 1), "D_C2_INTRO": None}),
    "suspended": Reform(stca_suspended=True),
}
_BASE = settings.get_profile("law-ci" if os.environ.get("CI") else "law-dev")
# The reference decides ~40 variants per example one by one: a fiftieth of the examples.
PROFILE = settings(_BASE, max_examples=max(40, _BASE.max_examples // 50))


# ---- the reference -----------------------------------------------------------------------------
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
    out = json.loads(json.dumps(d))
    node: Any = out
    for k in path[:-1]:
        node = node[k]
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
            yield ["entry", "mode"], mode, 3.0
    for w in CLAIM_WHERE:
        if w != f.claim.where:
            yield ["claim", "where"], w, 3.0
    if f.entry.from_ != "US":
        yield ["entry", "from"], "US", 3.0
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


def reference(facts: dict[str, Any], as_of: dt.date, reform: Reform | None) -> list[Change]:
    """Every candidate validated as JSON facts and determined one by one."""
    f = Facts.model_validate(facts)
    base = determine(f, as_of, reform)
    d = f.model_dump(mode="json", by_alias=True)
    out: dict[tuple[str, str], Change] = {}
    for path, value, cost in _candidates(f, d, as_of, reform):
        new = _set(d, path, value)
        if path == ["entry", "mode"] and value != "AIRPORT":
            new["us_removal_transit"] = False
            if new["claim"]["where"] == "AIRPORT_ON_ARRIVAL":
                new["claim"]["where"] = "POE_ON_ARRIVAL"
        try:
            nf = Facts.model_validate(new)
        except ValidationError:
            continue
        det = determine(nf, as_of, reform)
        if det.eligible == base.eligible:
            continue
        old = _get(d, path)
        if isinstance(value, list):
            name, old, shown = _name(path) + "[+]", None, value[-1]
        else:
            name, shown = _name(path), value
        key = (name, repr(shown))
        if key not in out:
            out[key] = Change(
                name, old, _js(shown), det.result_code, det.eligible, _deciding(det), cost
            )
    return sorted(out.values(), key=lambda ch: (ch.cost, ch.field, repr(ch.to_value)))


# ---- the tests ---------------------------------------------------------------------------------
@pytest.mark.parametrize("reform", REFORMS.values(), ids=list(REFORMS))
def test_same_changes_as_the_reference_on_every_case(reform: Reform | None) -> None:
    compared = 0
    for row in ROWS:
        facts = json.loads(row["facts"])
        as_of = dt.date.fromisoformat(row["as_of_date"])
        try:
            want = reference(facts, as_of, reform)
        except UserError:  # a reform moving the law past these facts
            continue
        assert what_would_change(facts, as_of, reform) == want, row["case_id"]
        assert what_would_change(facts, as_of, reform, base=determine(facts, as_of, reform)) == want
        compared += 1
    assert compared >= len(ROWS) - 5


@PROFILE
@given(st.randoms(use_true_random=False))
def test_same_changes_as_the_reference_on_random_facts(r: random.Random) -> None:
    facts, as_of = build_facts(r)
    reform = build_reform(r)
    try:
        want = reference(facts, as_of, reform)
    except (ValueError, UserError):  # invalid random facts, or a date before the claim
        return
    assert what_would_change(facts, as_of, reform) == want
