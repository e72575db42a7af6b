"""How far a figure can be trusted: a grade from its source, by documented rules.

Grades, best first (documented in ``SCHEMA.md``):

- ``official``: a government table or document (the publishing agency's own site);
- ``official_mirror``: an unmodified copy of an official file at another address (a GitHub
  repository keeping IRCC's workbooks, a web archive of a government page);
- ``press_of_official``: a recognised news outlet quoting a named official source (IRCC, RCMP,
  CBSA, CBP, DHS, IRB, a minister, a court, a city agency);
- ``press``: a recognised news outlet, no official source named in the note;
- ``weak``: blogs, partisan or scraped sites, copy sites, content farms, and any site that is
  neither a government site nor a recognised outlet.

The grade is decided by the host of ``source_url`` (:data:`OFFICIAL_HOSTS`,
:data:`MIRROR_URLS`, :data:`PRESS_HOSTS`; a host also matches its sub-domains), then, for the
press, by the note or the measure (:data:`OFFICIAL_NAMES`, :data:`OFFICIAL_MEASURES`: the press
quoting "RCMP interceptions" quotes the RCMP); :data:`OVERRIDES` (URL prefix → grade) win.
Calibration and validation targets use only :data:`TARGET_GRADES`.

>>> grade("https://www.canada.ca/en/x.html")
'official'
>>> grade("https://canucklaw.ca/at-least-13748-illegal-entries-into-canada")
'weak'
>>> grade("https://www.lapresse.ca/a.php", "selon la GRC, 1874 en juillet")
'press_of_official'
>>> grade("https://www.lapresse.ca/a.php", "il y en avait 1874")
'press'
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

__all__ = [
    "GRADES",
    "MIRROR_URLS",
    "OFFICIAL_HOSTS",
    "OFFICIAL_MEASURES",
    "OFFICIAL_NAMES",
    "OVERRIDES",
    "PRESS_HOSTS",
    "TARGET_GRADES",
    "grade",
]

#: Grades, best first, with their meaning.
GRADES: dict[str, str] = {
    "official": "a government table or document",
    "official_mirror": "an unmodified copy of an official file at another address",
    "press_of_official": "the press quoting a named official source",
    "press": "the press, no official source named",
    "weak": "blogs, partisan, scraped or copy sites, content farms, unknown sites",
}

#: Grades allowed for calibration and validation targets.
TARGET_GRADES: tuple[str, ...] = ("official", "official_mirror", "press_of_official")

#: Government hosts (a host matches itself and its sub-domains).
OFFICIAL_HOSTS: tuple[str, ...] = (
    "canada.ca", "gc.ca", "parl.ca", "cbp.gov", "dhs.gov", "uscis.gov", "govinfo.gov",
    "federalregister.gov", "nyc.gov", "comptroller.nyc.gov", "house.gov", "senate.gov",
    "supremecourt.gov", "whitehouse.gov", "state.gov", "justice.gov", "quebec.ca",
)

#: URL prefixes of unmodified copies of official files.
MIRROR_URLS: tuple[str, ...] = (
    # A GitHub repository that keeps IRCC's open-data workbooks as downloaded.
    "https://github.com/sitrucp/canada_immigration_data/",
    # Library and Archives Canada's web archive of canada.ca pages.
    "https://webarchiveweb.wayback.bac-lac.canada.ca/",
)

#: Recognised news outlets (wire services, national and regional newspapers, broadcasters).
PRESS_HOSTS: tuple[str, ...] = (
    "cbc.ca", "radio-canada.ca", "ctvnews.ca", "globalnews.ca", "lapresse.ca", "ledevoir.com",
    "thestar.com", "theglobeandmail.com", "nationalpost.com", "montrealgazette.com",
    "torontosun.com", "winnipegsun.com", "tvanouvelles.ca", "qub.ca", "canoe.ca",
    "journalmetro.com", "noovo.info", "ipolitics.ca", "citynews.ca", "panow.com",
    "theifp.ca", "kelownacapnews.com", "connectfm.ca", "newsday.com", "ny1.com", "news12.com",
    "nypr.digital", "axios.com", "upi.com", "apnews.com", "reuters.com", "nytimes.com",
    "mychamplainvalley.com", "kgns.tv", "wsbradio.com", "news.yahoo.com", "thecanadianpress.com",
    "6sqft.com", "pressreader.com", "openparliament.ca", "scotusblog.com", "cicnews.com",
)

#: Names of official sources; a press note naming one makes the figure ``press_of_official``.
OFFICIAL_NAMES = re.compile(
    r"\b(IRCC|RCMP|GRC|CBSA|ASFC|CBP|DHS|OHSS|IRB|CISR|USBP|Border Patrol|Statistics Canada|"
    r"minist(er|re)|government|gouvernement|federal data|données fédérales|"
    r"Immigration, Refugees|Public Safety|Sécurité publique|city hall|NYC Comptroller|"
    r"Mayor|Order Paper|order paper)",
)

#: Measures that are by definition an agency's own count: the press quoting one of them
#: quotes an official source (the RCMP's interceptions, IRCC's claims, the IRB, CBP).
OFFICIAL_MEASURES: tuple[str, ...] = (
    "asylum_claims", "rcmp_interceptions", "irb_intake", "irb_finalized", "irb_pending",
    "irb_appeals_filed", "us_border_patrol_encounters", "us_port_encounters",
    "us_cbp_encounters", "removals",
)

#: Explicit grades for source URLs (prefix → grade); they win over the rules above.
OVERRIDES: dict[str, str] = {
    # A site calling itself official in a transcription, but a throw-away copy host.
    "https://upekdownlaodcrackind.pages.dev/": "weak",
    # Content farm republishing Canadian Press copy without attribution checks.
    "https://whatsnew2day.com/": "weak",
    # Partisan outlets.
    "https://www.breitbart.com/": "weak",
    "https://www.rebelnews.com/": "weak",
}


def _host_in(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def grade(source_url: str, note: str = "", measure: str = "") -> str:
    """The grade of a figure from its source URL (and, for press, its note and measure).

    >>> grade("https://github.com/sitrucp/canada_immigration_data/blob/x/EN_ODP.xlsx")
    'official_mirror'
    >>> grade("https://www.breitbart.com/politics/x")
    'weak'
    """
    url = source_url.strip()
    for prefix, g in OVERRIDES.items():
        if url.startswith(prefix):
            return g
    if any(url.startswith(p) for p in MIRROR_URLS):
        return "official_mirror"
    host = (urlparse(url).hostname or "").lower()
    if _host_in(host, OFFICIAL_HOSTS):
        return "official"
    if _host_in(host, PRESS_HOSTS):
        named = OFFICIAL_NAMES.search(note) or measure in OFFICIAL_MEASURES
        return "press_of_official" if named else "press"
    return "weak"
