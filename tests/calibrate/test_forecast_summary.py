"""The summary paragraph on top of the forecast (validation) report, on a hand-made
validation whose figures are known."""

from __future__ import annotations

import re

import polars as pl

from roxham.calibrate.distance import Observed
from roxham.calibrate.validate import SkillRow, Validation, render_validation_report


def _validation() -> tuple[Validation, Observed]:
    months = ["2022-11", "2022-12", "2023-01", "2023-02", "2023-03"]
    bands = pl.DataFrame({
        "month": months, "series": "rcmp_interceptions", "geography": "QC",
        "p05": [1.0, 1.0, 80.0, 90.0, 100.0], "p50": [2.0, 2.0, 100.0, 120.0, 140.0],
        "p95": [3.0, 3.0, 130.0, 150.0, 170.0],
    })
    skill = [
        SkillRow("rcmp_interceptions/QC", 3, 10.0, 20.0, 15.0, 0.5, 0.9, 0.4),  # beats seasonal
        SkillRow("rcmp_interceptions/CA", 3, 10.0, 20.0, 15.0, 1.2, 0.9, 1.5),  # beats last
        SkillRow("claims/total", 1, 5.0, 6.0, 7.0, 0.3, 0.4, 0.5),  # beats both
    ]
    v = Validation("2017-01", "2022-12", "2023-03", skill,
                   {"observed": -0.95, "simulated": -0.9, "pre_months": [], "post_months": []},
                   bands, {}, 1.0, 10, 4)
    obs = Observed(series={"rcmp_interceptions/QC": ({"2023-01": 90.0, "2023-03": 150.0}, 0)},
                   weights={"rcmp_interceptions/QC": 1.0},
                   sources={"rcmp_interceptions/QC": "https://www.canada.ca/x"})
    return v, obs


def _fig(page: str, key: str) -> str:
    m = re.search(rf'data-figure="{key}">([^<]*)<', page)
    assert m, key
    return m.group(1)


def test_forecast_summary_states_skill_forecast_band_and_official() -> None:
    v, obs = _validation()
    page = render_validation_report([v], obs, "test")
    assert page.index('id="summary"') < page.index("<table>")  # on top
    assert _fig(page, "series_scored") == "3"
    assert _fig(page, "beats_seasonal") == "2"  # QC (0.5 < 0.9) and claims (0.3 < 0.4)
    assert _fig(page, "beats_last") == "2"  # CA (1.2 < 1.5) and claims (0.3 < 0.5)
    # test months 2023-01..03 only: p50 (100+120+140)/3, p05 90, p95 150
    assert _fig(page, "forecast_p50") == "120"
    assert _fig(page, "forecast_p05") == "90"
    assert _fig(page, "forecast_p95") == "150"
    assert _fig(page, "official_mean") == "120"  # (90 + 150) / 2
    assert 'href="https://www.canada.ca/x"' in page and "−90.0 %" not in page
    assert "-90.0 % in the forecast" in page and "-95.0 % observed" in page
