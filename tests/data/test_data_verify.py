"""Cross-checks: sums, parts, conflicts and gaps over the real data and a corrupted copy."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from roxham.data import gaps, verify
from roxham.data.verify import _fmt_months

from .conftest import edit_line

REPORT = verify()


def _agg(series: str, geo: str, period: str, vintage: str) -> dict[str, object]:
    a = REPORT.aggregates.filter(
        (pl.col("series") == series) & (pl.col("geography") == geo)
        & (pl.col("period_text") == period) & (pl.col("vintage") == vintage))
    assert a.height >= 1
    return a.row(0, named=True)


def test_bundled_data_has_no_official_inconsistency() -> None:
    assert REPORT.ok, REPORT.problems


def test_monthly_sums_match_published_annual_totals() -> None:
    # IRCC 2018 table: Quebec months sum to 18,518, the table's own total.
    r = _agg("rcmp_interceptions", "QC", "2018", "official")
    assert (r["aggregate"], r["monthly_sum"], r["status"]) == (18518.0, 18518.0, "ok")
    # US FY2017 Swanton: 449 = sum of Oct 2016..Sep 2017 (CBP FY2000-2020 table).
    r = _agg("usbp_encounters", "US-SWANTON", "FY2017", "official")
    assert (r["monthly_sum"], r["n_months"], r["status"]) == (449.0, 12, "ok")


def test_incomplete_year_lists_missing_months() -> None:
    # QC 2019: only Jan-May monthly figures exist (first reported); the annual press figure
    # cannot be checked and the check says which months are missing.
    r = _agg("rcmp_interceptions", "QC", "2019", "press")
    assert r["status"] == "incomplete"
    assert r["missing_months"] == "2019-06..2019-12"


def test_revision_between_first_reported_and_final_is_a_reported_mismatch() -> None:
    # SCNR quoting IRCC: Jan-Aug 2022 = 23,358; final IRCC months sum to 23,361.
    r = _agg("rcmp_interceptions", "CA", "2022-01..2022-08", "first_reported")
    assert (r["aggregate"], r["monthly_sum"], r["status"]) == (23358.0, 23361.0, "mismatch")


def test_provinces_sum_to_national_total() -> None:
    p = REPORT.parts.filter((pl.col("series") == "rcmp_interceptions")
                            & (pl.col("period_text") == "2018-04")
                            & (pl.col("vintage") == "official"))
    # IRCC 2018, April: QC 2,479 + MB 50 + BC 31 (+ zeros) = Total - RCMP 2,560.
    assert p.select("total", "parts_sum", "status").row(0) == (2560.0, 2560.0, "ok")


def test_conflicts_name_rows_sources_and_size() -> None:
    c = REPORT.conflicts.filter((pl.col("series") == "rcmp_interceptions")
                                & (pl.col("geography") == "CA")
                                & (pl.col("period_text") == "2017-01"))
    row = c.row(0, named=True)
    # iPolitics: 315 in January; Winnipeg Sun (CBSA): 476.
    assert (row["min"], row["max"], row["spread"]) == (315.0, 476.0, 161.0)
    assert "ipolitics.ca" in row["figures"] and "winnipegsun.com" in row["figures"]
    assert "rcmp_interceptions_monthly.csv:347" in row["figures"]


def test_gaps_list_missing_months() -> None:
    g = gaps().filter((pl.col("series") == "rcmp_interceptions") & (pl.col("geography") == "QC"))
    # found_2015_2024.csv adds QC 2021-10 and 2021-11 (CTV via a blog, graded weak)
    assert g.get_column("missing")[0] == "2019-06..2021-09, 2021-12, 2023-05..2023-12"
    assert g.get_column("n_missing")[0] == 28 + 1 + 8


def test_corrupted_month_is_a_problem(data_copy: Path) -> None:
    # Change IRCC's Quebec January 2018 from 1,458 to 1,459: the 2018 total and the national
    # total no longer match, and both are official-vs-official problems.
    edit_line(data_copy / "canada_found/rcmp_interceptions_monthly.csv", 15, ",1458,", ",1459,")
    rep = verify(data_dir=data_copy)
    assert not rep.ok
    probs = rep.problems
    assert set(probs.get_column("check")) == {"aggregate", "parts"}
    assert (probs.get_column("diff").abs() == 1).all()
    assert "problems (official vs official mismatches): " in rep.summary()


def test_fmt_months_compresses_runs() -> None:
    from datetime import date
    ms = [date(2019, 1, 1), date(2019, 2, 1), date(2019, 12, 1), date(2020, 1, 1),
          date(2020, 5, 1)]
    assert _fmt_months(ms) == "2019-01..2019-02, 2019-12..2020-01, 2020-05"
