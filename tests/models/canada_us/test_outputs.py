"""Claims by IRCC office type x province (models/canada_us/outputs.py): the mapping of the
model's claim places to IRCC's office types checked against IRCC's own table, the province
split of the national streams computed by hand, and the monthly assembly on hand-made days."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from roxham.data import monthly
from roxham.models.canada_us.outputs import (
    GEOGRAPHIES,
    QC_RCMP_INLAND_UNTIL,
    ProvinceSplit,
    claim_columns,
    daily_claim_columns,
    monthly_claims,
    province_split,
    rcmp_office,
)


def _ircc(geo: str, office: str, month: str) -> float:
    df = monthly("asylum_claims_by_office", geo, month, month,
                 subgroup=f"office={office}")
    return float(df["value"][0])


def _rcmp(geo: str, month: str) -> float:
    df = monthly("rcmp_interceptions", geo, month, month)
    return float(df["value"][0])


def test_quebec_rcmp_claims_switch_from_inland_to_border_where_ircc_does() -> None:
    """IRCC's table: in the last 'Inland' month Quebec's inland claims hold the RCMP
    interceptions and its border claims are a few hundred; the month after, the border
    office holds them and inland falls."""
    last = QC_RCMP_INLAND_UNTIL
    nxt = "2018-03"
    assert _ircc("QC", "inland", last) >= _rcmp("QC", last) > 1000
    assert _ircc("QC", "land_poe", last) < 0.2 * _rcmp("QC", last)
    assert _ircc("QC", "land_poe", nxt) > 0.8 * _rcmp("QC", nxt)
    assert _ircc("QC", "inland", nxt) < 0.5 * _rcmp("QC", nxt)
    assert [rcmp_office("QC", m) for m in ("2017-08", last, nxt, "2022-06")] == [
        "inland", "inland", "land_poe", "land_poe"]
    # Manitoba's interceptions are Emerson port claims already in 2017 (1,018 vs 1,100)
    assert rcmp_office("MB", "2017-08") == "land_poe"


def test_province_split_uses_only_the_year_before_the_run() -> None:
    sp = province_split("airport", "2017-01")
    assert sp.period == "2016-01..2016-12"
    months = [f"2016-{i:02d}" for i in range(1, 13)]
    ca = monthly("asylum_claims_by_office", "CA", "2016-01", "2016-12",
                 subgroup="office=airport").filter(~pl.col("missing"))
    have = set(ca["month"].dt.strftime("%Y-%m").to_list())
    qc = monthly("asylum_claims_by_office", "QC", "2016-01", "2016-12",
                 subgroup="office=airport").filter(~pl.col("missing"))
    qc_sum = sum(float(v) for m, v in zip(qc["month"].dt.strftime("%Y-%m"), qc["value"],
                                          strict=True) if m in have and m in months)
    assert sp.shares["QC"] == pytest.approx(qc_sum / float(ca["value"].sum()))
    assert sum(sp.shares.values()) == pytest.approx(1.0)
    assert set(sp.shares) == set(GEOGRAPHIES) - {"CA"}
    # no IRCC figures before 2015: the stated assumption
    early = province_split("inland", "2015-01")
    assert early.period == "" and early.source.startswith("(A)")


def test_monthly_claims_by_hand() -> None:
    """Two days, one in 2018-02 (QC RCMP claims counted inland) and one in 2018-03 (counted
    at the border); airport 100 a day split 30/70 between QC and ON."""
    cols = daily_claim_columns()
    daily = np.zeros((2, len(cols)))
    daily[:, cols.index("rcmp:QC")] = 10
    daily[:, cols.index("rcmp:MB")] = 2
    daily[:, cols.index("land_poe:ON")] = 5
    daily[:, cols.index("unseen:QC")] = 3
    daily[:, cols.index("airport:CA")] = 100
    daily[:, cols.index("inland_stream:CA")] = 40
    splits = {"airport": ProvinceSplit("airport", {"QC": 0.3, "ON": 0.7}, "", "(A)"),
              "inland": ProvinceSplit("inland", {"BC": 0.5, "OTHER": 0.5}, "", "(A)")}
    out = monthly_claims(daily, np.array([0, 1]), ["2018-02", "2018-03"], "2018-02", splits)
    got = {k: out[:, i].tolist() for i, k in enumerate(claim_columns())}
    assert got[("claims_inland", "QC")] == [13.0, 3.0]
    assert got[("claims_land_poe", "QC")] == [0.0, 10.0]
    assert got[("claims_land_poe", "MB")] == [2.0, 2.0]
    assert got[("claims_land_poe", "ON")] == [5.0, 5.0]
    assert got[("claims_rcmp", "QC")] == [10.0, 10.0]
    assert got[("claims_rcmp", "CA")] == [12.0, 12.0]
    assert got[("claims_airport", "QC")] == pytest.approx([30.0, 30.0])
    assert got[("claims_airport", "ON")] == pytest.approx([70.0, 70.0])
    assert got[("claims_inland", "BC")] == pytest.approx([20.0, 20.0])
    # IRCC's total: airport + border + inland; RCMP claims are inside, not added again
    assert got[("claims_total", "CA")] == pytest.approx([100 + 40 + 3 + 12 + 5] * 2)
    assert got[("claims_total", "QC")] == pytest.approx([30 + 13, 30 + 13])
