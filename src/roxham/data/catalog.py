"""What the raw labels mean: canonical series names, geographies, subgroups and vintages.

The sourced files label their figures in words (``"USBP apprehensions (press)"``,
``"Swanton sector (VT / northeastern NY / NH)"``). This module maps each raw label to a
canonical key so that the same measure has one name whatever file or source it came from:

- **series**: what is counted (``usbp_encounters``, ``rcmp_interceptions`` …). Labels not
  recognised get a name derived from the label itself (``nyc_asylum_seekers_in_nyc_care``), so
  every figure stays loadable.
- **geography**: a short code (``QC``, ``CA``, ``US-SW``, ``US-SWANTON`` …), see
  :data:`GEOGRAPHIES`.
- **subgroup**: ``all`` or a breakdown such as ``citizenship=Mexico``.
- **vintage**: how authoritative the figure is, see :data:`VINTAGES`. Two figures for the same
  series, geography, subgroup and period are *the same key*; if their values differ they are a
  conflict, reported by :func:`roxham.data.conflicts` and never silently resolved.

>>> classify_cbp_southwest("USBP encounters (SW), as first reported")
Label(series='usbp_encounters', geography='US-SW', subgroup='all', vintage='first_reported')
>>> normalize_geography("Québec")
'QC'
>>> slugify("Roxham Road crossings (approx, CBC via Spanish-language report)")
'roxham_road_crossings'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlparse

__all__ = [
    "GEOGRAPHIES",
    "PARTS_OF",
    "SERIES_INFO",
    "VINTAGES",
    "Label",
    "SeriesInfo",
    "classify_canada_context",
    "classify_cbp_northern",
    "classify_cbp_southwest",
    "classify_found",
    "classify_ircc_claims",
    "classify_nyc",
    "classify_standard",
    "describe",
    "normalize_geography",
    "slugify",
]

#: Vintages, best first. The order is the documented precedence used by
#: :func:`roxham.data.monthly` to pick one figure per month (the others stay visible).
VINTAGES: dict[str, str] = {
    "official": "current figure of the publishing agency's own dataset or table",
    "official_rounded": "agency dataset that rounds (DHS OHSS rounds to the nearest 10)",
    "later_release": "an earlier month's figure as cited in a later official release",
    "first_reported": "the figure as first published (agencies revise later)",
    "press": "figure quoted by the press or officials, not read from the dataset",
    "press_approx": "approximate figure quoted by the press ('about', 'more than', 'nearly')",
    "estimate": "an estimate by a third party (e.g. an NGO)",
}


@dataclass(frozen=True)
class Label:
    """The canonical key of a raw label (everything but the period)."""

    series: str
    geography: str
    subgroup: str = "all"
    vintage: str = "official"


@dataclass(frozen=True)
class SeriesInfo:
    """Human description of a canonical series: title, unit, notes."""

    title: str
    unit: str
    notes: str = ""
    #: A flow counted per period (True) or a stock at a date, e.g. claims pending (False).
    flow: bool = True


#: Curated descriptions of the main series. Other series take their raw label as title.
SERIES_INFO: dict[str, SeriesInfo] = {
    "rcmp_interceptions": SeriesInfo(
        "RCMP interceptions of asylum seekers between ports of entry",
        "people intercepted",
        "Irregular crossings into Canada (e.g. at Roxham Road) intercepted by the RCMP; "
        "published monthly by IRCC by province.",
    ),
    "asylum_claims": SeriesInfo("Asylum claims in Canada", "claims"),
    "cbp_encounters": SeriesInfo(
        "CBP encounters (Border Patrol + Office of Field Operations)",
        "encounters",
        "Events, not people: repeat crossings count each time (common under Title 42, "
        "2020-03 to 2023-05). Includes Title 42 expulsions.",
    ),
    "usbp_encounters": SeriesInfo(
        "US Border Patrol apprehensions between ports of entry",
        "apprehensions",
        "Title 8 apprehensions; from 2020-03 'encounters' also include Title 42 expulsions.",
    ),
    "ofo_encounters": SeriesInfo(
        "CBP Office of Field Operations encounters at ports of entry",
        "encounters",
        "Inadmissibles at ports of entry (plus Title 42 expulsions from 2020-03).",
    ),
    "irb_rpd_intake": SeriesInfo(
        "IRB Refugee Protection Division: new claims received (intake)", "claims",
        "All RPD case types incl. re-determinations (IRB 'Recent trends' page).",
    ),
    "irb_rpd_referred": SeriesInfo(
        "IRB Refugee Protection Division: claims referred", "claims"),
    "irb_rpd_finalized": SeriesInfo(
        "IRB Refugee Protection Division: claims finalized", "claims"),
    "irb_rpd_pending_end": SeriesInfo(
        "IRB Refugee Protection Division: claims pending at end of period", "claims pending",
        flow=False,
    ),
}

_WORDS = {"irb": "IRB:", "rpd": "Refugee Protection Division", "rad": "Refugee Appeal Division",
          "ibc": "irregular border crossers'", "nyc": "NYC:", "pct": "%", "usbp": "USBP",
          "cbp": "CBP", "us": "US", "rcmp": "RCMP", "poe": "port of entry"}


def describe(name: str, raw_label: str = "", unit: str = "count") -> SeriesInfo:
    """Curated description of a series, else one made from its name or raw label.

    >>> describe("irb_rad_pending_end").title
    'IRB: Refugee Appeal Division pending end'
    >>> describe("irb_rad_pending_end").flow
    False
    """
    if name in SERIES_INFO:
        return SERIES_INFO[name]
    if raw_label and not re.fullmatch(r"[a-z0-9_]+", raw_label):
        title = raw_label
    else:
        title = " ".join(_WORDS.get(w, w) for w in name.split("_"))
    stock = any(w in name for w in ("pending", "share", "in_nyc", "population", "census"))
    return SeriesInfo(title, unit, flow=not stock)

#: Geography codes and their names.
GEOGRAPHIES: dict[str, str] = {
    "CA": "Canada",
    "NL": "Newfoundland and Labrador",
    "PE": "Prince Edward Island",
    "NS": "Nova Scotia",
    "NB": "New Brunswick",
    "QC": "Quebec",
    "ON": "Ontario",
    "MB": "Manitoba",
    "SK": "Saskatchewan",
    "AB": "Alberta",
    "BC": "British Columbia",
    "YT": "Yukon",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "US-SW": "US southwest land border",
    "US-NORTH": "US northern land border",
    "US-NORTH-NY": "US northern land border, New York (state attribution)",
    "US-NORTH-VT": "US northern land border, Vermont (state attribution)",
    "US-NORTH-EXCL-SWANTON": "US northern border, sectors other than Swanton",
    "US-SWANTON": "Swanton sector (Vermont, northeastern New York, New Hampshire)",
    "US-BLAINE": "Blaine sector",
    "US-BUFFALO": "Buffalo sector",
    "US-DETROIT": "Detroit sector",
    "US-GRAND-FORKS": "Grand Forks sector",
    "US-HAVRE": "Havre sector",
    "US-HOULTON": "Houlton sector",
    "US-SPOKANE": "Spokane sector",
    "US-NYC": "New York City",
    "NOT_STATED": "Canada, province/territory of claim not stated (IRCC)",
    "CA-OTHER": "Canada, provinces other than Quebec, Manitoba and British Columbia",
}

#: Whole → parts relations checked by :func:`roxham.data.verify` (parts sum to the whole).
PARTS_OF: dict[str, tuple[str, ...]] = {
    "CA": ("NL", "PE", "NS", "NB", "QC", "ON", "MB", "SK", "AB", "BC", "YT", "NT", "NU",
           "NOT_STATED"),
    "US-NORTH": (
        "US-BLAINE", "US-BUFFALO", "US-DETROIT", "US-GRAND-FORKS",
        "US-HAVRE", "US-HOULTON", "US-SPOKANE", "US-SWANTON",
    ),
}

_GEO_ALIASES: dict[str, str] = {
    "canada": "CA", "total": "CA", "canada total": "CA", "total - rcmp": "CA", "national": "CA",
    "newfoundland and labrador": "NL", "terre-neuve-et-labrador": "NL",
    "prince edward island": "PE", "ile-du-prince-edouard": "PE",
    "nova scotia": "NS", "nouvelle-ecosse": "NS",
    "new brunswick": "NB", "nouveau-brunswick": "NB",
    "quebec": "QC", "ontario": "ON", "manitoba": "MB", "saskatchewan": "SK", "alberta": "AB",
    "british columbia": "BC", "colombie-britannique": "BC", "yukon": "YT",
    "northwest territories": "NT", "territoires du nord-ouest": "NT", "nunavut": "NU",
    "northern land border (usbp, all sectors)": "US-NORTH",
    "northern land border": "US-NORTH",
    "northern border (all)": "US-NORTH",
    "northern border": "US-NORTH",
    "us-canada border (all)": "US-NORTH",
    "swanton sector (vt / northeastern ny / nh)": "US-SWANTON",
    "upstate new york (swanton sector)": "US-SWANTON",
    "northern land border - new york (state attribution)": "US-NORTH-NY",
    "northern land border - vermont (state attribution)": "US-NORTH-VT",
    "northern border excl. swanton (7 other sectors)": "US-NORTH-EXCL-SWANTON",
    "southwest land border": "US-SW",
    "new york city": "US-NYC",
}


def _fold(text: str) -> str:
    """Lower-case, strip accents and surrounding space."""
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).strip().lower()


def slugify(text: str) -> str:
    """A series name from a label: lower case, ascii, underscores, parentheses dropped.

    >>> slugify("USBP apprehensions, % change vs same period FY2022")
    'usbp_apprehensions_pct_change_vs_same_period_fy2022'
    """
    t = re.sub(r"\([^()]*\)", " ", _fold(text)).replace("%", " pct ")
    t = re.sub(r"[^a-z0-9]+", "_", t).strip("_")
    return t or "unnamed"


def normalize_geography(raw: str) -> str:
    """Map a raw geography (code, English or French name) to a code of :data:`GEOGRAPHIES`.

    Unknown names become an upper-case code derived from the name, so nothing is dropped.

    >>> normalize_geography("Havre sector")
    'US-HAVRE'
    >>> normalize_geography("qc")
    'QC'
    """
    t = raw.strip()
    if t.upper() in GEOGRAPHIES:
        return t.upper()
    f = _fold(t)
    if f in _GEO_ALIASES:
        return _GEO_ALIASES[f]
    if m := re.fullmatch(r"([a-z ]+) sector", f):
        return "US-" + m.group(1).strip().upper().replace(" ", "-")
    return re.sub(r"[^A-Z0-9]+", "-", f.upper()).strip("-") or "UNKNOWN"


def _press_vintage(label: str) -> str:
    f = label.lower()
    if "first reported" in f:
        return "first_reported"
    if "as cited in" in f:
        return "later_release"
    if any(w in f for w in ("approx", "rounded in press", "~")):
        return "press_approx"
    return "press"


def classify_cbp_southwest(scope: str) -> Label:
    """Classify a ``scope`` of ``cbp_southwest_monthly.csv`` (geography is always US-SW)."""
    s = scope.strip()
    f = s.lower()
    if f.startswith("ofo"):
        series = "ofo_encounters"
        official = f in (
            "ofo encounters at sw ports of entry",
            "ofo inadmissibles at sw ports of entry",
        )
    elif f.startswith("usbp"):
        series = "usbp_encounters"
        official = f in (
            "usbp apprehensions between ports (sw border)",
            "usbp encounters between ports (sw border)",
        )
        if "ohss rounded" in f:
            return Label(series, "US-SW", "all", "official_rounded")
    elif f.startswith("total sw"):
        series = "cbp_encounters"
        official = f.startswith("total sw encounters (usbp apprehensions + ofo inadmissibles")
    else:
        return Label("cbp_sw_" + slugify(s), "US-SW", "all", _press_vintage(s))
    return Label(series, "US-SW", "all", "official" if official else _press_vintage(s))


_CITIZEN = {
    "mexican": "Mexico", "mexicans": "Mexico", "indian": "India", "bangladeshi": "Bangladesh",
    "romanians": "Romania",
}


def _citizenship(label: str) -> str | None:
    """``citizenship=…`` subgroup named in a northern label, if any."""
    if m := re.search(r"citizenship=([A-Za-z ,]+?)(?:\s*\(|$)", label):
        name = m.group(1).strip()
        if name.isupper():
            name = name.title()
        return "citizenship=" + name.replace("Peoples Republic Of", "People's Republic of")
    if m := re.search(r"\bof (mexican|indian|bangladeshi) (?:nationals|citizens)", label.lower()):
        return "citizenship=" + _CITIZEN[m.group(1)]
    if "mexico + el salvador/guatemala/honduras" in label.lower():
        return "citizenship=Mexico+El Salvador+Guatemala+Honduras"
    if "mexicans + romanians" in label.lower():
        return "citizenship=Mexico+Romania"
    return None


def classify_cbp_northern(series: str, geography: str) -> Label:
    """Classify a (series, geography) pair of ``cbp_northern.csv``."""
    s = series.strip()
    f = s.lower()
    geo = normalize_geography(geography)
    sub = _citizenship(s) or "all"
    if "single adults" in f:
        sub = "single_adults"
    elif "family-unit" in f:
        sub = "family_unit_individuals"
    if f.startswith("mexican nationals irregularly entering us from canada"):
        return Label("irregular_entries_us_from_canada", geo, "citizenship=Mexico", "official")
    if "% change" in f:
        return Label(slugify(s), geo, "all", "official")
    if f.startswith("usbp") or f.startswith("apprehended crossing illegally"):
        name = "usbp_encounters"
        if "ohss rounded" in f:
            vintage = "official_rounded"
        elif f in ("usbp apprehensions", "usbp apprehensions of mexican citizens"):
            vintage = "official" if f == "usbp apprehensions" else "press"
        else:
            vintage = _press_vintage(s)
    elif f.startswith("total encounters") or f.startswith("encounters"):
        name = "cbp_encounters"
        official = "incl. title 42" in f or "attributed to state" in f or "citizenship=" in f
        vintage = "official" if official else "press"
    elif "got-aways" in f:
        name, vintage = "usbp_gotaways", _press_vintage(s)
    elif "title 42 expulsions" in f:
        name, vintage = "title42_expulsions", "official"
    else:
        name, vintage = slugify(s), _press_vintage(s)
    return Label(name, geo, sub, vintage)


def classify_nyc(series: str) -> Label:
    """Classify a series of ``nyc.csv`` (point snapshots, geography US-NYC)."""
    return Label("nyc_" + slugify(series), "US-NYC", "all", _press_vintage(series))


def classify_canada_context(series: str) -> Label:
    """Classify a series of ``canada/context.csv`` (figures found in the press)."""
    s = series.strip()
    f = s.lower()
    vintage = "estimate" if "estimate" in f else _press_vintage(s)
    if f.startswith("rcmp interceptions"):
        geo = "QC" if "quebec" in f else "CA"
        return Label("rcmp_interceptions", geo, "all", vintage)
    if f == "asylum claims by mexican citizens in canada":
        return Label("asylum_claims", "CA", "citizenship=Mexico", vintage)
    if f == "mexican share of all asylum claims in canada":
        return Label("asylum_claims_share", "CA", "citizenship=Mexico", vintage)
    geo = "QC" if ("quebec" in f or "roxham" in f) else "CA"
    return Label(slugify(s), geo, "all", vintage)


_OFFICIAL_HOSTS = ("canada.ca", "gc.ca", "cbp.gov", "dhs.gov", "statcan.gc.ca")


def classify_standard(series: str, geography: str, source_url: str) -> Label:
    """Classify a row of a file in the standard format (``raw/canada_found/*.csv``).

    The series name is the slug of the ``series`` column; the vintage is ``official`` when the
    source is a government site (canada.ca, *.gc.ca, cbp.gov, dhs.gov), else ``press``. A
    series named ``<name>_first_reported`` is ``<name>`` with vintage ``first_reported``. A
    ``geography`` that is not a place is an office type (``inland``, ``land_poe_QC``): it
    becomes the subgroup ``office=…`` and the place is the province named in it, else ``CA``.

    >>> classify_standard("rcmp_interceptions", "Quebec", "https://www.canada.ca/x.html")
    Label(series='rcmp_interceptions', geography='QC', subgroup='all', vintage='official')
    """
    host = (urlparse(source_url.strip()).hostname or "").lower()
    official = any(host == h or host.endswith("." + h) for h in _OFFICIAL_HOSTS)
    vintage = "official" if official else _press_vintage(series)
    name = slugify(series)
    if name.endswith("_first_reported"):
        name, vintage = name.removesuffix("_first_reported"), "first_reported"
    geo, sub = _geography_or_office(geography)
    return Label(name, geo, sub, vintage)


def _geography_or_office(raw: str) -> tuple[str, str]:
    """A standard-format ``geography`` cell: a place, or an office type (with a province).

    >>> _geography_or_office("land_poe_QC_Lacolle")
    ('QC', 'office=land_poe_Lacolle')
    >>> _geography_or_office("total")
    ('CA', 'all')
    """
    code = normalize_geography(raw)
    if code in GEOGRAPHIES:
        return code, "all"
    tokens = raw.strip().split("_")
    provinces = [t for t in tokens if t.upper() in GEOGRAPHIES and not t.upper().startswith("US")]
    geo = provinces[0].upper() if provinces else "CA"
    rest = [t for t in tokens if t not in provinces[:1]]
    return geo, "office=" + "_".join(rest)


#: Raw series of the IRCC claims table → office code (``total``: all offices).
IRCC_OFFICES: dict[str, str] = {
    "asylum_claims_airport": "airport",
    "asylum_claims_land_border_poe": "land_poe",
    "asylum_claims_inland_office": "inland",
    "asylum_claims_other_offices": "other",
    "asylum_claims_total": "total",
}

#: Canonical series name of the IRCC table of claims by office type and province. It is kept
#: apart from ``asylum_claims`` (figures from binders and the press, whose office types are
#: defined otherwise: their ``land_poe`` excludes RCMP-intercepted claimants); both share the
#: measure ``asylum_claims``.
IRCC_SERIES = "asylum_claims_by_office"


def classify_ircc_claims(series: str, geography: str) -> Label:
    """Classify a row of IRCC's claims table (bundled CSV or an imported workbook).

    >>> classify_ircc_claims("asylum_claims_land_border_poe", "QC")
    Label(series='asylum_claims_by_office', geography='QC', subgroup='office=land_poe', \
vintage='official')
    """
    office = IRCC_OFFICES.get(series.strip())
    if office is None:
        raise ValueError(f"not a series of the IRCC claims table: {series!r}")
    return Label(IRCC_SERIES, normalize_geography(geography), f"office={office}", "official")


_FOUND_GEOS: dict[str, tuple[str, str]] = {
    "lacolle poe": ("QC", "office=land_poe_Lacolle"),
    "roxham road": ("QC", "route=roxham_road"),
    "champlain sector (qc)": ("QC", "route=champlain"),
    "other": ("CA-OTHER", "all"),
    "us-northern-border": ("US-NORTH", "all"),
}


def classify_found(series: str, geography: str, source_url: str) -> Label:
    """Classify a row of ``canada/found_2015_2024.csv`` (its ``kind`` column is not trusted:
    the grade comes from the source, see :mod:`roxham.data.grades`).

    >>> classify_found("rcmp_interceptions", "Roxham Road", "https://www.lapresse.ca/x")
    Label(series='rcmp_interceptions', geography='QC', subgroup='route=roxham_road', \
vintage='press')
    """
    f = _fold(geography)
    geo, sub = _FOUND_GEOS.get(f) or (normalize_geography(geography), "all")
    lab = classify_standard(series, "CA", source_url)
    vintage = lab.vintage
    if vintage == "press" and "approx" in series:
        vintage = "press_approx"
    return Label(lab.series, geo, sub, vintage)
