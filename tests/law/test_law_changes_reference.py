"""what_would_change() against an expectation built independently of roxham.law.changes.

A *change* moves one fact to another value; it *flips* the answer when ``determine()`` then
gives the other eligibility. Everything expected here is computed from ``determine()``'s public
result and from docs/law/RULES.md, with helpers written for this test (nothing is imported or
copied from ``roxham.law.changes``):

1. **Sound**: each change listed, applied to the facts JSON here, flips the answer; its result
   code and eligibility are ``determine()``'s; its provision is one that decides that result
   (docs/law/RULES.md §1: an ineligible result is decided by a ground of IRPA s. 101(1), by (e)
   whenever (e) is among them, i.e. ``INELIGIBLE/STCA``; an eligible result with an exception by
   one of the exceptions found; another eligible result by a scope provision read); its
   ``from`` value is the fact's present value.
2. **Complete**: a brute force over single-fact changes (every value of every yes/no and
   enumerated fact, ages across 18, the claim and entry dates over ranges of days, a family
   member or document added) finds which facts can flip the answer; each such fact appears in
   the list, and for the enumerated facts each flipping value appears.
3. **Ordered**: smallest cost first, no change twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from law_strategies import build_facts, build_reform
from pydantic import ValidationError

from roxham.errors import UserError
from roxham.law import Determination, Facts, Reform, determine, what_would_change
from roxham.law.facts import CLAIM_WHERE, ENTRY_MODES, FAMILY_STATUSES, PRIOR_CLAIMS

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
# The brute force decides a few hundred variants per example one by one: few examples.
PROFILE = settings(_BASE, max_examples=max(30, _BASE.max_examples // 60))

#: Yes/no facts of docs/law/RULES.md §2 (top level, and under ``prior``).
TOGGLES = (
    "accompanied_by_parent_or_guardian",
    "parent_or_guardian_in_ca_or_us",
    "has_spouse_or_cl",
    "us_refused_entry_no_adjudication",
    "pr_removed_from_us",
    "tsr_national",
    "inadmissible_101f",
)
PRIOR_TOGGLES = (
    "protection_conferred_in_canada",
    "other_country_claim_confirmed",
    "recognized_refugee_elsewhere_returnable",
)
#: The Additional Protocol's day (docs/law/RULES.md §3, D_PROTOCOL).
PROTOCOL_DAY = dt.date(2023, 3, 25)
ADDED_DOC = {"type": "TRV", "valid": True, "transit_only": False}
ADDED_MEMBER = {"rel": "sister", "status": "CITIZEN"}


# ---- facts as JSON, changed by a field name ---------------------------------------------------
_STEP = re.compile(r"([a-z_0-9]+)|\[(\d+|\+)\]")


def parse_field(field: str) -> list[str | int]:
    """``family[0].permit.valid`` -> ``["family", 0, "permit", "valid"]``; ``docs[+]`` ->
    ``["docs", "+"]`` (an item appended)."""
    out: list[str | int] = []
    for name, index in _STEP.findall(field.replace(".", " ")):
        if name:
            out.append(name)
        else:
            out.append("+" if index == "+" else int(index))
    return out


def value_at(d: dict[str, Any], path: list[str | int]) -> Any:
    node: Any = d
    for k in path:
        node = node[k]
    return node


def changed(d: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    """A copy of the facts JSON ``d`` with one fact changed. A journey that no longer ends at an
    airport cannot keep the facts that exist only there (docs/law/RULES.md §2: the US removal
    transit and a claim made on arrival at an airport): they go back to their defaults."""
    new = json.loads(json.dumps(d))
    node: Any = new
    for k in path[:-1]:
        node = node[k]
    if path[-1] == "+":
        node.append(value)
    else:
        node[path[-1]] = value
    if path == ["entry", "mode"] and value != "AIRPORT":
        new["us_removal_transit"] = False
        if new["claim"]["where"] == "AIRPORT_ON_ARRIVAL":
            new["claim"]["where"] = "POE_ON_ARRIVAL"
    return new


def decide(d: dict[str, Any], as_of: dt.date, reform: Reform | None) -> Determination | None:
    """``determine()`` of the facts JSON ``d``, or None when they are not valid facts."""
    try:
        return determine(Facts.model_validate(d), as_of, reform)
    except (ValidationError, UserError, ValueError):
        return None


def deciding_ok(provision: str, det: Determination) -> bool:
    """Whether ``provision`` decides ``det`` in the sense of docs/law/RULES.md §1."""
    if not det.eligible:
        if det.result_code == "INELIGIBLE/STCA":
            return provision == "IRPA 101(1)(e)"
        return provision in {"IRPA " + g for g in det.grounds}
    if det.stca_status == "EXCEPTION" and det.exceptions:
        return provision in det.exceptions
    return provision in det.provisions or not det.provisions


def known_gap(field: str, value: Any, d: dict[str, Any], reform: Reform | None) -> str | None:
    """The name of a flip that what_would_change() does not list today, or None.

    Found by this brute force and reported (issue 16 item 7, to the what-would-change rewrite of
    issue 17); each is narrow and named so that nothing else slips through. Remove an entry when
    the library lists these changes.
    """
    m = re.fullmatch(r"family\[(\d+)\]\.age", field)
    if m and value < 18:
        age = d["family"][int(m.group(1))]["age"]
        if age is None or age >= 18:
            return "an adult family member made a minor (only minors made adults are tried)"
    if field == "claim.date" and reform is not None and reform.a3_transitional:
        claim = dt.date.fromisoformat(d["claim"]["date"])
        if (dt.date.fromisoformat(value) < PROTOCOL_DAY) != (claim < PROTOCOL_DAY):
            return "under the A3 reform, a claim date moved across the Protocol's day"
    return None


# ---- the brute force ---------------------------------------------------------------------------
def _days(start: dt.date, stop: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= stop:
        yield day
        day += dt.timedelta(days=1)


def single_changes(d: dict[str, Any], as_of: dt.date) -> Iterator[tuple[str, Any, bool]]:
    """(field, value, exact) for each single-fact change tried. ``exact``: the same value must be
    listed when it flips; otherwise the field must be (dates and ages: the library names the
    threshold, not every day on its side)."""
    for key in TOGGLES:
        yield key, not d[key], True
    for key in ("visa_req_ca", "visa_req_us"):
        for v in (True, False, None):
            if v is not d[key]:
                yield key, v, True
    for key in PRIOR_TOGGLES:
        yield f"prior.{key}", not d["prior"][key], True
    for pc in (None, *PRIOR_CLAIMS):
        if pc != d["prior"]["canada_claim"]:
            yield "prior.canada_claim", pc, True
    for mode in ENTRY_MODES:
        if mode != d["entry"]["mode"]:
            yield "entry.mode", mode, True
    for where in CLAIM_WHERE:
        if where != d["claim"]["where"]:
            yield "claim.where", where, True
    if d["entry"]["from"] != "US":
        yield "entry.from", "US", True
    for i, m in enumerate(d["family"]):
        for s in FAMILY_STATUSES:
            if s != m["status"]:
                yield f"family[{i}].status", s, True
        for key in ("in_ca", "proven"):
            if not m[key]:
                yield f"family[{i}].{key}", True, True
        for age in (10, 17, 18, 40):
            yield f"family[{i}].age", age, False
    for j, doc in enumerate(d["docs"]):
        if not doc["valid"]:
            yield f"docs[{j}].valid", True, True
        if doc["transit_only"]:
            yield f"docs[{j}].transit_only", False, True
    yield "docs[+]", ADDED_DOC, True
    yield "family[+]", ADDED_MEMBER, True
    for age in (5, 17, 18, 40):
        yield "age", age, False
    entry = dt.date.fromisoformat(d["entry"]["date"])
    claim = dt.date.fromisoformat(d["claim"]["date"])
    # claim days: the 14-day window and the one-year limit after the entry
    # (docs/law/RULES.md §4)
    for lo, hi in ((0, 20), (360, 372)):
        for day in _days(entry + dt.timedelta(days=lo), min(as_of, entry + dt.timedelta(days=hi))):
            if day != claim:
                yield "claim.date", day.isoformat(), False
    # entry days: the 20 days before the claim (docs/law/RULES.md §4)
    for day in _days(claim - dt.timedelta(days=20), claim):
        if day.isoformat() != d["entry"]["date"]:
            yield "entry.date", day.isoformat(), False


def check(facts: dict[str, Any], as_of: dt.date, reform: Reform | None) -> None:
    """Sound, complete and ordered, as the module docstring says."""
    f = Facts.model_validate(facts)
    base = determine(f, as_of, reform)
    d = f.model_dump(mode="json", by_alias=True)
    got = what_would_change(facts, as_of, reform)

    # 1. sound
    for ch in got:
        path = parse_field(ch.field.replace("[+]", ""))
        path = [*path, "+"] if ch.field.endswith("[+]") else path
        if path[-1] == "+":
            assert ch.from_value is None, ch
        else:
            assert ch.from_value == value_at(d, path), ch
        det = decide(changed(d, path, ch.to_value), as_of, reform)
        assert det is not None, f"{ch}: the changed facts are not valid"
        assert det.eligible != base.eligible, f"{ch} does not flip the answer"
        assert (ch.result_code, ch.eligible) == (det.result_code, det.eligible), ch
        assert deciding_ok(ch.provision, det), (ch, det.grounds, det.exceptions, det.provisions)

    # 2. complete
    listed = {(ch.field, json.dumps(ch.to_value)) for ch in got}
    listed_fields = {ch.field for ch in got}
    for field, value, exact in single_changes(d, as_of):
        path = parse_field(field.replace("[+]", ""))
        path = [*path, "+"] if field.endswith("[+]") else path
        det = decide(changed(d, path, value), as_of, reform)
        if det is None or det.eligible == base.eligible:
            continue
        if known_gap(field, value, d, reform):
            continue
        if exact:
            assert (field, json.dumps(value)) in listed, f"{field} -> {value!r} flips, not listed"
        else:
            assert field in listed_fields, f"{field} -> {value!r} flips, no change of it listed"

    # 3. ordered, once each
    assert [ch.cost for ch in got] == sorted(ch.cost for ch in got)
    assert len(listed) == len(got)


def _base_is_reused(facts: dict[str, Any], as_of: dt.date, reform: Reform | None) -> None:
    base = determine(facts, as_of, reform)
    assert what_would_change(facts, as_of, reform, base=base) == what_would_change(
        facts, as_of, reform
    )


# ---- the tests ---------------------------------------------------------------------------------
def test_field_names_parse() -> None:
    """The test's own field parser, on hand-written names."""
    assert parse_field("family[0].permit.valid") == ["family", 0, "permit", "valid"]
    assert parse_field("prior.canada_claim") == ["prior", "canada_claim"]
    assert parse_field("docs") == ["docs"]
    d = {"docs": [{"valid": False}], "entry": {"mode": "AIRPORT"}}
    assert changed(d, ["docs", 0, "valid"], True)["docs"][0]["valid"] is True
    assert changed(d, ["docs", "+"], {"type": "TRV"})["docs"][1] == {"type": "TRV"}
    assert d["docs"][0]["valid"] is False  # a copy


