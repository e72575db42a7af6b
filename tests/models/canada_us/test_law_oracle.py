"""The model's law table against the law itself (roxham.law.determine) and docs/law/RULES.md."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

import roxham.law as law
from roxham.models.canada_us.cohorts import LAW_PLACES, Profile, law_facts, profile_table
from roxham.models.canada_us.law_oracle import (
    CODE_NAMES,
    COVID_ORDER,
    CanadaUSLawOracle,
    code_kinds,
)
from roxham.models.canada_us.scenario import load_scenario
from roxham.sim.oracle import LawOracle, ProfileTable, build_outcome_table

START = dt.date(2017, 1, 1)
N_DAYS = 3652  # 2017-01-01 .. 2026-12-31 (the 2026 law included)
LAG = 14
LAW_PLACE_ORDER = tuple(LAW_PLACES)


def outcome_table(
    oracle: CanadaUSLawOracle, start: dt.date, n_days: int, lag: int
) -> np.ndarray:
    """The model's law table, built as the model builds it (roxham.sim's one builder)."""
    table = ProfileTable()
    for i in range(len(oracle.profiles)):
        table.add({"profile": i})
    return build_outcome_table(oracle, table, LAW_PLACE_ORDER, start, n_days, lag_max=lag).codes


def _expected(p: Profile, place: str, day: dt.date, reform: law.Reform | None,
              delays: dict[str, int]) -> str:
    """What the law says, with the COVID order applied on top as the April 2020 order did:
    between ports everyone is directed back except the people the STCA cannot reach by who
    they are (at a land port the STCA would not apply to them: US nationals, stateless
    habitual residents of the US), whatever the STCA's exceptions."""
    code = law.determine(law_facts(p, place, day, delays), day, reform).result_code
    if place == "between_ports" and COVID_ORDER[0] <= day < COVID_ORDER[1]:
        poe = law.determine(law_facts(p, "land_poe", day, delays), day, reform).result_code
        return code if poe == "ELIGIBLE/STCA_NOT_APPLICABLE" else "DIRECTED_BACK/COVID_ORDER"
    if place.startswith("between_inland") and p.prior_ca_claim and code.startswith("INELIGIBLE"):
        return "STAYED/NO_CLAIM_101_1_C"  # barred (101(1)(c)), in unseen: stays, no claim
    c2, ra = law.law_date("D_C2_INTRO", reform), law.law_date("D_C12_RA", reform)
    if c2 and ra and c2 <= day < ra and code.startswith("ELIGIBLE"):
        later = law.determine(law_facts(p, place, day, delays), ra, reform)
        if not later.eligible:  # referred, but the 2026 law reaches it while pending
            return "ELIGIBLE/PENDING_REACHED_BY_2026_LAW"
    return code


@pytest.mark.parametrize(
    "scenario", ["historical", "no-family-exception", "protocol-30-days", "no-protocol"]
)
def test_table_matches_determine(scenario: str) -> None:
    s = load_scenario(scenario)
    reform_d = s.law.reform
    window = int(reform_d.get("protocol_window_days") or 14)
    delays = {"between_inland_late": max(16, window)}
    profiles = profile_table()
    oracle = CanadaUSLawOracle(profiles, reform=reform_d, delays=delays)
    codes = outcome_table(oracle, START, N_DAYS, LAG)
    reform = law.Reform.model_validate(reform_d) if reform_d else None
    rng = random.Random(scenario)
    sensitive = [dt.date(2020, 3, 20), dt.date(2020, 3, 21), dt.date(2021, 11, 20),
                 dt.date(2021, 11, 21), dt.date(2023, 3, 24), dt.date(2023, 3, 25),
                 dt.date(2023, 3, 30), dt.date(2023, 3, 31), dt.date(2023, 4, 10),
                 dt.date(2023, 4, 24), dt.date(2024, 2, 28), dt.date(2024, 2, 29),
                 law.law_date("D_C2_INTRO") - dt.timedelta(days=1), law.law_date("D_C2_INTRO"),
                 law.law_date("D_C12_RA") - dt.timedelta(days=1), law.law_date("D_C12_RA"),
                 dt.date(2026, 9, 1)]
    days = sensitive + [START + dt.timedelta(days=rng.randrange(N_DAYS)) for _ in range(8)]
    for day in days:
        for pi, place in enumerate(LAW_PLACE_ORDER):
            row = codes[(day - START).days + LAG, pi]
            for fi in rng.sample(range(len(profiles)), 25):
                want = _expected(profiles[fi], place, day, reform, delays)
                assert CODE_NAMES[row[fi]] == want, (day, place, profiles[fi])


