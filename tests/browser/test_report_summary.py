"""The summary on top of a run's report.html in Chromium (issue 17): one paragraph above the
charts, its figures with their 5–95 % bands, readable at 1280 px and 390 px.

The run is a hand-made monthly table (the report reads nothing else of the run): RCMP
interceptions 120/month in Canada and 100/month in Quebec up to 2023-02, a tenth of that from
2023-03, bands ±20 %. By hand: Canada 14 × 120 + 22 × 12 = 1,944; Quebec 14 × 100 + 22 × 10 =
1,620; before/after the Protocol 100 → 10 a month, a fall of 90.0 %, between 1 − 12/80 = 85.0 %
and 1 − 8/120 = 93.3 % from the bands' bounds.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Browser, expect

from roxham.report import render_run_report

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    months = [f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in range(1, 13)]
    rows = []
    for mo in months:
        for geo, base in (("CA", 120.0), ("QC", 100.0)):
            v = base if mo < "2023-03" else base / 10
            rows.append({"month": mo, "series": "rcmp_interceptions", "geography": geo,
                         "value": v, "p05": 0.8 * v, "p95": 1.2 * v, "p25": 0.9 * v,
                         "p75": 1.1 * v})
    page = render_run_report(pl.DataFrame(rows), {"scenario_name": "historical", "seed": 1,
                                                  "replicates": 3}, pl.DataFrame())
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [1280, 390])
def test_summary_paragraph_on_top_with_bands(browser: Browser, report: Path, width: int,
                                             shots: Path) -> None:
    # A context of its own: the charts of series this hand-made run lacks are empty, and
    # Plotly logs errors drawing them (the pages' console check is not for this file).
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    page.goto(report.as_uri())
    summary = page.locator("#summary")
    expect(summary).to_be_visible()
    fig = {k: summary.locator(f'[data-figure="{k}"]') for k in (
        "interceptions_ca_total", "interceptions_qc_total", "qc_before", "qc_after",
        "qc_drop", "qc_drop_lo", "qc_drop_hi", "qc_before_p05", "qc_before_p95")}
    for key, want in (("interceptions_ca_total", "1,944"), ("interceptions_qc_total", "1,620"),
                      ("qc_before", "100"), ("qc_after", "10"), ("qc_drop", "90.0 %"),
                      ("qc_drop_lo", "85.0"), ("qc_drop_hi", "93.3"), ("qc_before_p05", "80"),
                      ("qc_before_p95", "120")):
        expect(fig[key]).to_have_text(want)
    expect(summary).to_contain_text("5–95 %")
    # on top: the paragraph starts on the first screen, above every chart
    box = summary.bounding_box()
    assert box is not None and box["y"] < 900, box
    first_chart = page.locator(".plotly-graph-div").first
    expect(first_chart).to_be_visible()
    chart_box = first_chart.bounding_box()
    assert chart_box is not None and box["y"] + box["height"] <= chart_box["y"]
    page.screenshot(path=str(shots / f"report-summary-{width}.png"), full_page=False)
    ctx.close()
