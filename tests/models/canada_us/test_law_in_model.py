"""The law in the model is the law in the screener (issue 13, item 1): each mechanism checked
against ``roxham.law.determine`` on facts written here, not through the model's own builder.

- a person returned after an ineligible claim is barred by IRPA s. 101(1)(c) from any later
  referral;
- prior US claims (s. 101(1)(c.1)) are a cohort fact with the scenario's share;
- the COVID order directs back between ports whatever the STCA exceptions (they applied at
  land ports only);
- inland claimants carry days since first entry, so (b.1) acts; hiders claim after the
  network's delay, so (b.2) acts; both for claims made from D_C2_INTRO and determined from
  D_C12_RA (the 2026 law), read from roxham.law.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np
import pytest

import roxham.law as law
from roxham.models.canada_us import engine_model as E
from roxham.models.canada_us.cohorts import (
    INLAND_DAYS,
    NATIONALITIES,
    Profile,
    after_return_profile,
    profile_table,
    profile_weights,
)
from roxham.models.canada_us.law_oracle import CODE_NAMES, CanadaUSLawOracle
from roxham.models.canada_us.model import build
from roxham.models.canada_us.scenario import load_scenario
from roxham.sim.agents import AgentState

C2 = law.law_date("D_C2_INTRO")
C12 = law.law_date("D_C12_RA")
assert C2 is not None and C12 is not None


def _facts(p: Profile, mode: str, where: str, entry: dt.date, claim: dt.date,
           prior: dict[str, Any] | None = None) -> dict[str, Any]:
    """The facts of docs/law/RULES.md §2 for a profile, written out by hand."""
    fam: list[dict[str, Any]] = []
    if p.family == "sibling_citizen":
        fam = [{"rel": "sister", "status": "CITIZEN"}]
    elif p.family == "sibling_pr":
        fam = [{"rel": "sister", "status": "PR"}]
    elif p.family == "sibling_claimant":
        fam = [{"rel": "sister", "status": "CLAIMANT", "claim_state": "REFERRED_PENDING"}]
    elif p.family == "sibling_work_permit":
        fam = [{"rel": "sister", "status": "WORK_PERMIT", "permit": {"type": "WP"}}]
    prior = dict(prior or {})
    if p.prior_us_claim:
        prior["other_country_claim_confirmed"] = True
    uam = p.unaccompanied_minor
    return {
        "nat": [p.nat],
        "age": 16 if uam else 30,
        "entry": {"mode": mode, "date": entry.isoformat()},
        "claim": {"date": claim.isoformat(), "where": where},
        "family": fam,
        "accompanied_by_parent_or_guardian": not uam,
        "parent_or_guardian_in_ca_or_us": not uam,
        "docs": [{"type": "TRV"}] if p.trv else [],
        "prior": prior,
    }


def _one(p: Profile, place: str, day: dt.date, delays: dict[str, int] | None = None) -> str:
    oracle = CanadaUSLawOracle([p], delays=delays)
    return CODE_NAMES[int(oracle.outcome_codes({}, place, day)[0])]


# ---- 101(1)(c): no referral after a return ---------------------------------------------------
def test_after_an_ineligible_claim_the_profile_carries_it_and_101_1_c_bars_everywhere() -> None:
    profiles = profile_table()
    oracle = CanadaUSLawOracle(profiles)
    after = oracle.profile_after_return({})
    twin = after_return_profile(profiles)
    stca, back = CODE_NAMES.index("INELIGIBLE/STCA"), CODE_NAMES.index("DIRECTED_BACK/COVID_ORDER")
    assert (after[stca] == twin).all()
    assert (after[back] == np.arange(len(profiles))).all()  # the order determined nothing
    assert (after[0] == np.arange(len(profiles))).all()  # referred: nothing to remember
    rng = random.Random(13)
    fresh = [i for i, p in enumerate(profiles) if p.prior_ca_claim is None and not p.inland_days]
    place_facts = {
        "land_poe": ("LAND_POE", "POE_ON_ARRIVAL", 0),
        "between_ports": ("BETWEEN_POE", "POE_ON_ARRIVAL", 0),
        "between_inland_late": ("BETWEEN_POE", "INLAND_OFFICE", 20),
    }
    for day in (dt.date(2018, 5, 1), dt.date(2022, 7, 1), dt.date(2023, 6, 1),
                dt.date(2026, 6, 1)):
        for place, (mode, where, d) in place_facts.items():
            codes = oracle.outcome_codes({}, place, day)
            for i in rng.sample(fresh, 20):
                p, t = profiles[i], int(twin[i])
                want = law.determine(
                    _facts(p, mode, where, day - dt.timedelta(days=d), day,
                           {"canada_claim": "INELIGIBLE_101_1_E"}), day)
                assert "101(1)(c)" in want.grounds and not want.eligible
                if place == "between_inland_late":  # got in unseen: barred, so no claim
                    assert CODE_NAMES[codes[t]] == "STAYED/NO_CLAIM_101_1_C", (day, p)
                else:
                    assert CODE_NAMES[codes[t]] == want.result_code, (day, place, p)


def test_a_person_returned_at_a_port_is_not_referred_when_crossing_later() -> None:
    """2019 (no order, no Protocol): returned at a land port under the STCA, people who try
    again between ports are barred by 101(1)(c); before, Roxham Road referred them."""
    # (the former official air/inland inputs: this realisation has returned people who
    # stayed unseen; the law, not the streams, is under test)
    b = build(load_scenario("historical", {"start": "2019-01-01", "end": "2019-04-30",
                                           "demand": {"air_inland": "official"}}))
    rep = b.sim.run(seed=2, keep_agents=True).replicates[0]
    a = rep.agents
    assert a is not None
    n = a.n_alive
    returned = a.attempts[:n] >= 1
    assert returned.sum() > 50
    prof = b.profiles
    assert all(prof[int(j)].prior_ca_claim == "INELIGIBLE_101_1_E" for j in a.profile[:n][returned])
    claimant = a.state[:n] == AgentState.CLAIMANT  # referred, or stayed without claiming
    unseen = np.isin(a.loc[:n], [b.sim.network.index(E.INLAND_EARLY),
                                 b.sim.network.index(E.INLAND_LATE)])
    # nobody returned was referred: the returned who ended in Canada got in unseen
    assert (unseen[claimant & returned]).all()
    # the retries happened: intercepted, refused (101(1)(c)); unseen, they stayed without
    # claiming, counted apart and never as claims
    assert rep.codes is not None
    other = CODE_NAMES.index("INELIGIBLE/OTHER_GROUND")
    assert int(rep.codes[:, other, :].sum()) > 0
    out, _, states = E.daily_counts(b.sim, rep)
    col = {k: i for i, k in enumerate(E.SERIES)}
    stayed = int(out[:, col["stayed_ca_unclaimed"]].sum())
    assert stayed == states[E.STATE_NAMES.index("stayed_ca_unclaimed")]
    assert stayed == int(rep.codes[:, CODE_NAMES.index("STAYED/NO_CLAIM_101_1_C"), :].sum())
    assert sum(states) == n
    assert out[:, col["referred"]].sum() == claimant.sum() - stayed
    assert stayed == int((claimant & returned).sum()) > 0
    # the office-type outputs do not count them as claims either
    from roxham.models.canada_us.outputs import daily_claim_columns, daily_claims

    dc, cols = daily_claims(b.sim, rep), daily_claim_columns()
    inland = sum(dc[:, i].sum() for i, c in enumerate(cols)
                 if c.startswith("unseen:") or c == "inland_stream:CA")
    assert inland == pytest.approx(float(out[:, col["claims_inland"]].sum()))


# ---- 101(1)(c.1): prior US claims ------------------------------------------------------------
def test_prior_us_claims_are_a_cohort_fact_with_the_scenario_share() -> None:
    s = load_scenario("historical")
    share = s.cohorts.p_prior_us_claim
    assert 0 < share < 0.2
    b = build(load_scenario("historical", {"start": "2019-07-01", "end": "2019-07-10"}))
    sim = b.sim
    for name in ("land:HT", "air:HT", "inland:HT"):
        ci = sim.cohort_index[name]
        g = sim.group_cohort == ci
        cdf = sim.group_cdf[g]
        w = np.diff(np.concatenate([[0.0], cdf]))
        us = np.asarray([b.profiles[int(j)].prior_us_claim for j in sim.group_profile[g]])
        want = share if name.startswith("land") else 0.0
        assert float(w[us].sum()) == pytest.approx(want, abs=1e-9), name
    # the law: a claim confirmed in the US bars referral (from D_C1 on, claims from D_C97_INTRO)
    p = Profile("HT", "none", False, False, None, True)
    day = dt.date(2019, 7, 1)
    for place, mode in (("between_ports", "BETWEEN_POE"), ("land_poe", "LAND_POE")):
        want = law.determine(_facts(p, mode, "POE_ON_ARRIVAL", day, day,
                                    {"other_country_claim_confirmed": True}), day)
        assert "101(1)(c.1)" in want.grounds
        assert _one(p, place, day) == want.result_code
    before = law.law_date("D_C1") - dt.timedelta(days=1)
    assert _one(p, "between_ports", before) == "ELIGIBLE/STCA_NOT_APPLICABLE"


# ---- the COVID order -------------------------------------------------------------------------
def test_covid_order_directs_back_between_ports_and_keeps_exceptions_at_ports() -> None:
    start = law.COVID_DIRECT_BACK.start
    b = build(load_scenario("historical", {"start": start.isoformat(),
                                           "end": (start + dt.timedelta(days=89)).isoformat()}))
    rep = b.sim.run(seed=5).replicates[0]
    out, _, _ = E.daily_counts(b.sim, rep)
    col = {k: i for i, k in enumerate(E.SERIES)}
    # between ports nobody is referred (the model has no US nationals); ports take exceptions
    assert out[:, col["claims_rcmp"]].sum() == 0
    assert out[:, col["directed_back"]].sum() > 0
    assert out[:, col["claims_land_poe"]].sum() > 0
    sis = Profile("HT", "sibling_citizen", False, False)
    day = start + dt.timedelta(days=40)
    poe = law.determine(_facts(sis, "LAND_POE", "POE_ON_ARRIVAL", day, day), day)
    assert poe.result_code == "ELIGIBLE/STCA_EXCEPTION" == _one(sis, "land_poe", day)
    assert _one(sis, "between_ports", day) == "DIRECTED_BACK/COVID_ORDER"


# ---- the 2026 law: (b.1) on inland claimants, (b.2) on hiders ---------------------------------
def test_inland_claimants_days_since_entry_and_b1() -> None:
    s = load_scenario("historical")
    shares = s.cohorts.inland_days_since_entry
    assert set(shares) <= set(INLAND_DAYS)
    for days in INLAND_DAYS:
        p = Profile("IN", "none", False, False, None, False, days)
        for claim in (C2 - dt.timedelta(days=1), C2, C12 - dt.timedelta(days=1), C12,
                      dt.date(2026, 10, 1)):
            want = law.determine(
                _facts(p, "AIRPORT", "INLAND_OFFICE", claim - dt.timedelta(days=days), claim),
                claim)
            b1 = days > 365 and claim >= C12
            assert ("101(1)(b.1)" in want.grounds) == b1
            got = _one(p, "inland", claim)
            if days > 365 and C2 <= claim < C12:  # referred; the 2026 law reaches it pending
                assert want.eligible and got == "ELIGIBLE/PENDING_REACHED_BY_2026_LAW"
            else:
                assert got == want.result_code, (days, claim)
    w = profile_weights(profile_table(), {"IN": 1.0}, {}, 0.0, 0.0, inland_days=shares)
    assert float(w.sum()) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def across_2026() -> Any:
    """Historical from 2025-05-15 to 2026-05-31: across D_C2_INTRO and D_C12_RA."""
    s = load_scenario("historical", {"start": "2025-05-15", "end": "2026-05-31"})
    b = build(s)
    return b, b.sim.run(seed=1).replicates[0]


def test_a_short_run_across_the_2026_law(across_2026: Any) -> None:
    b, rep = across_2026
    sim, s = b.sim, b.scenario
    assert rep.codes is not None
    days = np.array([s.start + dt.timedelta(days=i) for i in range(s.n_days)])
    ra = np.array([d >= C12 for d in days])
    referred = np.asarray(sim.oracle.referred, dtype=bool)
    # inland office: every claim referred before D_C12_RA (claims made from D_C2_INTRO are
    # determined the day they are made, under the law of that day); from it, (b.1) refuses the
    # claimants over a year after entry: the share the law gives for the scenario's buckets
    office = sim.network.index(E.INLAND_OFFICE)
    codes = rep.codes[:, :, office]  # [day, code]
    ok = codes[:, referred].sum(axis=1)
    total = codes.sum(axis=1)
    assert (ok[~ra] == total[~ra]).all()
    shares = s.cohorts.inland_days_since_entry
    tot = sum(shares.values())
    p_ok = 0.0
    for days_since, sh in shares.items():
        p = Profile("IN", "none", False, False, None, False, days_since)
        det = law.determine(
            _facts(p, "AIRPORT", "INLAND_OFFICE", C12 - dt.timedelta(days=days_since), C12), C12)
        p_ok += sh / tot * det.eligible
    n_after = int(total[ra].sum())
    got = int(ok[ra].sum())
    assert n_after > 5000
    assert abs(got - n_after * p_ok) <= 4.5 * np.sqrt(n_after * p_ok * (1 - p_ok)) + 1
    # hiders claim after the network's delay (claim_delays): from D_C12_RA, (b.2) refuses them
    late = sim.network.index(E.INLAND_LATE)
    hide = E.claim_delays(s)["between_inland_late"]
    hp = Profile("HT", "none", False, False)
    want = law.determine(_facts(hp, "BETWEEN_POE", "INLAND_OFFICE", C12 - dt.timedelta(days=hide),
                                C12), C12)
    assert "101(1)(b.2)" in want.grounds
    table = b.table  # the table the run read, built with the network's delays
    row = table.on_day((C12 - s.start).days)[table.place_index("between_inland_late")]
    assert CODE_NAMES[row[b.profiles.index(hp)]] == want.result_code
    assert rep.codes[~ra][:, referred, late].sum() > 0  # hiders referred before the Act
    assert rep.codes[ra][:, referred, late].sum() == 0  # none from it
    before = law.determine(_facts(hp, "BETWEEN_POE", "INLAND_OFFICE",
                                  C2 - dt.timedelta(days=hide), C2), C2)
    assert before.eligible  # made from D_C2_INTRO, but determined before the Act


def test_the_scenario_runs_to_the_end_of_2026() -> None:
    s = load_scenario("historical", {"start": "2026-11-01", "end": "2026-12-31",
                                     "replicates": 1})
    assert build(s).sim.n_days == 61
    assert load_scenario("historical").end == dt.date(2024, 12, 31)  # the default run's end
    assert NATIONALITIES  # the cohorts' nationalities are those of the table


# ---- referred claims pending on D_C12_RA -----------------------------------------------------
def test_referred_claims_the_2026_law_reaches_while_pending_are_marked() -> None:
    """A claim made from D_C2_INTRO and referred before D_C12_RA is referred (determined under
    the law of its day); the model marks those that the law determined on D_C12_RA refuses."""
    day = C2 + dt.timedelta(days=30)
    for days, reached in ((540, True), (180, False)):
        p = Profile("IN", "none", False, False, None, False, days)
        f = _facts(p, "AIRPORT", "INLAND_OFFICE", day - dt.timedelta(days=days), day)
        assert law.determine(f, day).eligible
        assert law.determine(f, C12).eligible is not reached
        code = _one(p, "inland", day)
        assert (code == "ELIGIBLE/PENDING_REACHED_BY_2026_LAW") is reached
        assert code.startswith("ELIGIBLE")
    hp = Profile("HT", "none", False, False)
    f = _facts(hp, "BETWEEN_POE", "INLAND_OFFICE", day - dt.timedelta(days=16), day)
    assert law.determine(f, day).eligible and not law.determine(f, C12).eligible
    assert _one(hp, "between_inland_late", day, {"between_inland_late": 16}) == (
        "ELIGIBLE/PENDING_REACHED_BY_2026_LAW")
    # before D_C2_INTRO the later law does not reach the claim
    early = C2 - dt.timedelta(days=1)
    p = Profile("IN", "none", False, False, None, False, 540)
    assert _one(p, "inland", early) == "ELIGIBLE/STCA_NOT_APPLICABLE"


def test_notices_take_the_reached_pending_claims_out_of_the_irb_inventory(
    across_2026: Any,
) -> None:
    b, rep = across_2026
    s = b.scenario
    out, _, _ = E.daily_counts(b.sim, rep)
    col = {k: i for i, k in enumerate(E.SERIES)}
    i = (C12 - s.start).days
    reached = int(out[:i, col["referred_pending_2026_law"]].sum())
    assert reached > 1000 and out[i:, col["referred_pending_2026_law"]].sum() == 0
    from roxham.models.canada_us import processing as P
    from roxham.models.canada_us.model import _months

    s1 = s.model_copy(update={"processing": s.processing.model_copy(
        update={"pending_notice_share": 1.0})})
    labels, midx = _months(s)
    referred = out[:, col["referred"]].astype(float)

    def run(sc: Any) -> dict[str, Any]:
        return P.run_processing(sc.processing, sc.start, referred, np.zeros_like(referred),
                                midx, len(labels),
                                removed_daily=referred - E.irb_inflow(sc, out))

    p0, p1 = run(s), run(s1)
    m = int(midx[i])  # the month of D_C12_RA
    assert np.array_equal(p0["irb_pending"][:m], p1["irb_pending"][:m])
    share = s.processing.irb_referral_share
    assert p0["irb_removed"].sum() == 0
    assert p1["irb_removed"][m] == pytest.approx(reached * share)
    assert p0["irb_pending"][m] - p1["irb_pending"][m] == pytest.approx(reached * share)
