"""People of the Canada–US model: fact profiles that matter to the law, and cohort mixes.

A **profile** is the tuple of facts the STCA law looks at for a simulated person:
nationality (→ visa needs for Canada and the US on a date), a qualifying family member in
Canada and their status, being an unaccompanied minor, and holding a valid Canadian
temporary resident visa (TRV). Agents carry an index into the table of all profiles
(:func:`profile_table`); the law is asked once per unique profile × place × date.

Where a figure comes from the world it carries its source; where a share is an
**assumption** it is a scenario parameter (``cohorts.*`` in the scenario YAML) and the
manifest records its value.

>>> visa_req_ca("MX", dt.date(2020, 1, 1)), visa_req_ca("MX", dt.date(2024, 3, 1))
(False, True)
>>> facts = law_facts(Profile("HT", "sibling_citizen", False, False), "between_ports",
...                   dt.date(2022, 6, 1))
>>> facts["entry"]["mode"], facts["claim"]["where"], facts["family"][0]["status"]
('BETWEEN_POE', 'POE_ON_ARRIVAL', 'CITIZEN')
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "FAMILY_KINDS",
    "INLAND_DAYS",
    "LAW_PLACES",
    "NATIONALITIES",
    "PRIOR_CA_CLAIMS",
    "Nationality",
    "Profile",
    "after_return_profile",
    "law_facts",
    "profile_table",
    "profile_weights",
    "visa_req_ca",
]

_IRCC_ENTRY = (
    "https://www.canada.ca/en/immigration-refugees-citizenship/services/visit-canada/"
    "entry-requirements-country.html"
)
_US_VWP = "https://travel.state.gov/content/travel/en/us-visas/tourism-visit/visa-waiver-program.html"
_MX_LIFT = "https://www.settlementatwork.org/news/canada-lifts-visa-requirement-mexico"
_MX_REIMPOSE = (
    "https://medicinehatnews.com/news/national-news/2024/02/29/"
    " (events.csv row 2024-02-29: Canada partially reimposes the visa on Mexican citizens)"
)


@dataclass(frozen=True)
class Nationality:
    """A nationality with its visa facts.

    ``ca_visa_exempt`` lists half-open date intervals ``[start, end)`` during which the
    national is visa-exempt for Canada (eTA only); outside them a TRV is required.
    ``visa_req_us``: needs a US visa (not in the US Visa Waiver Program).
    """

    code: str
    name: str
    visa_req_us: bool
    ca_visa_exempt: tuple[tuple[dt.date, dt.date | None], ...]
    source: str


#: Nationalities of the model's cohorts. Visa facts: Canada's list of visa-required countries
#: (IRCC, entry requirements by country) and the US Visa Waiver Program list (none of these is
#: in it). Mexico: visa lifted 2016-12-01, partially reimposed 2024-02-29 (events.csv). The
#: partial exemptions for some Colombian travellers holding US visas (2023) are not modelled.
NATIONALITIES: dict[str, Nationality] = {
    n.code: n
    for n in (
        Nationality("HT", "Haiti", True, (), f"{_IRCC_ENTRY}; {_US_VWP}"),
        Nationality("NG", "Nigeria", True, (), f"{_IRCC_ENTRY}; {_US_VWP}"),
        Nationality("CO", "Colombia", True, (), f"{_IRCC_ENTRY}; {_US_VWP}"),
        Nationality("VE", "Venezuela", True, (), f"{_IRCC_ENTRY}; {_US_VWP}"),
        Nationality("TR", "Türkiye", True, (), f"{_IRCC_ENTRY}; {_US_VWP}"),
        Nationality("IN", "India", True, (), f"{_IRCC_ENTRY}; {_US_VWP}"),
        Nationality(
            "MX",
            "Mexico",
            True,
            ((dt.date(2016, 12, 1), dt.date(2024, 2, 29)),),
            f"{_MX_LIFT}; {_MX_REIMPOSE}; {_US_VWP}",
        ),
    )
}

#: Dates on which a visa fact changes (the law oracle re-asks on them).
VISA_CHANGE_DATES: tuple[dt.date, ...] = tuple(
    sorted(
        {d for n in NATIONALITIES.values() for iv in n.ca_visa_exempt for d in iv if d is not None}
    )
)


def visa_req_ca(code: str, day: dt.date) -> bool:
    """Does a national of ``code`` need a Canadian TRV on ``day``?"""
    nat = NATIONALITIES[code]
    for start, end in nat.ca_visa_exempt:
        if start <= day and (end is None or day < end):
            return False
    return True


#: Qualifying family member in Canada (a sibling, adult), by status; ``none`` = no such member.
#: The statuses map to IRPR s. 159.5 (a) citizen, (b)(ii) permanent resident, (c) adult
#: claimant with a referred pending claim, (d) adult work-permit holder.
FAMILY_KINDS: tuple[str, ...] = (
    "none",
    "sibling_citizen",
    "sibling_pr",
    "sibling_claimant",
    "sibling_work_permit",
)


#: Prior claim in Canada (IRPA s. 101(1)(c)) a profile may carry: none, or a claim found
#: ineligible (the fact ``prior.canada_claim`` of docs/law/RULES.md §2). A person returned
#: after an ineligible claim carries ``INELIGIBLE_101_1_E`` from then on
#: (:func:`after_return_profile`).
PRIOR_CA_CLAIMS: tuple[str | None, ...] = (None, "INELIGIBLE_101_1_E")

#: Days from first entry into Canada to the claim of an inland claimant (people admitted
#: earlier, e.g. by air, who claim at an inland office): the buckets of the scenario's
#: distribution ``cohorts.inland_days_since_entry`` (its shares are (A), the buckets fixed so
#: that the law table does not depend on them). Over 365 days, IRPA s. 101(1)(b.1) can act.
INLAND_DAYS: tuple[int, ...] = (30, 180, 540, 1460)


@dataclass(frozen=True)
class Profile:
    """The law-relevant facts of a simulated person.

    ``prior_ca_claim``: a prior claim in Canada found ineligible (s. 101(1)(c)), see
    :data:`PRIOR_CA_CLAIMS`; ``prior_us_claim``: a claim made in the US and confirmed under the
    information-sharing agreement (s. 101(1)(c.1)); ``inland_days``: days from first entry to an
    inland claim (0: the place's default, :data:`LAW_PLACES`).
    """

    nat: str
    family: str
    unaccompanied_minor: bool
    trv: bool
    prior_ca_claim: str | None = None
    prior_us_claim: bool = False
    inland_days: int = 0


#: Claim situations the model asks the law about: (entry.mode, claim.where, days from entry to
#: claim). ``between_inland_*`` are people who crossed between ports unseen and claimed later
#: at an inland office (``early``: without hiding, ``late``: after hiding past the window of
#: IRPR s. 159.4(1.1)); ``inland`` are people admitted earlier (by air) who claim at an inland
#: office. The days here are defaults for standalone use: the model gives the law table the
#: delays of its own network (``engine_model.claim_delays``: ``evade_wait_days`` and the
#: hiding delay), so both agree.
LAW_PLACES: dict[str, tuple[str, str, int]] = {
    "land_poe": ("LAND_POE", "POE_ON_ARRIVAL", 0),
    "between_ports": ("BETWEEN_POE", "POE_ON_ARRIVAL", 0),
    "between_inland_early": ("BETWEEN_POE", "INLAND_OFFICE", 5),
    "between_inland_late": ("BETWEEN_POE", "INLAND_OFFICE", 20),
    "airport": ("AIRPORT", "AIRPORT_ON_ARRIVAL", 0),
    "inland": ("AIRPORT", "INLAND_OFFICE", 60),
}


def _family(kind: str) -> list[dict[str, Any]]:
    if kind == "none":
        return []
    base: dict[str, Any] = {"rel": "sister", "age": 35, "in_ca": True, "proven": True}
    if kind == "sibling_citizen":
        return [{**base, "status": "CITIZEN"}]
    if kind == "sibling_pr":
        return [{**base, "status": "PR"}]
    if kind == "sibling_claimant":
        return [{**base, "status": "CLAIMANT", "claim_state": "REFERRED_PENDING"}]
    if kind == "sibling_work_permit":
        return [
            {
                **base,
                "status": "WORK_PERMIT",
                "permit": {"type": "WP", "valid": True, "basis": "other"},
            }
        ]
    raise ValueError(f"unknown family kind {kind!r}")


def law_facts(
    profile: Profile,
    place: str,
    claim_date: dt.date,
    delays: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The facts dict (keys of docs/law/RULES.md §2) of ``profile`` claiming at ``place`` on a date.

    The entry date is ``claim_date`` minus the place's days-to-claim (``delays`` overrides
    :data:`LAW_PLACES`; at ``inland`` a profile's own ``inland_days`` overrides both); visa
    facts are those of the claim date.
    """
    mode, where, days = LAW_PLACES[place]
    if delays and place in delays:
        days = delays[place]
    if place == "inland" and profile.inland_days > 0:
        days = profile.inland_days
    entry = claim_date - dt.timedelta(days=days)
    uam = profile.unaccompanied_minor
    prior: dict[str, Any] = {}
    if profile.prior_ca_claim is not None:
        prior["canada_claim"] = profile.prior_ca_claim
    if profile.prior_us_claim:
        prior["other_country_claim_confirmed"] = True
    return {
        "nat": [profile.nat],
        "age": 16 if uam else 30,
        "has_spouse_or_cl": False,
        "entry": {"mode": mode, "from": "US", "date": entry.isoformat()},
        "claim": {"date": claim_date.isoformat(), "where": where},
        "family": _family(profile.family),
        "accompanied_by_parent_or_guardian": not uam,
        "parent_or_guardian_in_ca_or_us": not uam,
        "docs": [{"type": "TRV", "valid": True}] if profile.trv else [],
        "visa_req_ca": visa_req_ca(profile.nat, claim_date),
        "visa_req_us": NATIONALITIES[profile.nat].visa_req_us,
        "prior": prior,
    }


def profile_table() -> list[Profile]:
    """All profiles, in a fixed order: the land profiles (nationality, family, minor, TRV,
    prior US claim) without a prior claim in Canada, the same after an ineligible claim in
    Canada (their order, so that :func:`after_return_profile` is an offset), then the inland
    claimants' profiles (nationality, prior US claim, days since entry; family, minor and TRV
    facts do not matter to a claim after an airport entry and are left out).

    >>> ps = profile_table()
    >>> n_land = len(NATIONALITIES) * len(FAMILY_KINDS) * 4 * 2
    >>> len(ps) == 2 * n_land + len(NATIONALITIES) * 2 * len(INLAND_DAYS)
    True
    >>> ps[0].nat, ps[0].prior_ca_claim, ps[n_land].nat, ps[n_land].prior_ca_claim
    ('HT', None, 'HT', 'INELIGIBLE_101_1_E')
    """
    land = [
        Profile(n, f, m, t, prior, us)
        for prior in PRIOR_CA_CLAIMS
        for n, f, m, t, us in itertools.product(
            NATIONALITIES, FAMILY_KINDS, (False, True), (False, True), (False, True)
        )
    ]
    inland = [
        Profile(n, "none", False, False, None, us, days)
        for n, us, days in itertools.product(NATIONALITIES, (False, True), INLAND_DAYS)
    ]
    return land + inland


def after_return_profile(profiles: list[Profile]) -> list[int]:
    """For each profile, the index of the same person after a claim found ineligible: the
    same facts with ``prior_ca_claim = INELIGIBLE_101_1_E`` (IRPA s. 101(1)(c) then bars any
    later claim). A profile that already carries a prior claim maps to itself.

    >>> ps = profile_table()
    >>> j = after_return_profile(ps)[0]
    >>> ps[j].prior_ca_claim, ps[j].nat, after_return_profile(ps)[j] == j
    ('INELIGIBLE_101_1_E', 'HT', True)
    """
    index = {p: i for i, p in enumerate(profiles)}
    out = []
    for i, p in enumerate(profiles):
        if p.prior_ca_claim is not None:
            out.append(i)
            continue
        twin = Profile(p.nat, p.family, p.unaccompanied_minor, p.trv, PRIOR_CA_CLAIMS[1],
                       p.prior_us_claim, p.inland_days)
        out.append(index.get(twin, i))
    return out


def profile_weights(
    profiles: list[Profile],
    nationality_shares: dict[str, float],
    family_shares: dict[str, float],
    p_unaccompanied_minor: float,
    p_trv: float,
    *,
    p_prior_us_claim: float = 0.0,
    inland_days: dict[int, float] | None = None,
) -> npt.NDArray[np.float64]:
    """Probability of each profile for a cohort (facts drawn independently; an assumption).

    ``family_shares`` gives the share of each non-``none`` family kind; ``none`` takes the rest.
    Nobody starts with a prior claim in Canada. With ``inland_days`` (shares by bucket of
    :data:`INLAND_DAYS`) the cohort is one of inland claimants and draws the inland profiles;
    otherwise the land (and air) profiles.

    >>> ps = profile_table()
    >>> w = profile_weights(ps, {"HT": 1.0}, {"sibling_citizen": 0.1}, 0.0, 0.0)
    >>> round(float(w.sum()), 9), round(float(w[ps.index(Profile("HT", "none", False, False))]), 9)
    (1.0, 0.9)
    >>> w = profile_weights(ps, {"HT": 1.0}, {}, 0.0, 0.0, p_prior_us_claim=0.1,
    ...                     inland_days={30: 0.5, 1460: 0.5})
    >>> round(float(w[ps.index(Profile("HT", "none", False, False, None, True, 1460))]), 9)
    0.05
    """
    nat_total = sum(nationality_shares.values())
    fam = {k: float(family_shares.get(k, 0.0)) for k in FAMILY_KINDS if k != "none"}
    fam["none"] = 1.0 - sum(fam.values())
    if fam["none"] < 0 or nat_total <= 0:
        raise ValueError("family shares must sum to at most 1 and nationality shares be > 0")
    if inland_days is not None:
        bad = [d for d in inland_days if d not in INLAND_DAYS]
        total_days = sum(inland_days.values())
        if bad or total_days <= 0:
            raise ValueError(f"inland_days: buckets must be among {INLAND_DAYS} with shares > 0")
    w = np.zeros(len(profiles))
    for i, p in enumerate(profiles):
        if p.prior_ca_claim is not None:
            continue
        wn = nationality_shares.get(p.nat, 0.0) / nat_total
        wu = p_prior_us_claim if p.prior_us_claim else 1.0 - p_prior_us_claim
        if inland_days is not None:
            if p.inland_days > 0:
                w[i] = wn * wu * inland_days.get(p.inland_days, 0.0) / total_days
            continue
        if p.inland_days > 0:
            continue
        wm = p_unaccompanied_minor if p.unaccompanied_minor else 1.0 - p_unaccompanied_minor
        wt = p_trv if p.trv else 1.0 - p_trv
        w[i] = wn * fam[p.family] * wm * wt * wu
    return w