def test_the_known_gaps_are_narrow() -> None:
    """Each known gap names one kind of change; neighbours of it are still checked."""
    d = {"family": [{"age": None}, {"age": 12}], "claim": {"date": "2023-04-01"}}
    assert known_gap("family[0].age", 10, d, None)
    assert not known_gap("family[1].age", 10, d, None)  # already a minor
    assert not known_gap("family[0].age", 18, d, None)
    assert not known_gap("claim.date", "2023-03-24", d, None)  # the law as it is
    a3 = Reform(a3_transitional=True)
    assert known_gap("claim.date", "2023-03-24", d, a3)
    assert not known_gap("claim.date", "2023-03-30", d, a3)


def test_a_known_flip_is_found() -> None:
    """A hand-worked case (docs/law/RULES.md §5, s. 159.5(a)): at a land port in 2022, a sister in
    Canada who is a visitor gives no exception; were she a citizen, the claim would be eligible."""
    facts = {
        "nat": ["HT"],
        "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
        "claim": {"date": "2022-08-15"},
        "visa_req_ca": True,
        "visa_req_us": True,
        "family": [{"rel": "sister", "status": "VISITOR"}],
    }
    as_of = dt.date(2022, 8, 15)
    assert determine(facts, as_of).result_code == "INELIGIBLE/STCA"
    got = {(c.field, json.dumps(c.to_value)): c for c in what_would_change(facts, as_of)}
    citizen = got[("family[0].status", '"CITIZEN"')]
    assert (citizen.result_code, citizen.provision) == ("ELIGIBLE/STCA_EXCEPTION", "IRPR 159.5(a)")
    assert ("family[0].status", '"CLAIMANT"') not in got  # needs a referred claim: not valid alone
    check(facts, as_of, None)


@pytest.mark.parametrize("reform", REFORMS.values(), ids=list(REFORMS))
def test_sound_and_complete_on_every_case(reform: Reform | None) -> None:
    checked = 0
    for row in ROWS:
        facts = json.loads(row["facts"])
        as_of = dt.date.fromisoformat(row["as_of_date"])
        try:
            determine(facts, as_of, reform)
        except UserError:  # a reform moving the law past these facts
            continue
        check(facts, as_of, reform)
        _base_is_reused(facts, as_of, reform)
        checked += 1
    assert checked >= len(ROWS) - 5


@PROFILE
@given(st.randoms(use_true_random=False))
def test_sound_and_complete_on_random_facts(r: random.Random) -> None:
    facts, as_of = build_facts(r)
    reform = build_reform(r)
    try:
        determine(facts, as_of, reform)
    except (ValueError, UserError):  # invalid random facts, or a date before the claim
        return
    check(facts, as_of, reform)
