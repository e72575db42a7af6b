"""Federal cost of the irregular migrants' claims, from the Parliamentary Budget Officer's unit
costs (issue 19 item 5, a first sourced piece; nothing here is a model output of
``monthly.parquet``).

The PBO's *Costing Irregular Migration across Canada's Southern Border* (2018-11-29) costs the
whole claim process of an irregular migrant (RCMP interception, CBSA, IRCC incl. interim
federal health, IRB, Federal Court, removal) **for the federal government only**; provincial
and municipal costs (shelter, last-resort assistance) are excluded by the PBO and here. Unit
costs are per migrant of an arrival cohort, by fiscal year of arrival (April–March), in
nominal dollars of the report; the range (accepted at the first hearing … all appeals, then
removed) is given by the PBO for the 2017-18 cohort only.

:func:`cohort_cost` multiplies the model's RCMP-intercepted claimants of each month by the
unit cost of the month's fiscal year: the cost of that month's cohort over its whole claim
process (not a cash flow of the month). Months outside the fiscal years the PBO costs get no
figure: no unit cost is extrapolated.

>>> import polars as pl
>>> m = pl.DataFrame({"month": ["2017-03", "2017-04", "2019-05"], "value": [10.0, 10.0, 2.0]})
>>> cohort_cost(m).select("month", "value", "low", "high").rows()
[('2017-04', 143210.0, 99150.0, 337380.0), ('2019-05', 33332.0, None, None)]
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

__all__ = ["PBO_UNIT_COSTS", "UnitCost", "cohort_cost"]


class UnitCost(NamedTuple):
    """Federal cost per irregular migrant of a fiscal year's arrival cohort (CAD, nominal)."""

    mean: float
    low: float | None
    high: float | None
    source: str


_PBO = ("https://www.pbo-dpb.gc.ca/en/blog/news/"
        "Co%C3%BBt%20de%20la%20migration%20irr%C3%A9guli%C3%A8re")
_GLOBAL = "https://globalnews.ca/news/4710952/irregular-migration-pbo-report-cost/"

#: First year of the fiscal year (April) → unit cost (S): PBO 2018-11-29.
PBO_UNIT_COSTS: dict[int, UnitCost] = {
    2017: UnitCost(14321.0, 9915.0, 33738.0, _PBO),
    2018: UnitCost(15483.0, None, None, _GLOBAL),  # the PBO report's 2018-19 figure
    2019: UnitCost(16666.0, None, None, _PBO),
}


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
