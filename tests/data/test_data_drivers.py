"""daily_drivers: monthly figures as daily rates, missing months marked, sourced event steps."""

from __future__ import annotations

import calendar
import os
from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from roxham.data import EVENT_DRIVERS, MONTHLY_DRIVERS, daily_drivers, drivers_info, monthly

#: Hypothesis examples per property: 300 in CI (``CI`` set), 50 in development.
PROFILE = settings(max_examples=300 if os.environ.get("CI") else 50, deadline=None)

FIT = daily_drivers("2017-01-01", "2022-12-31")
FULL = daily_drivers("2016-06-01", "2024-12-31")


def test_columns_and_days() -> None:
    assert FIT.height == (date(2022, 12, 31) - date(2017, 1, 1)).days + 1
    assert FIT.get_column("date").is_sorted()
    for m in MONTHLY_DRIVERS:
        assert FIT.schema[m.name] == pl.Float64
        assert FIT.schema[f"{m.name}_missing"] == pl.Boolean
        assert not FIT.get_column(f"{m.name}_imputed").any()  # fill="none"
    for e in EVENT_DRIVERS:
        assert set(FIT.get_column(e.name).unique().to_list()) <= {0.0, 1.0}


def test_daily_rates_sum_to_each_published_month() -> None:
    for m in MONTHLY_DRIVERS:
        mon = monthly(m.series, m.geography, "2017-01", "2022-12")
        by = FIT.group_by(pl.col("date").dt.truncate("1mo").alias("month")).agg(
            pl.col(m.name).sum().alias("s"), pl.col(m.name).null_count().alias("nulls"),
            pl.col(f"{m.name}_missing").all().alias("miss"))
        j = mon.join(by, on="month")
        known = j.filter(~pl.col("missing"))
        assert ((known.get_column("s") - known.get_column("value")).abs() < 1e-6).all(), m.name
        gone = j.filter(pl.col("missing"))
        assert gone.get_column("miss").all()
        days = [calendar.monthrange(d.year, d.month)[1] for d in gone.get_column("month")]
        assert gone.get_column("nulls").to_list() == days  # null, not interpolated


def test_quebec_rate_in_august_2017() -> None:
    aug = FIT.filter(pl.col("date").dt.strftime("%Y-%m") == "2017-08")
    assert aug.get_column("rcmp_qc").unique().to_list() == [5530 / 31]


def test_fill_annual_spreads_the_unexplained_part_of_the_annual_total() -> None:
    # QC 2019: annual 16,136 (press); Jan-May known (first-reported); Jun-Dec missing.
    y = daily_drivers("2019-01-01", "2019-12-31", fill="annual")
    assert abs(float(y.get_column("rcmp_qc").sum()) - 16136) < 1e-6
    imp = y.filter(pl.col("rcmp_qc_imputed"))
    assert imp.get_column("date").min() == date(2019, 6, 1)
    assert imp.get_column("rcmp_qc_missing").all()
    known = monthly("rcmp_interceptions", "QC", "2019-01", "2019-05").get_column("value").sum()
    assert imp.get_column("rcmp_qc").unique().to_list() == [(16136 - known) / 214]
    # No annual total for QC 2020: stays null and not imputed.
    z = daily_drivers("2020-06-01", "2020-06-30", fill="annual")
    assert z.get_column("rcmp_qc").null_count() == 30
    assert not z.get_column("rcmp_qc_imputed").any()


def test_steps_and_pulses_on_the_sourced_days() -> None:
    def on(name: str) -> list[date]:
        return FIT.filter(pl.col(name) == 1.0).get_column("date").to_list()

    tb = on("canada_turnback")
    assert (tb[0], tb[-1]) == (date(2020, 3, 21), date(2021, 11, 20))
    t42 = on("title42")
    assert t42[0] == date(2020, 3, 21)
    assert on("mexico_visa_exempt")[0] == date(2017, 1, 1)  # lifted 2016-12-01, still on
    assert on("stca_protocol") == []  # 2023-03-25, after the window
    assert on("haiti_tps_news") == [date(2017, 5, 22), date(2017, 11, 20)]
    late = daily_drivers("2023-03-24", "2024-03-01")
    stca = late.filter(pl.col("stca_protocol") == 1.0).get_column("date")
    assert stca.min() == date(2023, 3, 25)
    mex = late.filter(pl.col("mexico_visa_exempt") == 1.0).get_column("date")
    assert mex.max() == date(2024, 2, 29)  # visa back at 23:30 that day


def test_drivers_info_names_every_column_with_a_source() -> None:
    info = drivers_info()
    names = {m.name for m in MONTHLY_DRIVERS} | {e.name for e in EVENT_DRIVERS}
    assert set(info.get_column("name")) == names
    ev = info.filter(pl.col("kind") != "monthly")
    assert ev.get_column("source").str.contains("http").all()


@settings(PROFILE)
@given(st.dates(date(2016, 6, 1), date(2024, 12, 31)), st.integers(0, 120))
def test_any_window_is_a_slice_of_a_longer_one(start: date, n: int) -> None:
    end = min(date(2024, 12, 31), date.fromordinal(start.toordinal() + n))
    d = daily_drivers(start, end)
    assert d.height == n + 1 or end == date(2024, 12, 31)
    part = FULL.filter(pl.col("date").is_between(start, end))
    assert d.equals(part)
