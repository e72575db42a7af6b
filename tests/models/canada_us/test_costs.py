"""PBO unit costs (models/canada_us/costs.py) against the PBO's own totals."""

from __future__ import annotations

import polars as pl
import pytest

from roxham.models.canada_us.costs import PBO_UNIT_COSTS, cohort_cost


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
