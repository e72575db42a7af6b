"""Facts validation: unknown keys, wrong types and impossible combinations name the field."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from roxham.errors import UserError, format_validation_error
from roxham.law import Facts, determine

BASE: dict[str, Any] = {
    "nat": ["HT"],
    "age": 30,
    "entry": {"mode": "LAND_POE", "from": "US", "date": "2022-08-15"},
    "claim": {"date": "2022-08-15", "where": "POE_ON_ARRIVAL"},
}


def with_(path: str, value: Any) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    node = d
    keys = path.split(".")
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node.setdefault(k, {})
    node[keys[-1]] = value
    return d


def error_of(d: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as ei:
        Facts.model_validate(d)
    return format_validation_error(ei.value)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("age", -1, "age"),
        ("age", "thirty", "age"),
        ("age", True, "age"),
        ("nat", "HT", "nat"),
        ("nat", ["Haiti"], "nat"),
        ("entry.mode", "TELEPORT", "entry.mode"),
        ("entry.date", "2022-13-01", "entry.date"),
        ("entry.time", "25:00", "entry.time"),
        ("claim.where", "EMBASSY", "claim.where"),
        ("stateless", "yes", "stateless"),
        ("visa_req_ca", "maybe", "visa_req_ca"),
        ("family", [{"rel": "neighbour", "status": "CITIZEN"}], "family.0.rel"),
        ("family", [{"rel": "sistre", "status": "CITIZEN"}], "family.0.rel"),
        ("family", [{"rel": "sister", "status": "MAYOR"}], "family.0.status"),
        ("family", [{"rel": "sister", "status": "CLAIMANT"}], "family.0"),
        ("family", [{"rel": "sister", "age": -3}], "family.0.age"),
        ("docs", [{"type": "PASSPORT"}], "docs.0.type"),
        ("prior", {"canada_claim": "LOST"}, "prior.canada_claim"),
        (
            "death_penalty",
            {"country": "IR", "status": "SUSPECTED", "punishable_by_death": True},
            "death_penalty.status",
        ),
        ("favourite_colour", "blue", "favourite_colour"),
        ("entry.gate", 3, "entry.gate"),
    ],
)
def test_bad_field_is_named(path: str, value: Any, field: str) -> None:
    msg = error_of(with_(path, value))
    assert f"field '{field}" in msg, msg


def test_value_is_not_echoed() -> None:
    msg = error_of(with_("nat", ["Secret-Name"]))
    assert "Secret-Name" not in msg


@pytest.mark.parametrize(
    ("d", "needle"),
    [
        (with_("claim.date", "2022-08-14"), "claim.date is before entry.date"),
        ({**BASE, "stateless": True}, "stateless person has no nationality"),
        (with_("claim.where", "AIRPORT_ON_ARRIVAL"), "AIRPORT_ON_ARRIVAL"),
        ({**BASE, "entries": ["2022-08-16"]}, "entries[0] is after claim.date"),
    ],
)
def test_impossible_combinations(d: dict[str, Any], needle: str) -> None:
    assert needle in error_of(d)


def test_missing_required_fields() -> None:
    d = copy.deepcopy(BASE)
    del d["entry"]["mode"]
    assert "field 'entry.mode'" in error_of(d)
    d = copy.deepcopy(BASE)
    del d["nat"]
    assert "field 'nat'" in error_of(d)


def test_informational_keys_are_ignored_at_any_level() -> None:
    d = copy.deepcopy(BASE)
    d.update(note="x", us_lpr=True, years_resident_in_us=4, us_noncitizen_national=False)
    d["entry"].update(conveyance="bus", water="Lake Champlain", admitted_as="visitor")
    d["family"] = [{"rel": "sister", "status": "CITIZEN", "cohabitation_years": 1, "note": "y"}]
    f = Facts.model_validate(d)
    assert determine(f, dt.date(2022, 8, 15)).result_code == "ELIGIBLE/STCA_EXCEPTION"


def test_defaults_follow_rules_section_2() -> None:
    f = Facts.model_validate(
        {
            "nat": ["HT"],
            "entry": {"mode": "LAND_POE", "date": "2022-01-01"},
            "claim": {"date": "2022-01-01"},
        }
    )
    assert f.entry.from_ == "US" and f.claim.where == "POE_ON_ARRIVAL"
    assert f.age is None and not f.minor
    assert f.accompanied_by_parent_or_guardian and f.parent_or_guardian_in_ca_or_us
    assert f.visa_req_ca is None and f.visa_req_us is None
    assert f.all_entries() == [dt.date(2022, 1, 1)]


def test_as_of_before_claim_is_refused() -> None:
    with pytest.raises(UserError, match=r"before claim\.date"):
        determine(BASE, dt.date(2022, 8, 14))


def test_other_relations_are_accepted_but_do_not_qualify() -> None:
    for rel in (
        "stepfather",
        "great_aunt",
        "godmother",
        "foster_mother",
        "cousin_once_removed",
        "sister_in_law",
        "half_sister",
    ):
        fam = [{"rel": rel, "status": "CITIZEN"}]
        det = determine({**BASE, "family": fam, "visa_req_ca": True}, dt.date(2022, 8, 15))
        want = "ELIGIBLE/STCA_EXCEPTION" if rel == "half_sister" else "INELIGIBLE/STCA"
        assert det.result_code == want, rel


def test_transit_flag_matters_only_at_airports() -> None:
    det = determine(
        {**BASE, "us_removal_transit": True, "family": [{"rel": "sister", "status": "CITIZEN"}]},
        dt.date(2022, 8, 15),
    )
    assert det.result_code == "ELIGIBLE/STCA_EXCEPTION"  # land POE: s. 159.5 available


def test_law_dates_before_irpa_are_out_of_scope() -> None:
    old = {
        **BASE,
        "entry": {"mode": "LAND_POE", "date": "2001-01-01"},
        "claim": {"date": "2001-01-01"},
    }
    with pytest.raises(UserError, match="out of scope"):
        determine(old, dt.date(2001, 1, 1))
    assert determine(old, dt.date(2002, 6, 28)).result_code == "ELIGIBLE/STCA_NOT_IN_FORCE"