def test_breakpoints_equal_daily_evaluation() -> None:
    """Tabulating only on breakpoints gives the same table as asking every day."""
    profiles = profile_table()
    for reform in ({}, {"protocol_window_days": 30}):
        oracle = CanadaUSLawOracle(profiles, reform=reform,
                                   delays={"between_inland_late": 31 if reform else 16})
        codes = outcome_table(oracle, START, N_DAYS, LAG)
        for lo, hi in ((dt.date(2020, 3, 15), dt.date(2020, 3, 25)),
                       (dt.date(2021, 11, 15), dt.date(2021, 11, 25)),
                       (dt.date(2023, 3, 20), dt.date(2023, 4, 30)),
                       (dt.date(2024, 2, 25), dt.date(2024, 3, 3)),
                       (dt.date(2025, 5, 30), dt.date(2025, 6, 6)),
                       (dt.date(2026, 3, 23), dt.date(2026, 3, 29))):
            day = lo
            while day <= hi:
                for pi, place in enumerate(LAW_PLACE_ORDER):
                    daily = oracle.outcome_codes({}, place, day)
                    assert np.array_equal(codes[(day - START).days + LAG, pi], daily), (day, place)
                day += dt.timedelta(days=1)


def _code(place: str, p: Profile, day: dt.date, reform: dict[str, object] | None = None) -> str:
    oracle = CanadaUSLawOracle([p], reform=reform)
    return CODE_NAMES[int(oracle.outcome_codes({}, place, day)[0])]


def test_hand_checked_outcomes_from_rules() -> None:
    """Cases worked by hand from docs/law/RULES.md §5-6 and the order's dates."""
    ht = Profile("HT", "none", False, False)
    ht_sis = Profile("HT", "sibling_citizen", False, False)
    mx = Profile("MX", "none", False, False)
    # before the Protocol, between ports: the STCA does not reach the claim
    assert _code("between_ports", ht, dt.date(2022, 6, 1)) == "ELIGIBLE/STCA_NOT_APPLICABLE"
    # COVID order: directed back between ports even with an STCA exception (citizen sister:
    # 159.5(a)), which the order of April 2020 applied at land ports only
    assert _code("between_ports", ht, dt.date(2020, 6, 1)) == "DIRECTED_BACK/COVID_ORDER"
    assert _code("between_ports", ht_sis, dt.date(2020, 6, 1)) == "DIRECTED_BACK/COVID_ORDER"
    assert _code("land_poe", ht_sis, dt.date(2020, 6, 1)) == "ELIGIBLE/STCA_EXCEPTION"
    assert _code("between_ports", ht, dt.date(2021, 11, 21)) == "ELIGIBLE/STCA_NOT_APPLICABLE"
    # the Protocol: d = 0 inside the 14-day window → ineligible; hiding 16 days → outside
    assert _code("between_ports", ht, dt.date(2023, 4, 1)) == "INELIGIBLE/STCA"
    assert _code("between_inland_late", ht, dt.date(2023, 5, 1)) == "ELIGIBLE/STCA_NOT_APPLICABLE"
    assert _code("between_inland_early", ht, dt.date(2023, 5, 1)) == "INELIGIBLE/STCA"
    # no-protocol reform
    assert (_code("between_ports", ht, dt.date(2023, 4, 1), {"no_protocol": True})
            == "ELIGIBLE/STCA_NOT_APPLICABLE")
    # land port: STCA applies; Mexicans were visa-exempt for Canada until 2024-02-29 → 159.5(g)
    assert _code("land_poe", ht, dt.date(2019, 1, 1)) == "INELIGIBLE/STCA"
    assert _code("land_poe", mx, dt.date(2019, 1, 1)) == "ELIGIBLE/STCA_EXCEPTION"
    assert _code("land_poe", mx, dt.date(2024, 3, 1)) == "INELIGIBLE/STCA"
    # airport claims are outside the STCA
    assert _code("airport", ht, dt.date(2023, 6, 1)) == "ELIGIBLE/STCA_NOT_APPLICABLE"


def test_oracle_is_a_sim_law_oracle() -> None:
    oracle = CanadaUSLawOracle(profile_table()[:3])
    assert isinstance(oracle, LawOracle)
    assert len(oracle.code_names) == len(oracle.referred) == len(code_kinds())
    # the last codes (stayed without claiming; referred, reached later by the 2026 law) end
    # the journey in Canada, like a referral
    assert list(oracle.referred) == [True, True, True, False, False, False, True, True]
