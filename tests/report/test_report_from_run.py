"""The run report is drawn from what the run directory holds: its observed figures
(``observed.parquet``: source and grade per figure) and the scenario descriptions of the
manifest; nothing is read from a model package (tests/test_architecture.py)."""

from __future__ import annotations

import polars as pl

from roxham.report.run_report import render_run_frames
from roxham.store.result import RunFrames

MONTHS = [f"2022-{i:02d}" for i in range(1, 13)]


def _frames(observed: pl.DataFrame | None) -> RunFrames:
    rows = []
    for s, g in (("rcmp_interceptions", "QC"), ("rcmp_interceptions", "CA"),
                 ("claims_land_poe", "QC"), ("claims_land_poe", "CA"),
                 ("claims_total", "CA"), ("claims_rcmp", "CA"), ("irb_pending", "CA")):
        for mo in MONTHS:
            rows.append({"month": mo, "series": s, "geography": g, "value": 100.0,
                         "p05": 90.0, "p95": 110.0})
    extras: dict[str, pl.DataFrame | str] = {"fit": pl.DataFrame()}
    if observed is not None:
        extras["observed"] = observed
    manifest = {"scenario_name": "unit", "seed": 3, "replicates": 2,
                "scenario_descriptions": {"historical": "the baseline",
                                          "made-up": "A scenario only this manifest knows."}}
    return RunFrames(pl.DataFrame(rows), None, manifest, extras)


def test_observed_figures_come_from_the_run_with_their_grade() -> None:
    url = "https://example.org/ircc-table.xlsx"
    obs = pl.DataFrame({"series": ["claims_land_poe"] * 2, "geography": ["QC"] * 2,
                        "period": ["2022-03", "2022-04"], "value": [1615.0, 2500.0],
                        "source_url": [url] * 2, "source_note": ["row Border QC"] * 2,
                        "grade": ["official_mirror"] * 2})
    page = render_run_frames(_frames(obs))
    assert url in page and "claims_land_poe QC, grade official_mirror" in page
    # the descriptions of the scenario table are the manifest's
    assert "A scenario only this manifest knows." in page
    assert "compare-made-up.html" in page


def test_without_observed_figures_the_report_says_so() -> None:
    page = render_run_frames(_frames(None))
    assert "no official figure found for this series" in page
    assert "example.org" not in page
