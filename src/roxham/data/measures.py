"""The controlled vocabulary of measures: what a figure counts, whatever its raw label.

The raw files name their figures in hundreds of ways (``illegal_border_crossings_us_canada_in_
2017_to_date``, ``nyc_asylum_seekers_arrived_nyc_since_april_2022`` …). Each raw series maps to
one measure of :data:`MEASURES` (tens, each defined in ``SCHEMA.md``) plus an office/route,
a period kind and a qualifier: "to date" or "since" become the period kind ``cumulative``,
"per week"/"per day" the unit, "approx" the qualifier — never a new measure.

>>> classify("illegal_border_crossings_us_canada_in_2017_to_date", "all")
Measure(measure='irregular_crossings', office='', cumulative=True, unit_per='')
>>> classify("asylum_claims", "office=land_poe")
Measure(measure='asylum_claims', office='land_poe', cumulative=False, unit_per='')
>>> classify("nyc_new_asylum_seeker_arrivals_per_week", "all").unit_per
'week'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MEASURES", "OFFICES", "QUALIFIERS", "Measure", "classify", "qualifier"]

#: Measures: name → definition (the same text as SCHEMA.md).
MEASURES: dict[str, str] = {
    "asylum_claims": "asylum claims made in Canada (IRCC/CBSA), by office where made",
    "asylum_claims_share": "share (%) of all asylum claims in Canada made by a group",
    "rcmp_interceptions": "people intercepted by the RCMP crossing between ports of entry",
    "irregular_crossings": "irregular crossings into Canada counted outside the RCMP table "
                           "(press counts, Roxham Road, CBSA processing of crossers)",
    "returns_to_us": "people turned back or directed back to the US at the Canadian border "
                     "(STCA, COVID order)",
    "removals": "removals from Canada (CBSA, all grounds)",
    "irb_intake": "new refugee claims received or referred to the IRB",
    "irb_finalized": "IRB claims or appeals finalized (subgroups: decision)",
    "irb_pending": "IRB claims or appeals pending at a date (stock)",
    "irb_appeals_filed": "appeals filed at the IRB Refugee Appeal Division",
    "us_border_patrol_encounters": "US Border Patrol apprehensions/encounters between ports",
    "us_port_encounters": "CBP Office of Field Operations encounters at ports of entry",
    "us_cbp_encounters": "all CBP encounters (Border Patrol + ports of entry)",
    "us_gotaways": "known got-aways estimated by the US Border Patrol",
    "us_title42_expulsions": "expulsions under Title 42",
    "us_entries_from_canada": "irregular entries into the US from Canada",
    "us_encounters_change": "percent change of US Border Patrol apprehensions",
    "police_interdictions": "crossings interdicted by a local police force (Akwesasne)",
    "nyc_arrivals": "asylum seekers arriving in New York City's care",
    "nyc_shelter_population": "people in New York City shelters at a date (stock)",
    "nyc_northbound_travel": "migrants travelling north from New York City (tickets, buses)",
}

#: Offices / routes of asylum claims (``--office``): ``total`` is all offices together.
OFFICES: dict[str, str] = {
    "total": "all offices",
    "airport": "airport port of entry",
    "land_poe": "land border port of entry",
    "inland": "IRCC or CBSA inland office",
    "other": "other offices",
}

#: Qualifiers of a value.
QUALIFIERS: dict[str, str] = {
    "exact": "the value as published, unrounded as far as is known",
    "rounded_5": "rounded to the nearest 5 by the publisher (IRCC open data)",
    "rounded_10": "rounded to the nearest 10 by the publisher (DHS OHSS)",
    "approximate": "given as approximate ('about', '~', 'nearly')",
    "lower_bound": "a lower bound ('more than', 'at least')",
    "upper_bound": "an upper bound ('up to', 'fewer than')",
}


@dataclass(frozen=True)
class Measure:
    """A raw series as measure, office/route, whether cumulative, and rate unit."""

    measure: str
    office: str
    cumulative: bool
    unit_per: str


#: Ordered rules: regex on the raw series name → measure (first match wins).
_RULES: tuple[tuple[str, str], ...] = (
    (r"share|_pct_of|mexican_share", "asylum_claims_share"),
    (r"pct_change", "us_encounters_change"),
    (r"^irb_.*(pending)", "irb_pending"),
    (r"^irb_.*finalized|^irb_.*processed|^irb_.*rejected", "irb_finalized"),
    (r"^irb_rad_filed", "irb_appeals_filed"),
    (r"^irb_", "irb_intake"),
    (r"^nyc_.*(shelter_system_population|shelter_census|in_nyc_care|funded_shelter|"
     r"in_nyc_shelters|living_in|in_dhs_shelter|people_in_nyc_shelters)", "nyc_shelter_population"),
    (r"^nyc_.*(plattsburgh|ticket|passengers)", "nyc_northbound_travel"),
    (r"^nyc_", "nyc_arrivals"),
    (r"^ofo_", "us_port_encounters"),
    (r"^cbp_", "us_cbp_encounters"),
    (r"gotaways", "us_gotaways"),
    (r"title42", "us_title42_expulsions"),
    (r"irregular_entries_us", "us_entries_from_canada"),
    (r"^usbp_", "us_border_patrol_encounters"),
    (r"akwesasne", "police_interdictions"),
    (r"removals", "removals"),
    (r"turned_back|directed_back|returned_to_us|stca_returns|stca_exception", "returns_to_us"),
    (r"^rcmp_interceptions|rcmp_intercepted", "rcmp_interceptions"),
    (r"irregular_asylum_claims|ircc_inland|regular_claims|cbsa_airport_claims|"
     r"cbsa_asylum_claims|^asylum_claims|^ircc_asylum_claims", "asylum_claims"),
    (r"irregular|illegal|roxham|crossing", "irregular_crossings"),
)

_CUMULATIVE = re.compile(r"since|to_date|cumulative|_ytd|processed_ytd")
_PER = re.compile(r"per_(week|day|month)|weekly|daily|in_one_week")
_OFFICE_WORDS = (
    ("airport", "airport"), ("air", "airport"), ("land_border", "land_poe"),
    ("land_poe", "land_poe"), ("land", "land_poe"), ("inland", "inland"),
    ("other_offices", "other"), ("marine", "marine"), ("rcmp", "rcmp"),
    ("irregular", "rcmp"), ("at_poe", "all_poe"),
)


def _office(series: str, subgroup: str) -> str:
    if subgroup.startswith("office="):
        return subgroup.removeprefix("office=")
    if series.startswith("asylum_claims_total") or series == "asylum_claims":
        return "total" if subgroup == "all" else ""
    for word, office in _OFFICE_WORDS:
        if re.search(rf"(^|_){word}(_|$)", series):
            return office
    return ""


def classify(series: str, subgroup: str) -> Measure:
    """Measure, office, cumulative flag and rate unit of a raw series name and subgroup."""
    measure = next((m for pat, m in _RULES if re.search(pat, series)), "irregular_crossings")
    office = _office(series, subgroup) if measure == "asylum_claims" else ""
    per = _PER.search(series)
    unit_per = ""
    if per:
        unit_per = "week" if "week" in per.group(0) else (
            "day" if ("day" in per.group(0) or "daily" in per.group(0)) else "month")
    return Measure(measure, office, bool(_CUMULATIVE.search(series)), unit_per)


def qualifier(value_text: str, vintage: str, note: str, series: str = "") -> str:
    """The qualifier of a value from its text, vintage and note.

    >>> qualifier(">1,000", "press", "")
    'lower_bound'
    >>> qualifier("120", "official_rounded", "")
    'rounded_10'
    """
    v = value_text.strip().lower()
    n = note.lower()
    if v.startswith((">", "more than", "over")) or "lower_bound" in series or "at least" in n:
        return "lower_bound"
    if v.startswith("<") or "upper_bound" in series:
        return "upper_bound"
    if vintage == "official_rounded":
        return "rounded_10"
    if "rounded to 5" in n or "rounded to the closest multiple of 5" in n:
        return "rounded_5"
    if v.startswith(("~", "≈", "about", "nearly")) or vintage == "press_approx" or (
        "approx" in series):
        return "approximate"
    return "exact"
