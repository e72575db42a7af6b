"""The network of the Canada–US model: places with documented coordinates, links, routes.

Every place carries its coordinates and the source they were read from. Distances are
**great-circle distances** between those coordinates (haversine, mean Earth radius 6,371.0 km)
multiplied by a road-circuity factor (:data:`DEFAULT_CIRCUITY`, an *assumption* exposed as the
scenario parameter ``network.circuity``; published country-level road circuity factors for the
US are around 1.2). No road distance is hand-typed, so every figure can be recomputed from the
table below.

Travel time on a route is ``ceil(km / km_per_day)`` days (at least 1), with ``km_per_day`` a
scenario parameter (bus/car travel with waits; an assumption).

>>> round(great_circle_km(PLACES["plattsburgh"], PLACES["roxham"]), 1)
35.1
>>> route_km("nyc", "roxham", circuity=1.0) > route_km("nyc", "lacolle", circuity=1.0) - 5
True
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CROSSINGS",
    "DEFAULT_CIRCUITY",
    "ORIGINS",
    "PLACES",
    "ROUTES",
    "Crossing",
    "Place",
    "great_circle_km",
    "route_km",
    "route_places",
    "travel_days",
]

#: Road-circuity factor (road km / great-circle km). ASSUMPTION, scenario parameter.
DEFAULT_CIRCUITY = 1.2

_WIKI = "https://en.wikipedia.org/wiki/"

PlaceKind = Literal[
    "origin",
    "hub",
    "irregular_crossing",
    "land_poe",
    "airport",
    "inland_office",
    "destination",
    "outside_option",
    "sink",
]


@dataclass(frozen=True)
class Place:
    """A location of the network.

    ``lat``/``lon`` in decimal degrees (WGS84); ``source`` is where they were read;
    ``precision`` says how exactly they locate the place the model means.
    """

    id: str
    name: str
    kind: PlaceKind
    country: Literal["US", "CA"]
    province: str  # Canadian province code, or the US state
    lat: float
    lon: float
    source: str
    precision: str


def _p(
    id_: str,
    name: str,
    kind: PlaceKind,
    country: Literal["US", "CA"],
    province: str,
    lat: float,
    lon: float,
    source: str,
    precision: str,
) -> Place:
    return Place(id_, name, kind, country, province, lat, lon, source, precision)


_CITY = "city-centre coordinates of the Wikipedia article infobox (about ±0.01°); not re-verified"

#: The places of the model. The Lacolle and Emerson port coordinates were read from stored
#: copies of their Wikipedia articles during development; the others are the Wikipedia
#: infobox coordinates of the article named in ``source`` (see ``precision``).
PLACES: dict[str, Place] = {
    p.id: p
    for p in (
        # --- US origins (where people who may go north live or arrive)
        _p("nyc", "New York City", "origin", "US", "NY", 40.7128, -74.0060,
           _WIKI + "New_York_City", _CITY),
        _p("us_midwest", "Minneapolis–Saint Paul (US Midwest)", "origin", "US", "MN",
           44.9778, -93.2650, _WIKI + "Minneapolis", _CITY),
        _p("us_northwest", "Seattle (US Pacific Northwest)", "origin", "US", "WA",
           47.6062, -122.3321, _WIKI + "Seattle", _CITY),
        _p("us_great_lakes", "Buffalo (US Great Lakes)", "origin", "US", "NY",
           42.8864, -78.8784, _WIKI + "Buffalo,_New_York", _CITY),
        # --- hub
        _p("plattsburgh", "Plattsburgh bus station", "hub", "US", "NY", 44.6995, -73.4529,
           _WIKI + "Plattsburgh,_New_York", _CITY),
        # --- irregular crossings (between ports of entry)
        _p("roxham", "Roxham Road (Champlain NY → Saint-Bernard-de-Lacolle QC)",
           "irregular_crossing", "CA", "QC", 45.0146, -73.4750,
           _WIKI + "Roxham_Road",
           "end of Roxham Road at the border, about 2 km west of the Lacolle port; "
           "approximate (±0.01°)"),
        _p("qc_other", "Other Quebec border points (Hemmingford–Covey Hill area)",
           "irregular_crossing", "CA", "QC", 45.0100, -73.6000, _WIKI + "Hemmingford,_Quebec",
           "representative point on the 45th parallel near Hemmingford; approximate"),
        _p("emerson_irr", "Fields and ditches near Emerson MB", "irregular_crossing", "CA",
           "MB", 49.0000, -97.2000, _WIKI + "Emerson,_Manitoba",
           "representative point east of the Emerson port; approximate"),
        _p("bc_irr", "Between ports near Surrey/White Rock BC", "irregular_crossing", "CA",
           "BC", 49.0020, -122.7000, _WIKI + "Pacific_Highway_Border_Crossing",
           "representative point near the Pacific Highway port; approximate"),
        _p("on_waters", "Akwesasne / St. Lawrence waters ON", "irregular_crossing", "CA", "ON",
           44.9900, -74.6500, _WIKI + "Akwesasne", _CITY),
        _p("other_irr", "Other between-port points (NB, SK, AB)", "irregular_crossing", "CA",
           "NB", 45.1900, -67.2800, _WIKI + "St._Stephen,_New_Brunswick",
           "a New Brunswick point standing for all remaining provinces; approximate"),
        # --- land ports of entry
        _p("lacolle", "Saint-Bernard-de-Lacolle port (A-15 / I-87)", "land_poe", "CA", "QC",
           45.008825, -73.452358,
           _WIKI + "Champlain%E2%80%93St._Bernard_de_Lacolle_Border_Crossing",
           "infobox coordinates 45°00′32″N 73°27′08″W, read from a stored copy"),
        _p("emerson_poe", "Emerson port (PTH 75 / I-29)", "land_poe", "CA", "MB", 49.000477,
           -97.237634, _WIKI + "Pembina%E2%80%93Emerson_Border_Crossing",
           "infobox coordinates 49°00′02″N 97°14′15″W, read from a stored copy"),
        _p("pacific_hwy", "Pacific Highway port (Surrey BC / Blaine WA)", "land_poe", "CA",
           "BC", 49.0036, -122.7350, _WIKI + "Pacific_Highway_Border_Crossing", _CITY),
        _p("fort_erie", "Fort Erie – Peace Bridge port", "land_poe", "CA", "ON", 42.9066,
           -78.9056, _WIKI + "Peace_Bridge", _CITY),
        # --- Canadian airports and inland offices (claims not made at the land border)
        _p("yul", "Montréal–Trudeau airport", "airport", "CA", "QC", 45.4706, -73.7408,
           _WIKI + "Montr%C3%A9al%E2%80%93Trudeau_International_Airport", _CITY),
        _p("yyz", "Toronto Pearson airport", "airport", "CA", "ON", 43.6777, -79.6248,
           _WIKI + "Toronto_Pearson_International_Airport", _CITY),
        _p("yvr", "Vancouver airport", "airport", "CA", "BC", 49.1967, -123.1815,
           _WIKI + "Vancouver_International_Airport", _CITY),
        _p("inland_office", "IRCC/CBSA inland offices (Montreal, Toronto, …)", "inland_office",
           "CA", "QC", 45.5019, -73.5674, _WIKI + "Montreal",
           "Montreal stands for all inland offices; approximate"),
        # --- destinations, outside option, sink
        _p("montreal", "Montreal", "destination", "CA", "QC", 45.5019, -73.5674,
           _WIKI + "Montreal", _CITY),
        _p("winnipeg", "Winnipeg", "destination", "CA", "MB", 49.8954, -97.1385,
           _WIKI + "Winnipeg", _CITY),
        _p("vancouver", "Vancouver", "destination", "CA", "BC", 49.2827, -123.1207,
           _WIKI + "Vancouver", _CITY),
        _p("toronto", "Toronto", "destination", "CA", "ON", 43.6532, -79.3832,
           _WIKI + "Toronto", _CITY),
        _p("stay_us", "Stay in the US (outside option)", "outside_option", "US", "US",
           40.7128, -74.0060, "model construct", "not a place"),
        _p("returned_us", "Returned to the US", "sink", "US", "US", 44.9900, -73.4500,
           "model construct", "the US side of the port of return"),
    )
}

ORIGINS: tuple[str, ...] = ("nyc", "us_midwest", "us_northwest", "us_great_lakes")


@dataclass(frozen=True)
class Crossing:
    """A way into Canada over the land border: one option of the choice.

    ``mode`` is the law's ``entry.mode`` (``BETWEEN_POE`` or ``LAND_POE``); ``hide`` options
    are an irregular crossing followed by staying out of sight and claiming later at an
    inland office (the strategy the 14-day rule of the Additional Protocol invites).
    ``rcmp_geo`` is the geography of the official RCMP interception series it feeds.
    """

    id: str
    place: str
    mode: Literal["BETWEEN_POE", "LAND_POE"]
    hide: bool
    rcmp_geo: str


#: The options of a person who has decided to go north over land.
CROSSINGS: tuple[Crossing, ...] = (
    Crossing("roxham", "roxham", "BETWEEN_POE", False, "QC"),
    Crossing("qc_other", "qc_other", "BETWEEN_POE", False, "QC"),
    Crossing("emerson_irr", "emerson_irr", "BETWEEN_POE", False, "MB"),
    Crossing("bc_irr", "bc_irr", "BETWEEN_POE", False, "BC"),
    Crossing("on_waters", "on_waters", "BETWEEN_POE", False, "ON"),
    Crossing("other_irr", "other_irr", "BETWEEN_POE", False, "other"),
    Crossing("hide_qc", "qc_other", "BETWEEN_POE", True, "QC"),
    Crossing("lacolle", "lacolle", "LAND_POE", False, "QC"),
    Crossing("emerson_poe", "emerson_poe", "LAND_POE", False, "MB"),
    Crossing("pacific_hwy", "pacific_hwy", "LAND_POE", False, "BC"),
    Crossing("fort_erie", "fort_erie", "LAND_POE", False, "ON"),
)

#: Paths (sequences of places) from each origin to each crossing place. The New York origins
#: reach the Quebec crossings through the Plattsburgh bus station.
_NEAREST_HUB: dict[str, tuple[str, ...]] = {
    "roxham": ("plattsburgh",),
    "qc_other": ("plattsburgh",),
    "lacolle": ("plattsburgh",),
}

ROUTES: dict[tuple[str, str], tuple[str, ...]] = {
    (o, c.place): (o, *_NEAREST_HUB.get(c.place, ()), c.place)
    for o in ORIGINS
    for c in CROSSINGS
}


def great_circle_km(a: Place, b: Place) -> float:
    """Haversine distance in km between two places (mean Earth radius 6,371.0 km).

    >>> round(great_circle_km(PLACES["nyc"], PLACES["plattsburgh"]))
    446
    """
    r = 6371.0
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp = p2 - p1
    dl = math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def route_places(origin: str, place: str) -> tuple[str, ...]:
    """The path from ``origin`` to a crossing ``place`` (hub included where there is one)."""
    try:
        return ROUTES[(origin, place)]
    except KeyError:
        raise KeyError(f"no route from {origin!r} to {place!r}") from None


def route_km(origin: str, place: str, circuity: float = DEFAULT_CIRCUITY) -> float:
    """Road km along the route: sum of great-circle legs × ``circuity``.

    >>> round(route_km("nyc", "lacolle", circuity=1.0))
    480
    """
    path = route_places(origin, place)
    km = sum(great_circle_km(PLACES[a], PLACES[b]) for a, b in itertools.pairwise(path))
    return km * circuity


def travel_days(km: float, km_per_day: float) -> int:
    """Whole days to cover ``km`` at ``km_per_day`` (at least 1).

    >>> travel_days(444.0, 500.0), travel_days(1200.0, 500.0)
    (1, 3)
    """
    if km_per_day <= 0:
        raise ValueError("km_per_day must be > 0")
    return max(1, math.ceil(km / km_per_day))
