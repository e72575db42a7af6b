"""What the model's claims cost, per month and per level of government, from sourced unit
costs (issue 19 item 5; nothing here is a model output of ``monthly.parquet``).

Every unit cost is a published figure in ``unit_costs.yaml`` (source title, URL, date of the
document, the period the figure covers); none is invented and none is applied outside the
period it covers (months outside get no row). The levels and items:

- **federal / claim_process**: the Parliamentary Budget Officer's cost per irregular migrant
  of a fiscal year's arrival cohort (RCMP, CBSA, IRCC incl. interim federal health, IRB,
  Federal Court, removal; *Costing Irregular Migration across Canada's Southern Border*,
  2018-11-29), × the model's RCMP-intercepted claimants (``claims_rcmp``/``CA``); FY 2017-18
  to 2019-20 only, band the PBO's range (2017-18 only).
- **federal / interim_housing**: IRCC-funded hotels, CAD per claimant-day × the average stay
  (113 days, 2023-02..2024-02) × a take-up (A) of all new claimants (``claims_total``/``CA``);
  months 2023-02..2025-12 only.
- **provincial_qc / last_resort_assistance**: Quebec's last-resort assistance paid to
  households with an asylum seeker in a year ÷ the asylum-seeker recipients that year (CAD per
  recipient-year, 2023 and 2024), / 12 × months on assistance (11-13, MESS) × a take-up (A)
  of the new claimants in Quebec (``claims_total``/``QC``); calendar 2023 and 2024 only.

Left out for want of a citable unit figure: municipal shelter nights (Toronto, Montreal),
other provinces' assistance, a separate IRB decision cost (inside the PBO's figure).

Each value is the cost of **that month's new claimants over their stay in the item** (a
cohort cost, as the PBO counts), not a cash flow of the month. ``low``/``high`` multiply the
low (high) ends of every factor: the published ranges and the take-up ranges (A); a figure
without a published range counts as its own ends. They are
ranges of inputs, not calibrated bands: no monthly cost is observed to check their coverage.

>>> import polars as pl
>>> m = pl.DataFrame({"month": ["2017-03", "2017-04", "2019-05"], "value": [10.0, 10.0, 2.0]})
>>> cohort_cost(m).select("month", "value", "low", "high").rows()
[('2017-04', 143210.0, 99150.0, 337380.0), ('2019-05', 33332.0, None, None)]
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, NamedTuple

import polars as pl
import yaml

__all__ = [
    "HOTEL_MONTHS",
    "PBO_UNIT_COSTS",
    "TakeUp",
    "UnitCost",
    "cohort_cost",
    "costs_by_level",
    "unit_figures",
]


class Figure(NamedTuple):
    """One published figure of ``unit_costs.yaml``."""

    id: str
    level: str
    item: str
    value: float
    low: float | None
    high: float | None
    unit: str
    period: str
    source_title: str
    url: str
    published: str
    note: str


@functools.cache
def unit_figures() -> dict[str, Figure]:
    """The published figures of ``unit_costs.yaml``, by id."""
    text = resources.files("roxham.models.canada_us").joinpath("unit_costs.yaml").read_text(
        encoding="utf-8")
    raw: dict[str, dict[str, Any]] = yaml.safe_load(text)["figures"]
    out = {}
    for k, r in raw.items():
        out[k] = Figure(
            k, str(r["level"]), str(r["item"]), float(r["value"]),
            None if r.get("low") is None else float(r["low"]),
            None if r.get("high") is None else float(r["high"]),
            str(r["unit"]), str(r["period"]), str(r["source_title"]), str(r["url"]),
            str(r["published"]), str(r.get("note") or ""),
        )  # fmt: skip
    return out


class UnitCost(NamedTuple):
    """Federal cost per irregular migrant of a fiscal year's arrival cohort (CAD, nominal)."""

    mean: float
    low: float | None
    high: float | None
    source: str


def _pbo() -> dict[int, UnitCost]:
    f = unit_figures()
    return {fy: UnitCost(r.value, r.low, r.high, r.url)
            for fy in (2017, 2018, 2019) for r in (f[f"pbo_claim_process_{fy}"],)}


#: First year of the fiscal year (April) → unit cost (S): PBO 2018-11-29.
PBO_UNIT_COSTS: dict[int, UnitCost] = _pbo()

#: First and last month the IRCC hotel figures cover (2023-02..2024-02 for the central daily
#: cost and the stay, 2025 for the low end).
HOTEL_MONTHS: tuple[str, str] = ("2023-02", "2025-12")


class TakeUp(NamedTuple):
    """Shares of new claimants who use an item (A): central, low, high."""

    hotel: tuple[float, float, float] = (0.10, 0.05, 0.20)
    qc_assistance: tuple[float, float, float] = (0.5, 0.3, 0.8)


def _fiscal_year(month: str) -> int:
    y, m = int(month[:4]), int(month[5:7])
    return y if m >= 4 else y - 1


