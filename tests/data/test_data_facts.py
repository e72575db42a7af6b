"""Real facts against the bundled data: figures published by IRCC, CBP, DHS and the press.

Expected values are copied from the published sources named in each test (independently of the
CSV rows), so a transcription or parsing error fails the test.
"""

from __future__ import annotations

import csv
from datetime import date

import polars as pl

from roxham.data import events, figures, list_series, monthly, resolve_data_dir, series, sources
from roxham.data.load import raw_files


def _one(df: pl.DataFrame) -> float:
    assert df.height == 1, df
    return float(df.get_column("value")[0])


def test_every_raw_row_is_loaded_with_its_source() -> None:
    root = resolve_data_dir()
    df = figures()
    for spec in raw_files():
        with (root / spec.path).open(encoding="utf-8", newline="") as fh:
            n = sum(1 for r in csv.DictReader(fh) if any(v.strip() for v in r.values()))
        got = df.filter(pl.col("family") == spec.family)
        assert got.height == n, spec.path
    assert df.get_column("source_url").str.starts_with("http").all()
    assert df.get_column("value").is_not_null().all()
    n_events = 0
    for rel in ("us/events.csv", "canada/events_2025_2026.csv"):
        with (root / rel).open(encoding="utf-8", newline="") as fh:
            n_events += sum(1 for _ in csv.DictReader(fh))
    assert events().height == n_events


def test_quebec_august_2017_interceptions() -> None:
    # IRCC 2017 monthly report; Montreal Gazette/CP 2017-09: "The RCMP intercepted 5,530
    # people crossing illegally into Quebec in August, up from 2,996 in July."
    qc = series("rcmp_interceptions", "QC", "2017-07", "2017-08", vintage="official")
    assert qc.select("period", "value").rows() == [
        (date(2017, 7, 1), 2996.0), (date(2017, 8, 1), 5530.0)]
    assert "canada.ca" in qc.get_column("source_url")[1]


def test_2018_interceptions_by_province_ircc_table() -> None:
    # IRCC "Asylum claims by year - 2018", table RCMP Interceptions: Quebec Jan 1,458 ...
    # Dec 1,242, total 18,518; Manitoba total 410; Total - RCMP 19,419.
    qc = series("rcmp_interceptions", "QC", "2018-01", "2018-12", vintage="official",
                kind="month")
    assert qc.get_column("value").to_list()[:3] == [1458.0, 1486.0, 1884.0]
    assert qc.get_column("value").to_list()[-1] == 1242.0
    assert qc.get_column("value").sum() == 18518
    assert _one(series("rcmp_interceptions", "QC", kind="year", vintage="official",
                       start="2018", end="2018")) == 18518
    assert _one(series("rcmp_interceptions", "MB", kind="year", vintage="official",
                       start="2018", end="2018")) == 410
    assert _one(series("rcmp_interceptions", "CA", kind="year", vintage="official",
                       start="2018", end="2018")) == 19419


def test_annual_asylum_claims_ircc_binder() -> None:
    # IRCC Deputy Minister transition binder 2024, Table A: total claims 2017 = 50,894.
    df = series("asylum_claims", "CA", "2017", "2017", kind="year", vintage="official")
    assert 50894.0 in df.get_column("value").to_list()


def test_office_types_are_subgroups_of_asylum_claims() -> None:
    df = series("asylum_claims", "CA", "2017", "2017", kind="year", subgroup=None)
    subs = set(df.get_column("subgroup").to_list())
    assert {"all", "office=airport", "office=inland", "office=land_poe"} <= subs


def test_us_southwest_figures_from_notes() -> None:
    # data/raw/us/NOTES.md: Sept 2023 = 269,735; lowest month Apr 2020 = 17,106; Jan 2023 first
    # reported 156,274 (CBP release 2023-02-10) and 157,358 in the current file: both kept.
    m = monthly("cbp_encounters", "US-SW", "2023-09", "2023-09")
    assert m.get_column("value")[0] == 269735
    assert monthly("cbp_encounters", "US-SW", "2020-04", "2020-04").get_column("value")[0] \
        == 17106
    jan = series("cbp_encounters", "US-SW", "2023-01", "2023-01", kind="month")
    assert set(jan.get_column("value").to_list()) >= {156274.0, 157358.0}
    assert monthly("cbp_encounters", "US-SW", "2023-01", "2023-01").get_column("value")[0] \
        == 157358  # the current (official) figure is preferred, and the conflict is flagged
    assert monthly("cbp_encounters", "US-SW", "2023-01", "2023-01").get_column("conflict")[0]


def test_swanton_fiscal_years() -> None:
    # data/raw/us/NOTES.md headline table: Swanton USBP FY2017 449, FY2018 736, FY2020 574.
    df = series("usbp_encounters", "US-SWANTON", kind="fiscal_year", vintage="official")
    by = dict(zip(df.get_column("period_text"), df.get_column("value"), strict=False))
    assert (by["FY2017"], by["FY2018"], by["FY2020"]) == (449, 736, 574)
    fy = df.filter(pl.col("period_text") == "FY2017")
    assert (fy.get_column("start")[0], fy.get_column("end")[0]) == (
        date(2016, 10, 1), date(2017, 9, 30))


def test_canadian_fiscal_year_in_irb_figures() -> None:
    # IRB: "At the end of 2021-2022, the RPD had reduced its workload ... to 54,000 cases".
    df = series("irb_rpd_pending_end", "CA", kind="fiscal_year")
    row = df.filter(pl.col("period_text") == "FY2021")
    assert row.get_column("value")[0] == 54000
    assert row.get_column("end")[0] == date(2022, 3, 31)


def test_events_roxham_closure_and_sources() -> None:
    # us/events.csv and canada/events_2025_2026.csv both record the Additional Protocol
    ev = events(date(2023, 3, 25), date(2023, 3, 25))
    assert ev.height == 2
    assert all("Additional Protocol" in e for e in ev.get_column("event"))
    us = ev.filter(pl.col("file") == "us/events.csv")
    assert us.get_column("source_url")[0].startswith("https://montrealgazette.com/")
    month_only = events().filter(pl.col("precision") == "month")
    assert month_only.get_column("date_text").to_list() == ["2023-08"]


def test_list_series_and_sources() -> None:
    cat = list_series()
    row = cat.filter((pl.col("series") == "rcmp_interceptions") & (pl.col("geography") == "QC"))
    assert row.get_column("first")[0] <= date(2017, 1, 1)
    assert row.get_column("n_figures")[0] == series(
        "rcmp_interceptions", "QC", subgroup=None).height
    src = sources("rcmp_interceptions", "QC")
    assert src.get_column("n_figures").sum() == row.get_column("n_figures")[0]
    assert any("asylum-claims-2018" in u for u in src.get_column("source_url"))
