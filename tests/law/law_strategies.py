"""Hypothesis strategies for facts, dates around every boundary of the law, and reforms."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import strategies as st

from roxham.law.facts import (
    CLAIM_STATES,
    CLAIM_WHERE,
    DOC_TYPES,
    ENTRY_MODES,
    FAMILY_STATUSES,
    PRIOR_CLAIMS,
    QUALIFYING_RELS,
)
from roxham.law.reform import EXCEPTION_IDS, Reform

D = dt.date
#: Every date at which the law changes (docs/law/RULES.md §3) and the leap day around (b.1).
BOUNDARIES = [
    D(2004, 12, 29),
    D(2009, 7, 23),
    D(2019, 4, 8),
    D(2019, 6, 21),
    D(2020, 6, 24),
    D(2023, 3, 25),
    D(2025, 6, 3),
    D(2026, 3, 26),
    D(2024, 2, 29),
    D(2020, 2, 29),
]


def _day(r: random.Random) -> dt.date:
    """A day near a boundary of the law (2 in 3) or anywhere in 2000–2030."""
    if r.random() < 2 / 3:
        return r.choice(BOUNDARIES) + dt.timedelta(days=r.randint(-3, 3))
    return D(2002, 7, 1) + dt.timedelta(days=r.randint(0, 10410))


def _gap(r: random.Random) -> int:
    """d = claim − entry: window edges (13/14/15), one year (b.1), and anything."""
    x = r.random()
    if x < 0.4:
        return r.randint(0, 16)
    if x < 0.7:
        return r.choice([13, 14, 15, 29, 30, 31, 364, 365, 366, 367])
    return r.randint(0, 2000)


def _age(r: random.Random) -> int | None:
    x = r.random()
    return None if x < 0.3 else r.choice([17, 18]) if x < 0.6 else r.randint(0, 25)


def _maybe(r: random.Random, p: float = 0.5) -> bool:
    return r.random() < p


_COUNTRIES = ["US", "HT", "MX", "CO", "FR", "PR"]
_RELS = [*QUALIFYING_RELS, "half_brother", "half_sister", "cousin", "step_brother", "friend", "son"]


def _member(r: random.Random) -> dict[str, Any]:
    status = r.choice(FAMILY_STATUSES)
    m: dict[str, Any] = {"rel": r.choice(_RELS), "status": status}
    if (a := _age(r)) is not None:
        m["age"] = a
    if _maybe(r):
        m["in_ca"] = _maybe(r, 0.7)
    if status == "CLAIMANT" or _maybe(r, 0.1):
        m["claim_state"] = r.choice(CLAIM_STATES)
    if _maybe(r, 0.35):
        m["permit"] = {
            "type": r.choice(["WP", "SP"]),
            "valid": _maybe(r, 0.7),
            "basis": r.choice(["R206_1_a", "R206_1_b", "other"]),
        }
    if _maybe(r, 0.2):
        m["proven"] = False
    return m


def build_facts(r: random.Random) -> tuple[dict[str, Any], dt.date]:
    """A (mostly valid) facts dict and a determination date on or after the claim."""
    entry = _day(r)
    claim = entry + dt.timedelta(days=_gap(r))
    x = r.random()
    as_of = claim + dt.timedelta(
        days=0 if x < 0.3 else r.randint(0, 3) if x < 0.6 else r.randint(0, 1500)
    )
    if r.random() < 0.05:  # the claimant entered before the rules existed
        entry -= dt.timedelta(days=r.randint(1, 4000))
    if _maybe(r, 0.25):  # determination exactly around a boundary
        b = r.choice(BOUNDARIES) + dt.timedelta(days=r.randint(-3, 3))
        if b >= claim:
            as_of = b
    mode = r.choice(ENTRY_MODES)
    stateless = _maybe(r, 0.15)
    f: dict[str, Any] = {
        "nat": [] if stateless else r.sample(_COUNTRIES, r.randint(0, 2)),
        "entry": {"mode": mode, "date": entry.isoformat()},
        "claim": {"date": claim.isoformat()},
    }
    if _maybe(r, 0.15):
        f["entry"]["from"] = r.choice(_COUNTRIES)
    if _maybe(r, 0.4):
        f["entry"]["time"] = r.choice(["00:00", "00:01", "00:02", "23:30", "23:59"])
    where = r.choice(CLAIM_WHERE)
    if where == "AIRPORT_ON_ARRIVAL" and mode != "AIRPORT":
        where = "INLAND_OFFICE"
    f["claim"]["where"] = where
    if stateless:
        f["stateless"] = True
    if stateless or _maybe(r, 0.1):
        f["fhr"] = r.sample(_COUNTRIES, r.randint(0, 2))
    if (a := _age(r)) is not None:
        f["age"] = a
    for key in (
        "has_spouse_or_cl",
        "accompanied_by_parent_or_guardian",
        "parent_or_guardian_in_ca_or_us",
        "us_refused_entry_no_adjudication",
        "pr_removed_from_us",
        "tsr_national",
    ):
        if _maybe(r):
            f[key] = _maybe(r)
    for key in ("visa_req_ca", "visa_req_us"):
        if _maybe(r, 0.7):
            f[key] = r.choice([None, True, False])
    if _maybe(r, 0.1):
        f["inadmissible_101f"] = True
    if _maybe(r, 0.05):
        f["agreement_suspended"] = True
    if _maybe(r, 0.6):
        f["family"] = [_member(r) for _ in range(r.randint(0, 3))]
    if _maybe(r, 0.4):
        f["docs"] = [
            {"type": r.choice(DOC_TYPES), "valid": _maybe(r, 0.7), "transit_only": _maybe(r, 0.2)}
            for _ in range(r.randint(0, 2))
        ]
    if _maybe(r, 0.2):
        f["death_penalty"] = {
            "country": r.choice(_COUNTRIES),
            "status": r.choice(["CHARGED", "CONVICTED"]),
            "punishable_by_death": _maybe(r),
        }
    if _maybe(r, 0.4):
        prior: dict[str, Any] = {}
        if _maybe(r):
            prior["canada_claim"] = r.choice([None, *PRIOR_CLAIMS])
        for key, p in (
            ("protection_conferred_in_canada", 0.1),
            ("other_country_claim_confirmed", 0.2),
            ("recognized_refugee_elsewhere_returnable", 0.1),
        ):
            if _maybe(r):
                prior[key] = _maybe(r, p)
        f["prior"] = prior
    if mode == "AIRPORT" and _maybe(r):
        f["us_removal_transit"] = True
    if _maybe(r, 0.3):
        f["entries"] = [
            (claim - dt.timedelta(days=r.randint(0, 3000))).isoformat()
            for _ in range(r.randint(0, 3))
        ]
    if _maybe(r, 0.02):  # now and then something invalid: must be refused, never crash
        f[r.choice(["age", "nat", "entry", "family", "bogus"])] = r.choice([-1, "x", None, {}])
    return f, as_of


def build_reform(r: random.Random) -> Reform | None:
    """No reform half of the time, else a random mix of the reform kinds."""
    if _maybe(r):
        return None
    moves: dict[str, dt.date | None] = {}
    for _ in range(r.randint(0, 2)):
        key = r.choice(["D_PROTOCOL", "D_STCA", "D_C12_RA", "D_C2_INTRO", "D_TSR_REPEAL"])
        moves[key] = None if _maybe(r, 0.2) else _day(r)
    return Reform(
        no_protocol=_maybe(r, 0.2),
        protocol_window_days=r.choice([None, None, 1, 7, 14, 15, 30]),
        remove_exceptions=tuple(
            r.sample([*EXCEPTION_IDS, "IRPR 159.5(b)", "IRPR 159.5(h)"], r.randint(0, 3))
        ),
        in_force=moves,
        stca_suspended=_maybe(r, 0.1),
        a3_transitional=_maybe(r, 0.2),
        a5_inland_after_land_poe=_maybe(r, 0.2),
        a10_former_residence_any=_maybe(r, 0.2),
    )


#: Hypothesis strategy of (facts dict, as_of); built from a Hypothesis-controlled Random so
#: that thousands of examples stay cheap.
facts_and_date = st.randoms(use_true_random=True).map(build_facts)
reforms = st.randoms(use_true_random=True).map(build_reform)
