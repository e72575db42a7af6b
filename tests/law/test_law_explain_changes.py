"""explain() in English and French, and what_would_change()."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from law_strategies import facts_and_date
from pydantic import ValidationError

from roxham.errors import UserError
from roxham.law import Facts, determine, explain, what_would_change

CASES = list(csv.DictReader((Path(__file__).parent / "data" / "cases.csv").open()))
_BASE = settings.get_profile("law-ci" if os.environ.get("CI") else "law-dev")
# what_would_change re-decides ~60 variants per example: a fiftieth of the examples.
PROFILE = settings(_BASE, max_examples=max(50, _BASE.max_examples // 50))


def det_of(case_id: str) -> Any:
    row = next(r for r in CASES if r["case_id"] == case_id)
    return determine(json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"]))


@pytest.mark.parametrize("row", CASES, ids=[r["case_id"] for r in CASES])
def test_explanations_cite_the_deciding_provisions(row: dict[str, str]) -> None:
    det = determine(json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"]))
    en, fr = explain(det, "en"), explain(det, "fr")
    assert en != fr and en.strip() and fr.strip()
    assert en.startswith("Eligible" if det.eligible else "Not eligible")
    assert fr.startswith("Recevable" if det.eligible else "Irrecevable")
    for pid in det.exceptions:  # French cites the Regulations as RIPR (issue 17)
        assert pid in en and pid.replace("IRPR", "RIPR").replace("IRPA", "LIPR") in fr
    for g in det.grounds:
        assert g in en
        assert g.replace("(1)(", "(1)") in fr
    for flag in det.flags:
        assert flag in en and flag in fr
    assert row["as_of_date"] in en


def test_explanation_texts() -> None:
    en = explain(det_of("C036"))
    assert "101(1)(b.2)" in en and "PRRA" in en
    assert "outside the window" in en  # claimed 15 days after entry
    fr = explain(det_of("C012"), "fr")
    assert "l'Entente s'applique" in fr and "États-Unis" in fr
    assert "159.5(g)(i)" in explain(det_of("C012"))  # the exception considered, not met
    assert "not in force" in explain(det_of("C109"))
    assert "IRPR s. 159.2" in explain(det_of("C004"))
    assert "IRPR s. 159.01" in explain(det_of("C096"))
    with pytest.raises(UserError):
        explain(det_of("C001"), "de")  # type: ignore[arg-type]


AS_OF = dt.date(2022, 8, 15)


def test_what_would_change_examples() -> None:
    sister_visitor = {
        "nat": ["HT"],
        "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
        "claim": {"date": "2022-08-15"},
        "family": [{"rel": "sister", "age": 30, "status": "VISITOR"}],
        "visa_req_ca": True,
        "visa_req_us": True,
    }
    ch = {(c.field, repr(c.to_value)): c for c in what_would_change(sister_visitor, AS_OF)}
    assert ch[("family[0].status", "'WORK_PERMIT'")].provision == "IRPR 159.5(d)"
    assert ch[("family[0].status", "'CITIZEN'")].result_code == "ELIGIBLE/STCA_EXCEPTION"
    assert ch[("visa_req_ca", "False")].provision == "IRPR 159.5(g)"
    assert ("family[0].status", "'VISITOR'") not in ch
    # a day-14 claim after an entry between ports (2024): one day earlier is inside the window
    late = {
        "nat": ["TR"],
        "entry": {"mode": "BETWEEN_POE", "date": "2024-01-01"},
        "claim": {"date": "2024-01-15", "where": "INLAND_OFFICE"},
    }
    ch = {(c.field, c.to_value): c for c in what_would_change(late, dt.date(2024, 1, 15))}
    c = ch[("claim.date", "2024-01-14")]
    assert c.result_code == "INELIGIBLE/STCA" and c.provision == "IRPA 101(1)(e)"
    # C097: the earlier STCA-ineligible claim is what makes it ineligible (s. 101(1)(c))
    row = next(r for r in CASES if r["case_id"] == "C097")
    changes = what_would_change(json.loads(row["facts"]),
                                dt.date.fromisoformat(row["as_of_date"]))
    assert ("prior.canada_claim", None) in {(c.field, c.to_value) for c in changes}


@PROFILE
@given(facts_and_date)
def test_every_suggested_change_flips_the_result(item: tuple[dict[str, Any], dt.date]) -> None:
    d, as_of = item
    try:
        f = Facts.model_validate(d)
    except ValidationError:
        return
    base = determine(f, as_of)
    for c in what_would_change(f, as_of):
        assert c.eligible != base.eligible
        # apply the change by its path and check the law says what the change says
        dump = f.model_dump(mode="json", by_alias=True)
        node: Any = dump
        parts = c.field.replace("]", "").replace("[", ".").split(".")
        for k in parts[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        last = parts[-1]
        if last == "+":
            node.append(c.to_value)
        else:
            node[int(last) if last.isdigit() else last] = c.to_value
        if c.field == "entry.mode" and c.to_value != "AIRPORT":
            dump["us_removal_transit"] = False
            if dump["claim"]["where"] == "AIRPORT_ON_ARRIVAL":
                dump["claim"]["where"] = "POE_ON_ARRIVAL"
        det = determine(Facts.model_validate(dump), as_of)
        assert (det.result_code, det.eligible) == (c.result_code, c.eligible)