def cohort_cost(claims_rcmp: pl.DataFrame) -> pl.DataFrame:
    """Federal cost of each month's irregular-migrant cohort (PBO unit costs).

    ``claims_rcmp``: ``month`` ("YYYY-MM") and ``value`` (claimants intercepted by the RCMP
    that month, e.g. the model's ``claims_rcmp``/``CA`` rows). Returns ``month``, ``value``
    (claimants × mean unit cost), ``low``/``high`` (× the PBO's range, where it gives one),
    ``fiscal_year``, ``source``; only months of fiscal years the PBO costs.
    """
    rows = []
    for month, n in claims_rcmp.select("month", "value").iter_rows():
        fy = _fiscal_year(str(month))
        u = PBO_UNIT_COSTS.get(fy)
        if u is None:
            continue
        rows.append({
            "month": str(month), "value": float(n) * u.mean,
            "low": None if u.low is None else float(n) * u.low,
            "high": None if u.high is None else float(n) * u.high,
            "fiscal_year": f"{fy}-{(fy + 1) % 100:02d}", "source": u.source,
        })
    schema = {"month": pl.String, "value": pl.Float64, "low": pl.Float64, "high": pl.Float64,
              "fiscal_year": pl.String, "source": pl.String}
    return pl.DataFrame(rows, schema=schema)


def _series(monthly: pl.DataFrame, series: str, geo: str) -> dict[str, float]:
    sub = monthly.filter((pl.col("series") == series) & (pl.col("geography") == geo))
    return {str(m): float(v) for m, v in sub.select("month", "value").iter_rows()}


def hotel_unit() -> tuple[float, float, float]:
    """IRCC hotel cost per placed claimant (CAD): daily cost × average stay; central, low,
    high (the daily cost's published range; one published stay)."""
    f = unit_figures()
    stay = f["ircc_hotel_stay_days"].value
    return (f["ircc_hotel_day_2023"].value * stay, f["ircc_hotel_day_2025"].value * stay,
            f["ircc_hotel_day_2024_03"].value * stay)


def qc_assistance_unit(year: int) -> tuple[float, float, float] | None:
    """Quebec last-resort assistance per asylum-seeker recipient over a stay on assistance
    (CAD): paid in ``year`` ÷ recipients in ``year`` / 12 × months on assistance (12; 11-13);
    None for a year without figures."""
    f = unit_figures()
    paid, rec = f.get(f"qc_last_resort_paid_{year}"), f.get(f"qc_last_resort_recipients_{year}")
    if paid is None or rec is None:
        return None
    per_month = paid.value / rec.value / 12.0
    months = f["qc_months_on_assistance"]
    assert months.low is not None and months.high is not None
    return per_month * months.value, per_month * months.low, per_month * months.high


def costs_by_level(monthly: pl.DataFrame, take_up: TakeUp = TakeUp()) -> pl.DataFrame:
    """Cost of each month's new claimants per level of government and item, with the
    per-level ``total`` (see the module docstring for what each value means).

    ``monthly``: the model's monthly table (``month``, ``series``, ``geography``, ``value``;
    uses ``claims_rcmp``/``CA``, ``claims_total``/``CA`` and ``claims_total``/``QC``).
    Returns ``month``, ``level``, ``item``, ``value``, ``low``, ``high`` (CAD), ``source``
    (URL of the unit cost, empty for totals), one row per month and item the figures cover.
    """
    rows: list[dict[str, Any]] = []
    rcmp = _series(monthly, "claims_rcmp", "CA")
    pbo = cohort_cost(pl.DataFrame({"month": list(rcmp), "value": list(rcmp.values())},
                                   schema={"month": pl.String, "value": pl.Float64}))
    for r in pbo.iter_rows(named=True):
        rows.append({"month": r["month"], "level": "federal", "item": "claim_process",
                     "value": r["value"], "low": r["low"] if r["low"] is not None else r["value"],
                     "high": r["high"] if r["high"] is not None else r["value"],
                     "source": r["source"]})
    f = unit_figures()
    hc, hl, hh = hotel_unit()
    sc, sl, sh = take_up.hotel
    for month, n in _series(monthly, "claims_total", "CA").items():
        if HOTEL_MONTHS[0] <= month <= HOTEL_MONTHS[1]:
            rows.append({"month": month, "level": "federal", "item": "interim_housing",
                         "value": n * sc * hc, "low": n * sl * hl, "high": n * sh * hh,
                         "source": f["ircc_hotel_day_2023"].url})
    qc, ql, qh = take_up.qc_assistance
    for month, n in _series(monthly, "claims_total", "QC").items():
        u = qc_assistance_unit(int(month[:4]))
        if u is None:
            continue
        rows.append({"month": month, "level": "provincial_qc", "item": "last_resort_assistance",
                     "value": n * qc * u[0], "low": n * ql * u[1], "high": n * qh * u[2],
                     "source": f[f"qc_last_resort_paid_{month[:4]}"].url})
    schema = {"month": pl.String, "level": pl.String, "item": pl.String, "value": pl.Float64,
              "low": pl.Float64, "high": pl.Float64, "source": pl.String}
    items = pl.DataFrame(rows, schema=schema)
    totals = items.group_by("month", "level").agg(
        pl.col("value").sum(), pl.col("low").sum(), pl.col("high").sum()
    ).with_columns(item=pl.lit("total"), source=pl.lit("")).select(list(schema))
    return pl.concat([items, totals]).sort("month", "level", "item")
