"""roxham.data.observed_until: inside the cut-off no figure whose period ends later comes back,
from any loader."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from roxham import data
from roxham.errors import UserError


def test_no_figure_after_the_cutoff_from_figures() -> None:
    all_ = data.figures()
    assert all_.get_column("end").max() > dt.date(2019, 6, 30)  # there is something to cut
    with data.observed_until("2019-06") as last:
        cut = data.figures()
    assert last == dt.date(2019, 6, 30)
    assert cut.height > 0
    assert cut.get_column("end").max() <= dt.date(2019, 6, 30)
    # everything that ends by the cut-off is still there
    assert cut.height == all_.filter(pl.col("end") <= dt.date(2019, 6, 30)).height


def test_yearly_figures_only_for_complete_years() -> None:
    with data.observed_until("2019-11"):
        y = data.series("asylum_claims", "CA", kind="year")
    years = {d.year for d in y.get_column("start").to_list()}
    assert 2018 in years and 2019 not in years
    with data.observed_until("2019-12"):
        y = data.series("asylum_claims", "CA", kind="year")
    assert 2019 in {d.year for d in y.get_column("start").to_list()}


def test_monthly_and_drivers_respect_the_cutoff() -> None:
    # the official QC figure of 2017-08 (5,530) is there before and gone when cut at 2017-07
    assert data.monthly("rcmp_interceptions", "QC", "2017-08", "2017-08")["value"][0] == 5530
    with data.observed_until("2017-07"):
        m = data.monthly("rcmp_interceptions", "QC", "2017-01", "2017-12")
        d = data.daily_drivers("2017-07-01", "2017-09-30")
        cat = data.list_series()
    after = m.filter(pl.col("month") > dt.date(2017, 7, 1))
    assert after.get_column("missing").all() and after.get_column("value").is_null().all()
    assert m.filter(pl.col("month") == dt.date(2017, 7, 1))["value"][0] is not None
    late = d.filter(pl.col("date") > dt.date(2017, 7, 31))
    assert late.get_column("rcmp_qc").is_null().all()
    assert late.get_column("usbp_sw").is_null().all()  # US figures are cut as well
    assert cat.get_column("last").max() <= dt.date(2017, 7, 31)


def test_nested_cutoffs_keep_the_earlier_month_and_reset() -> None:
    with data.observed_until("2020-05"):
        with data.observed_until("2022-01") as inner:
            assert inner == dt.date(2020, 5, 31)
        assert data.current_cutoff() == dt.date(2020, 5, 31)
    assert data.current_cutoff() is None


@pytest.mark.parametrize("bad", ["2024-13", "2024", "24-01", "next"])
def test_bad_month_is_one_user_error(bad: str) -> None:
    with pytest.raises(UserError, match="bad month"), data.observed_until(bad):
        pass
