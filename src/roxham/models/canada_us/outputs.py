"""The Canada–US model's output series: claims by IRCC office type × province, interceptions,
returns and the IRB inventory, assembled month by month from one replicate.

**Claims follow IRCC's office types** ("Asylum Claimants by Claim Office Type,
Province/Territory of Claim and Claim Month"; ``roxham.data`` series
``asylum_claims_by_office``). Series (a contract, see ``models/canada_us/MODEL.md``):
``claims_airport``, ``claims_land_poe`` (IRCC "Border"), ``claims_inland``, ``claims_total``
(airport + land_poe + inland: IRCC's total less its small "other offices" type, which the model
has no place for) and ``claims_rcmp`` (claims of people the RCMP intercepted between ports; IRCC
counts them under another office type, see below, so they are **not** added again into
``claims_total``). Geographies :data:`GEOGRAPHIES`: ``CA``, ``QC``, ``ON``, ``MB``, ``BC`` and
``OTHER`` (the rest of Canada).

From the model's claim places to IRCC's office types and provinces:

- a land port of entry (Lacolle, Emerson, Pacific Highway, Fort Erie) → ``claims_land_poe`` of
  its province;
- between ports, intercepted by the RCMP → ``claims_rcmp`` of the crossing's province and, in
  IRCC's count, the office type :func:`rcmp_office` of that province and month: in Quebec
  "Inland" up to :data:`QC_RCMP_INLAND_UNTIL` and "Border" after (IRCC's table shows the
  switch: QC inland 1,755 vs 1,486 QC interceptions in 2018-02, QC border 1,615 vs 1,884 in
  2018-03; the claimants were brought to the Lacolle CBSA office from then on); elsewhere
  "Border" throughout (Manitoba: 1,100 land-port claims in 2017 for 1,018 interceptions; BC,
  Ontario and the rest: (A), the CBSA office the RCMP brings people to is a port);
- between ports, unseen, claiming later at an inland office → ``claims_inland`` of the
  crossing's province (the engine pools them in one place per delay; they are split by the
  provinces of the people who entered the link to it in the 45 days before, see
  :func:`daily_claims`);
- airports and the inland stream (claims of people already in Canada: one national place each
  in the model) → split by province with :class:`ProvinceSplit` (:func:`province_split`): the
  provincial shares of IRCC's figures of the 12 months **before** the run's first month (never
  the same period's), or the (A) shares :data:`ASSUMED_SHARES` when no such figures exist. The
  split is a function of the national stream (:meth:`ProvinceSplit.apply`), so a forecast of the
  streams (``roxham.forecast``) can be fed through it.

>>> rcmp_office("QC", "2017-08"), rcmp_office("QC", "2018-03"), rcmp_office("MB", "2017-08")
('inland', 'land_poe', 'land_poe')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from roxham.models.canada_us.geography import CROSSINGS

__all__ = [
    "ASSUMED_SHARES",
    "CLAIM_OFFICES",
    "CLAIM_SERIES",
    "GEOGRAPHIES",
    "PROVINCES",
    "QC_RCMP_INLAND_UNTIL",
    "ProvinceSplit",
    "claim_columns",
    "claim_splits_manifest",
    "daily_claim_columns",
    "daily_claims",
    "monthly_claims",
    "province_split",
    "rcmp_office",
]

#: Geographies of the claim series (``OTHER``: the rest of Canada).
GEOGRAPHIES: tuple[str, ...] = ("CA", "QC", "ON", "MB", "BC", "OTHER")
#: The provinces (and the rest) that add up to ``CA``.
PROVINCES: tuple[str, ...] = GEOGRAPHIES[1:]
#: IRCC office types the model has a place for.
CLAIM_OFFICES: tuple[str, ...] = ("airport", "land_poe", "inland")
#: Claim series, in output order.
CLAIM_SERIES: tuple[str, ...] = (
    "claims_airport", "claims_land_poe", "claims_inland", "claims_rcmp", "claims_total",
)

#: The model's province codes (``geography.Crossing.rcmp_geo``) → output geography.
_GEO = {"QC": "QC", "ON": "ON", "MB": "MB", "BC": "BC", "other": "OTHER"}

#: Last month in which IRCC counted claims of people intercepted by the RCMP in Quebec under
#: "Inland" (from the next month on: "Border"); read from IRCC's table (module docstring).
QC_RCMP_INLAND_UNTIL = "2018-02"

#: Provincial shares used when IRCC has no figures before a run's start (assumptions (A),
#: rounded from IRCC's 2015–2016 figures; range: each ± half its value, renormalised).
ASSUMED_SHARES: dict[str, dict[str, float]] = {
    "airport": {"QC": 0.15, "ON": 0.70, "MB": 0.01, "BC": 0.07, "OTHER": 0.07},
    "inland": {"QC": 0.16, "ON": 0.60, "MB": 0.01, "BC": 0.08, "OTHER": 0.15},
}

#: Fewest months with a national IRCC figure in the year before a run for an IRCC split.
_MIN_MONTHS = 6

#: Days of link entries used to split the pooled unseen-crosser claims by province.
_HIDDEN_WINDOW = 45


def rcmp_office(geography: str, month: str) -> str:
    """IRCC office type under which the claims of people the RCMP intercepted in
    ``geography`` (an output geography) in ``month`` (``YYYY-MM``) are counted."""
    if geography == "QC" and month <= QC_RCMP_INLAND_UNTIL:
        return "inland"
    return "land_poe"


@dataclass(frozen=True)
class ProvinceSplit:
    """Provincial shares of a national claim stream (``office``: ``airport`` or ``inland``)
    with where they come from: IRCC's figures of ``period`` (``YYYY-MM..YYYY-MM``) or the
    assumption (A) :data:`ASSUMED_SHARES` (``period`` empty)."""

    office: str
    shares: Mapping[str, float]
    period: str
    source: str

    def apply(self, national: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[np.float64]]:
        """``{geography: stream}`` of a national stream (any shape); the provinces add up to
        ``CA`` exactly in expectation (shares sum to 1).

        >>> s = ProvinceSplit("airport", {"QC": 0.25, "ON": 0.75}, "", "(A)")
        >>> {k: v.tolist() for k, v in s.apply(np.array([4.0, 8.0])).items()}
        {'CA': [4.0, 8.0], 'QC': [1.0, 2.0], 'ON': [3.0, 6.0]}
        """
        out = {"CA": np.asarray(national, dtype=np.float64)}
        for g, w in self.shares.items():
            out[g] = out["CA"] * float(w)
        return out


def _month_add(month: str, k: int) -> str:
    y, m = int(month[:4]), int(month[5:7]) - 1 + k
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


@lru_cache(maxsize=32)
def province_split(office: str, start: str) -> ProvinceSplit:
    """Shares of ``office`` claims by province from IRCC's monthly figures of the 12 months
    before ``start`` (``YYYY-MM``; official grades only; the months with a national figure, at
    least 6). ``OTHER`` = CA − the four provinces
    (IRCC's suppressed cells, 1–4 claims, fall into it). Falls back to :data:`ASSUMED_SHARES`
    when IRCC has fewer such months."""
    lo, hi = _month_add(start, -12), _month_add(start, -1)
    try:
        import polars as pl

        from roxham.data import monthly
        from roxham.data.grades import TARGET_GRADES

        def figures(geo: str) -> tuple[dict[str, float], str]:
            df = monthly("asylum_claims_by_office", geo, lo, hi,
                         subgroup=f"office={office}", grades=TARGET_GRADES)
            ok = df.filter(~pl.col("missing"))
            url = str(ok["source_url"][0]) if ok.height else ""
            return dict(zip(ok["month"].dt.strftime("%Y-%m").to_list(),
                            [float(v) for v in ok["value"].to_list()], strict=True)), url

        ca, url = figures("CA")
        provs = {g: figures(g)[0] for g in ("QC", "ON", "MB", "BC")} if ca else {}
    except Exception:  # no data package / no figures: the assumption
        ca, url, provs = {}, "", {}
    total = sum(ca.values())
    if len(ca) < _MIN_MONTHS or total <= 0:
        return ProvinceSplit(office, dict(ASSUMED_SHARES[office]), "",
                             "(A) models/canada_us/outputs.py ASSUMED_SHARES")
    # the months with a national figure; a suppressed provincial cell counts 0 there
    shares = {g: sum(v.get(m, 0.0) for m in ca) / total for g, v in provs.items()}
    shares["OTHER"] = max(0.0, 1.0 - sum(shares.values()))
    norm = sum(shares.values())
    shares = {g: v / norm for g, v in shares.items()}
    return ProvinceSplit(office, shares, f"{lo}..{hi}", url)


def claim_splits_manifest(start: str) -> dict[str, dict[str, object]]:
    """The airport and inland province splits of a run starting in ``start`` (``YYYY-MM``),
    as plain data for the manifest (shares, IRCC period, source)."""
    out: dict[str, dict[str, object]] = {}
    for office in ("airport", "inland"):
        sp = province_split(office, start[:7])
        out[office] = {"shares": {g: round(float(v), 4) for g, v in sp.shares.items()},
                       "period": sp.period, "source": sp.source}
    return out


def daily_claim_columns() -> list[str]:
    """Columns of :func:`daily_claims`: ``<place kind>:<geography>``."""
    cols = [f"land_poe:{g}" for g in PROVINCES]
    cols += [f"rcmp:{g}" for g in PROVINCES]
    cols += [f"unseen:{g}" for g in PROVINCES]
    cols += ["airport:CA", "inland_stream:CA"]
    return cols


def daily_claims(sim: object, rep: object) -> npt.NDArray[np.float64]:
    """Referred claims per day of one replicate by claim place and province
    (columns :func:`daily_claim_columns`), read from the engine's records (``sim``: the
    :class:`roxham.sim.engine.Simulation`, ``rep``: its ``ReplicateResult``).

    Claims of unseen crossers are pooled by the engine in the inland places
    ``inland_early``/``inland_late``; each day's are split by the provinces of the crossings
    whose link to that place was entered in the previous 45 days (the whole run's entries when
    there were none)."""
    from roxham.models.canada_us import engine_model as E

    net = sim.network  # type: ignore[attr-defined]
    referred = E.referred_by_location(sim, rep)  # type: ignore[arg-type]
    n_days = referred.shape[0]
    cols = daily_claim_columns()
    out = np.zeros((n_days, len(cols)))
    ci = {c: i for i, c in enumerate(cols)}
    for c in CROSSINGS:
        g = _GEO[c.rcmp_geo]
        kind = "land_poe" if c.mode == "LAND_POE" else "rcmp"
        out[:, ci[f"{kind}:{g}"]] += referred[:, net.index(c.id)]
    # unseen crossers: entries into crossing -> inland links, by province
    entered = rep.entered.astype(np.float64)  # type: ignore[attr-defined]
    for place in (E.INLAND_EARLY, E.INLAND_LATE):
        dst = net.index(place)
        by_geo = np.zeros((n_days, len(PROVINCES)))
        for k in range(net.n_links):
            if int(net.link_dst[k]) != dst:
                continue
            src = net.names[int(net.link_src[k])]
            cr = next((c for c in CROSSINGS if c.id == src), None)
            if cr is None:
                continue
            by_geo[:, PROVINCES.index(_GEO[cr.rcmp_geo])] += entered[:, k]
        cum = np.cumsum(by_geo, axis=0)
        lagged = np.vstack([np.zeros((_HIDDEN_WINDOW, len(PROVINCES))), cum])[:n_days]
        window = cum - lagged
        whole = cum[-1] if n_days else np.zeros(len(PROVINCES))
        tot = window.sum(axis=1, keepdims=True)
        whole_share = whole / whole.sum() if whole.sum() > 0 else np.eye(len(PROVINCES))[0]
        share = np.where(tot > 0, window / np.where(tot > 0, tot, 1.0), whole_share)
        claims = referred[:, dst]
        for j, g in enumerate(PROVINCES):
            out[:, ci[f"unseen:{g}"]] += claims * share[:, j]
    out[:, ci["airport:CA"]] = referred[:, net.index(E.AIRPORT)]
    out[:, ci["inland_stream:CA"]] = referred[:, net.index(E.INLAND_OFFICE)]
    return out


def claim_columns() -> list[tuple[str, str]]:
    """(series, geography) of :func:`monthly_claims`, in order."""
    return [(s, g) for s in CLAIM_SERIES for g in GEOGRAPHIES]


def monthly_claims(
    daily: npt.NDArray[np.float64],
    month_index: npt.NDArray[np.int64],
    months: Sequence[str],
    start: dt.date | str,
    splits: Mapping[str, ProvinceSplit] | None = None,
) -> npt.NDArray[np.float64]:
    """``[n_months, len(claim_columns())]``: the monthly claim series of one replicate from
    its :func:`daily_claims` (``month_index[d]``: month of day ``d``; ``months``: labels).

    ``splits`` (``airport``, ``inland``) default to :func:`province_split` of the run's first
    month ``start``.
    """
    first = start if isinstance(start, str) else f"{start.year:04d}-{start.month:02d}"
    sp = dict(splits or {})
    for name in ("airport", "inland"):
        if name not in sp:
            sp[name] = province_split(name, first[:7])
    n_m = len(months)
    cols = daily_claim_columns()
    mon = np.zeros((n_m, len(cols)))
    np.add.at(mon, month_index, daily)
    ci = {c: i for i, c in enumerate(cols)}
    office: dict[str, dict[str, npt.NDArray[np.float64]]] = {
        o: {g: np.zeros(n_m) for g in PROVINCES} for o in CLAIM_OFFICES}
    rcmp = {g: mon[:, ci[f"rcmp:{g}"]] for g in PROVINCES}
    air = sp["airport"].apply(mon[:, ci["airport:CA"]])
    inl = sp["inland"].apply(mon[:, ci["inland_stream:CA"]])
    for g in PROVINCES:
        office["airport"][g] += air.get(g, 0.0)
        office["inland"][g] += inl.get(g, 0.0) + mon[:, ci[f"unseen:{g}"]]
        office["land_poe"][g] += mon[:, ci[f"land_poe:{g}"]]
        to_inland = np.array([rcmp_office(g, m) == "inland" for m in months])
        office["inland"][g] += np.where(to_inland, rcmp[g], 0.0)
        office["land_poe"][g] += np.where(to_inland, 0.0, rcmp[g])
    out = np.zeros((n_m, len(CLAIM_SERIES) * len(GEOGRAPHIES)))
    j = 0
    for s in CLAIM_SERIES:
        for g in GEOGRAPHIES:
            geos = PROVINCES if g == "CA" else (g,)
            if s == "claims_total":
                parts = [office[o][x] for o in CLAIM_OFFICES for x in geos]
            elif s == "claims_rcmp":
                parts = [rcmp[x] for x in geos]
            else:
                parts = [office[s.removeprefix("claims_")][x] for x in geos]
            out[:, j] = np.sum(parts, axis=0)
            j += 1
    return out
