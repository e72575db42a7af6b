"""The report reads each (series, geography) from a table split once (SeriesIndex): every
look-up is the frame a filter of the whole table gives, sorted."""

from __future__ import annotations

import doctest
import random

import polars as pl
from polars.testing import assert_frame_equal

import roxham.report.series_index as series_index_module
from roxham.report.series_index import SeriesIndex


def _shuffled_table() -> pl.DataFrame:
    rng = random.Random(7)
    rows = [{"series": s, "geography": g, "month": f"20{y}-{mo:02d}", "value": rng.random()}
            for s in ("rcmp_interceptions", "claims_total", "irb_pending")
            for g in ("CA", "QC", "OTHER") if not (s == "irb_pending" and g != "CA")
            for y in (17, 18) for mo in range(1, 13)]
    rng.shuffle(rows)
    return pl.DataFrame(rows)


def test_each_lookup_is_the_filtered_and_sorted_table() -> None:
    m = _shuffled_table()
    idx = SeriesIndex(m, "month")
    for s, g in m.select("series", "geography").unique().iter_rows():
        want = m.filter((pl.col("series") == s) & (pl.col("geography") == g)).sort("month")
        assert_frame_equal(idx.get(s, g), want)
        assert_frame_equal(idx.get(s, g), want)  # a second look-up: the same frame
    assert idx.geographies("irb_pending") == ["CA"]
    assert sorted(idx.geographies("claims_total")) == ["CA", "OTHER", "QC"]
    assert idx.geographies("stca_returns") == []


def test_a_missing_pair_is_an_empty_frame_of_the_table_schema() -> None:
    m = _shuffled_table()
    got = SeriesIndex(m, "month").get("stca_returns", "CA")
    assert got.is_empty() and got.schema == m.schema


def test_no_table_gives_empty_frames_of_the_schema() -> None:
    schema = {"series": pl.Utf8, "geography": pl.Utf8, "period": pl.Utf8, "value": pl.Float64}
    for table in (None, pl.DataFrame()):
        got = SeriesIndex(table, "period", schema).get("claims_total", "CA")
        assert got.is_empty() and got.schema == pl.Schema(schema)


def test_doctest() -> None:
    res = doctest.testmod(series_index_module)
    assert res.failed == 0 and res.attempted > 0
