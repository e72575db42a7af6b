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
    assert "BR" not in COVERED
    f, derived = derive_visa_facts(Facts.model_validate({**mx("2023-06-01"), "nat": ["BR"]}))
    assert f.visa_req_ca is None and f.visa_req_us is None
    assert all(d.value is None for d in derived)


def test_batch_derives_like_determine() -> None:
    rows = [mx("2016-11-30"), mx("2016-12-01"), mx("2024-02-28"), mx("2024-03-01"),
            mx("2024-06-01", docs=[{"type": "ETA"}])]
    res = evaluate_batch(columns_from_facts(rows), dt.date(2024, 6, 1))
    want = [determine(r, dt.date(2024, 6, 1)).result_code for r in rows]
    assert res.result_codes() == want
    assert want == ["INELIGIBLE/STCA", "ELIGIBLE/STCA_EXCEPTION", "ELIGIBLE/STCA_EXCEPTION",
                    "INELIGIBLE/STCA", "INELIGIBLE/STCA"]
