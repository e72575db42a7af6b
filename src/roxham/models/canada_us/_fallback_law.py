"""A minimal, provisional STCA decision for the model's own profiles.

Used **only** when :mod:`roxham.law` cannot be imported (it is built in parallel); the run's
manifest records which engine decided (``law_engine``). It implements the part of
``shared/law/RULES.md`` §5 that the model's profiles reach: personal scope, entry mode and the
14-day window of IRPR s. 159.4(1.1), exceptions s. 159.5(a)–(g), and the reform switches
``no_protocol``, ``protocol_window_days``, ``remove_exceptions``, ``in_force['D_PROTOCOL']``
and ``stca_suspended``. Other grounds (s. 101(1)(a)–(d), (f), (b.1), (b.2)) are not reached by
the model's profiles before 2025 and are not implemented here.

Codes are indices into :data:`RESULT_CODES` (same order as ``roxham.law.RESULT_CODES``).

>>> f = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-01-01"},
...      "claim": {"date": "2022-01-01", "where": "POE_ON_ARRIVAL"}, "family": [],
...      "visa_req_ca": True, "visa_req_us": True}
>>> RESULT_CODES[decide(f, dt.date(2022, 1, 1))]
'INELIGIBLE/STCA'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

__all__ = ["RESULT_CODES", "decide"]

RESULT_CODES: tuple[str, ...] = (
    "ELIGIBLE/STCA_NOT_IN_FORCE",
    "ELIGIBLE/STCA_NOT_APPLICABLE",
    "ELIGIBLE/STCA_EXCEPTION",
    "INELIGIBLE/STCA",
    "INELIGIBLE/OTHER_GROUND",
)

D_STCA = dt.date(2004, 12, 29)
D_PROTOCOL = dt.date(2023, 3, 25)
_QUALIFYING = {
    "spouse", "common_law_partner", "child", "father", "mother", "brother", "sister",
    "grandfather", "grandmother", "grandchild", "uncle", "aunt", "nephew", "niece",
}
_DOCS_F = {"PR_VISA", "TRV", "TRP", "PR_TRAVEL_DOC", "REFUGEE_TRAVEL_PAPERS", "TTD_R151"}


def _date(x: Any) -> dt.date:
    return x if isinstance(x, dt.date) else dt.date.fromisoformat(str(x))


def _exceptions(f: Mapping[str, Any], adult_age: int = 18) -> list[str]:
    found: list[str] = []
    age = int(f.get("age", 30))
    for m in f.get("family", []) or []:
        if m.get("rel") not in _QUALIFYING or not m.get("in_ca", True) or not m.get("proven", True):
            continue
        st = m.get("status")
        m_age = int(m.get("age", 30))
        if st == "CITIZEN":
            found.append("IRPR 159.5(a)")
        elif st == "PROTECTED_PERSON":
            found.append("IRPR 159.5(b)(i)")
        elif st == "PR":
            found.append("IRPR 159.5(b)(ii)")
        elif st == "STAY_R233":
            found.append("IRPR 159.5(b)(iii)")
        elif st == "CLAIMANT" and m_age >= adult_age and m.get("claim_state") == "REFERRED_PENDING":
            found.append("IRPR 159.5(c)")
        permit = m.get("permit")
        if (
            m_age >= adult_age
            and permit
            and permit.get("valid", True)
            and not (permit.get("type") == "WP" and permit.get("basis") == "R206_1_b")
        ):
            found.append("IRPR 159.5(d)")
    if (
        age < 18
        and not f.get("accompanied_by_parent_or_guardian", True)
        and not f.get("has_spouse_or_cl", False)
        and not f.get("parent_or_guardian_in_ca_or_us", True)
    ):
        found.append("IRPR 159.5(e)")
    for d in f.get("docs", []) or []:
        if d.get("type") in _DOCS_F and d.get("valid", True) and not d.get("transit_only", False):
            found.append("IRPR 159.5(f)")
            break
    if f.get("visa_req_ca") is False and f.get("visa_req_us") is True:
        found.append("IRPR 159.5(g)")
    return found


def decide(f: Mapping[str, Any], as_of: dt.date, reform: Mapping[str, Any] | None = None) -> int:
    """Result code index for facts ``f`` on ``as_of`` (the subset described above)."""
    reform = dict(reform or {})
    if as_of < D_STCA or reform.get("stca_suspended") or f.get("agreement_suspended"):
        return 0
    nat = list(f.get("nat", []))
    entry = f.get("entry", {})
    claim = f.get("claim", {})
    if "US" in nat or entry.get("from", "US") != "US":
        return 1
    mode = entry.get("mode")
    route = False
    if mode == "AIRPORT":
        return 1
    if mode == "BETWEEN_POE":
        d_protocol = _date(reform.get("in_force", {}).get("D_PROTOCOL", D_PROTOCOL))
        window = int(reform.get("protocol_window_days") or 14)
        entry_date = _date(entry["date"])
        d = (_date(claim["date"]) - entry_date).days
        if reform.get("no_protocol") or entry_date < d_protocol or d > window - 1:
            return 1
        route = True
    elif mode == "LAND_POE":
        if claim.get("where", "POE_ON_ARRIVAL") != "POE_ON_ARRIVAL":
            return 1
        route = True
    else:
        return 1
    if route:
        removed = set(reform.get("remove_exceptions", []) or [])
        exc = [e for e in _exceptions(f) if not any(e.startswith(r) for r in removed)]
        if exc:
            return 2
        return 3
    return 1  # pragma: no cover
