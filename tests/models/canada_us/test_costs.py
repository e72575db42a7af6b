"""Unit costs (models/canada_us/costs.py, unit_costs.yaml) against the PBO's own totals and
hand computations."""

from __future__ import annotations

import polars as pl
import pytest

from roxham.models.canada_us.costs import (
    PBO_UNIT_COSTS,
    TakeUp,
    cohort_cost,
    costs_by_level,
    unit_figures,
)


def test_pbo_cohort_total_is_reproduced() -> None:
    # PBO 2018-11-29: 23,755 irregular migrants of 2017-18 cost $340 million in all
    m = pl.DataFrame({"month": ["2017-04", "2018-03"], "value": [20000.0, 3755.0]})
    c = cohort_cost(m)
    assert c["value"].sum() == pytest.approx(340e6, rel=0.001)
    assert c["fiscal_year"].to_list() == ["2017-18", "2017-18"]
    assert (c["low"] < c["value"]).all() and (c["value"] < c["high"]).all()


def test_no_unit_cost_is_extrapolated() -> None:
    m = pl.DataFrame({"month": ["2017-03", "2020-04", "2024-01"], "value": [5.0, 5.0, 5.0]})
    assert cohort_cost(m).height == 0
    assert sorted(PBO_UNIT_COSTS) == [2017, 2018, 2019]
    assert all(u.source.startswith("https://") for u in PBO_UNIT_COSTS.values())


def test_every_figure_carries_its_source() -> None:
    figs = unit_figures()
    assert figs
    for f in figs.values():
        assert f.url.startswith("https://"), f.id
        assert f.source_title and f.period and f.unit and f.published, f.id
        assert f.level in ("federal", "provincial_qc"), f.id
        assert f.value > 0 and (f.low is None or f.low <= f.value <= (f.high or f.value))


def _monthly(rows: list[tuple[str, str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["month", "series", "geography", "value"], orient="row")


def test_costs_by_level_by_hand() -> None:
    m = _monthly([
        ("2017-04", "claims_rcmp", "CA", 100.0), ("2017-04", "claims_total", "CA", 900.0),
        ("2017-04", "claims_total", "QC", 500.0),
        ("2023-05", "claims_rcmp", "CA", 50.0), ("2023-05", "claims_total", "CA", 1000.0),
        ("2023-05", "claims_total", "QC", 400.0),
        ("2026-01", "claims_rcmp", "CA", 50.0), ("2026-01", "claims_total", "CA", 1000.0),
        ("2026-01", "claims_total", "QC", 400.0),
    ])  # fmt: skip
    c = costs_by_level(m, TakeUp(hotel=(0.1, 0.05, 0.2), qc_assistance=(0.5, 0.3, 0.8)))

    def row(month: str, level: str, item: str) -> tuple[float, float, float]:
        r = c.filter((pl.col("month") == month) & (pl.col("level") == level)
                     & (pl.col("item") == item))
        assert r.height == 1, (month, level, item)
        return r["value"][0], r["low"][0], r["high"][0]

    # 2017-04: only the PBO's federal cohort cost (100 × 14,321; range 9,915 – 33,738)
    assert row("2017-04", "federal", "claim_process") == pytest.approx(
        (1_432_100, 991_500, 3_373_800))
    assert row("2017-04", "federal", "total") == row("2017-04", "federal", "claim_process")
    assert c.filter(pl.col("month") == "2017-04")["level"].unique().to_list() == ["federal"]
    # 2023-05: hotels 1000 × 10 % × $208 × 113 days (5 % × $132 … 20 % × $224)
    assert row("2023-05", "federal", "interim_housing") == pytest.approx(
        (2_350_400, 745_800, 5_062_400))
    # Quebec: $369.4M / 38,158 recipients in 2023 = $9,680.8 a recipient-year; 12 months
    # (11 – 13) on assistance; 400 new claimants × 50 % (30 – 80 %)
    per_month = 369.4e6 / 38158 / 12
    assert row("2023-05", "provincial_qc", "last_resort_assistance") == pytest.approx(
        (400 * 0.5 * 12 * per_month, 400 * 0.3 * 11 * per_month, 400 * 0.8 * 13 * per_month))
    assert row("2023-05", "provincial_qc", "total")[0] == pytest.approx(
        400 * 0.5 * 369.4e6 / 38158)
    # no figure covers 2026: no row at all
    assert c.filter(pl.col("month") == "2026-01").height == 0
    # totals add up their level's items
    items = c.filter(pl.col("item") != "total").group_by("month", "level").agg(
        pl.col("value").sum()).sort("month", "level")
    tot = c.filter(pl.col("item") == "total").sort("month", "level")
    assert items["value"].to_list() == pytest.approx(tot["value"].to_list())
