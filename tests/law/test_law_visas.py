"""Visa facts derived from nationality, route and date (issue 17; IRPR s. 159.5(g)).

Expectations come from the regulations, not from the code: Mexico was added to the
visa-exempt list of IRPR s. 190(1)(a) at 00:00:01 EST on 2016-12-01 (SOR/2016-293) and removed
from Schedule 1.1 at 11:30 p.m. EST on 2024-02-29 (SOR/2024-34), after which a Mexican may use
an eTA only by air (IRPR s. 7.01; IRCC: "An eTA is for air travel only"). Mexico is not in the
US Visa Waiver Program, so a Mexican needs a US visa; (g) excepts a claimant who needs no
Canadian visa but needs a US one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from roxham.law import Facts, columns_from_facts, determine, evaluate_batch
from roxham.law.visas import COVERED, derive_visa_facts


def mx(day: str, mode: str = "LAND_POE", **extra: Any) -> dict[str, Any]:
    return {"nat": ["MX"], "entry": {"mode": mode, "date": day}, "claim": {"date": day}, **extra}


def test_mexican_at_a_land_port_in_2023_gets_the_visa_exception() -> None:
    det = determine(mx("2023-06-01"), dt.date(2023, 6, 1))
    assert det.result_code == "ELIGIBLE/STCA_EXCEPTION"
    assert det.exceptions == ["IRPR 159.5(g)"]
    assert {(d.field, d.value) for d in det.derived} == {
        ("visa_req_ca", False), ("visa_req_us", True)
    }
    assert any("derived" in k for k in det.to_dict())


def test_eta_holder_at_a_land_port_in_2024_is_not_excepted() -> None:
    det = determine(mx("2024-06-01", docs=[{"type": "ETA"}]), dt.date(2024, 6, 1))
    assert det.result_code == "INELIGIBLE/STCA"
    assert "IRPR 159.5(g)(i)" in det.failed_exceptions


def test_eta_holder_flying_in_2024_needs_no_visa() -> None:
    f, derived = derive_visa_facts(
        Facts.model_validate(mx("2024-06-01", "AIRPORT", docs=[{"type": "ETA"}]))
    )
    assert f.visa_req_ca is False and f.visa_req_us is True
    # by air without a recorded eTA the table cannot tell (an eTA or a visa)
    f, derived = derive_visa_facts(Facts.model_validate(mx("2024-06-01", "AIRPORT")))
    assert f.visa_req_ca is None and derived[0].value is None


@pytest.mark.parametrize(
    ("day", "time", "exempt"),
    [
        ("2009-07-13", None, True),  # before the 2009 visa (CIC, 2009-07-13)
        ("2009-07-14", "00:00", True),
        ("2009-07-14", "00:01", False),
        ("2016-11-30", None, False),  # before SOR/2016-293
        ("2016-12-01", None, True),  # in force 00:00:01 EST
        ("2024-02-28", None, True),
        ("2024-02-29", "23:29", True),  # SOR/2024-34 in force 23:30 EST
        ("2024-02-29", "23:30", False),
        ("2024-02-29", None, None),  # that day without a time: cannot tell
        ("2024-03-01", None, False),
    ],
)
def test_mexico_change_dates(day: str, time: str | None, exempt: bool | None) -> None:
    d = mx(day)
    if time:
        d["entry"]["time"] = time
    f, _ = derive_visa_facts(Facts.model_validate(d))
    assert f.visa_req_ca is (None if exempt is None else not exempt)
    code = determine(d, dt.date.fromisoformat(day)).result_code
    assert code == ("ELIGIBLE/STCA_EXCEPTION" if exempt else "INELIGIBLE/STCA")


def test_given_facts_override_the_table() -> None:
    det = determine(mx("2023-06-01", visa_req_ca=True), dt.date(2023, 6, 1))
    assert det.result_code == "INELIGIBLE/STCA"
    assert [d.field for d in det.derived] == ["visa_req_us"]


def test_dual_national_uses_the_better_passport() -> None:
    # a Haitian–French national needs no Canadian visa and no US visa (France is in the VWP)
    d = {**mx("2023-06-01"), "nat": ["HT", "FR"]}
    f, _ = derive_visa_facts(Facts.model_validate(d))
    assert (f.visa_req_ca, f.visa_req_us) == (False, False)
    assert determine(d, dt.date(2023, 6, 1)).result_code == "INELIGIBLE/STCA"


def test_uncovered_nationality_stays_unknown() -> None:
    assert "CL" not in COVERED  # Chile: not in the table
    f, derived = derive_visa_facts(Facts.model_validate({**mx("2023-06-01"), "nat": ["CL"]}))
    assert f.visa_req_ca is None and f.visa_req_us is None
    assert all(d.value is None for d in derived)
    assert [r.code for r in derived[0].reasons] == ["not_covered"]


def test_batch_derives_like_determine() -> None:
    rows = [mx("2016-11-30"), mx("2016-12-01"), mx("2024-02-28"), mx("2024-03-01"),
            mx("2024-06-01", docs=[{"type": "ETA"}])]
    res = evaluate_batch(columns_from_facts(rows), dt.date(2024, 6, 1))
    want = [determine(r, dt.date(2024, 6, 1)).result_code for r in rows]
    assert res.result_codes() == want
    assert want == ["INELIGIBLE/STCA", "ELIGIBLE/STCA_EXCEPTION", "ELIGIBLE/STCA_EXCEPTION",
                    "INELIGIBLE/STCA", "INELIGIBLE/STCA"]


# ---- the conditional eTA (SOR/2023-106; IRCC news release of 2023-06-06) ------------------------
# The table to IRPR s. 7.01(1) lists visa-required nationals who may fly to Canada with an eTA
# if they held a Canadian visa in the past 10 years or hold a valid US nonimmigrant visa; "those
# ... travelling to Canada by means other than air (for example, by car, bus, train and boat)
# ... will still need a visitor visa" (IRCC). None of them is in the US Visa Waiver Program.

CONDITIONAL = ["AG", "AR", "BR", "CR", "MA", "PA", "PH", "SC", "KN", "LC", "VC", "TH", "TT", "UY"]


def person(nat: str, day: str, mode: str = "LAND_POE", **extra: Any) -> dict[str, Any]:
    return {**mx(day, mode, **extra), "nat": [nat]}


@pytest.mark.parametrize("nat", CONDITIONAL)
def test_conditional_eta_nationals_need_a_visa_by_land(nat: str) -> None:
    f, derived = derive_visa_facts(
        Facts.model_validate(person(nat, "2023-07-01", docs=[{"type": "ETA"}])))
    assert (f.visa_req_ca, f.visa_req_us) == (True, True)
    assert derived[0].reasons[0].code == "eta_air_only"
    assert "SOR_2023_106" in derived[0].reasons[0].sources


def test_conditional_eta_flying_needs_no_visa_and_without_an_eta_cannot_tell() -> None:
    f, _ = derive_visa_facts(
        Facts.model_validate(person("PH", "2023-07-01", "AIRPORT", docs=[{"type": "ETA"}])))
    assert f.visa_req_ca is False
    f, derived = derive_visa_facts(Facts.model_validate(person("PH", "2023-07-01", "AIRPORT")))
    assert f.visa_req_ca is None and derived[0].reasons[0].code == "eta_or_visa"


def test_conditional_eta_history_before_2023_06_06_is_not_covered() -> None:
    f, derived = derive_visa_facts(Facts.model_validate(person("TH", "2023-06-05")))
    assert f.visa_req_ca is None and derived[0].reasons[0].code == "not_covered"
    f, _ = derive_visa_facts(Facts.model_validate(person("TH", "2023-06-06")))
    assert f.visa_req_ca is True


# ---- the 2009 transition (CIC release of 2009-07-13, reported by CBC) ----------------------------
# "The change takes effect at 12:01 a.m. ET on Tuesday. For the first 48 hours, Mexicans and
# Czechs will be able to apply for entry on arrival in Canada. However, after 11:59 p.m.
# Wednesday, they must have a visa." The requirement is read as in force from 00:01 on
# 2009-07-14; a note tells the reader about the arrangement from then until 2009-07-15 23:59.

@pytest.mark.parametrize(("day", "time", "noted"), [
    ("2009-07-13", None, False), ("2009-07-14", "00:00", False), ("2009-07-14", "00:01", True),
    ("2009-07-15", None, True), ("2009-07-16", None, False)])
def test_mexico_2009_transition_note(day: str, time: str | None, noted: bool) -> None:
    d = mx(day)
    if time:
        d["entry"]["time"] = time
    _, derived = derive_visa_facts(Facts.model_validate(d))
    assert ("mx_2009_transition" in derived[0].reasons[0].notes) is noted


# ---- reasons are data, rendered in each language ------------------------------------------------

def test_reasons_render_in_french_with_french_citations() -> None:
    from roxham.law import explain

    det = determine(mx("2023-06-01"), dt.date(2023, 6, 1))
    fr = explain(det, "fr")
    assert "dispensé de visa le 2023-06-01" in fr and "DORS/2016-293" in fr
    assert "visa-exempt" not in fr and "SOR/" not in fr and "Visa Waiver" not in fr
    en = explain(det, "en")
    assert "visa-exempt on 2023-06-01" in en and "SOR/2016-293" in en
    d = det.to_dict()["derived"][0]
    assert d["reasons"][0]["code"] == "exempt" and d["reasons"][0]["nat"] == "MX"
