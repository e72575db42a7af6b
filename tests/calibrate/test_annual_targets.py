"""Annual targets of the calibration distance (IRCC claims by office type, annual only)."""

from __future__ import annotations

import csv
from importlib import resources

import polars as pl
import pytest

from roxham.calibrate.distance import Target, distance, load_observed, sim_table, whole_years
from roxham.calibrate.priors import CANADA_US_TARGETS

RAW = "asylum_claims_annual.csv"


def raw_annual(office: str) -> dict[str, float]:
    """First row per year of the bundled CSV (read here with csv, not roxham.data)."""
    f = resources.files("roxham.data").joinpath("raw", "canada_found", RAW)
    out: dict[str, float] = {}
    with f.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row["geography"] == office and row["series"] == "asylum_claims"
                    and len(row["period"]) == 4):  # whole years (not e.g. 2022-01..2022-09)
                out.setdefault(str(row["period"]), float(row["value"]))
    return out


@pytest.mark.parametrize("office", ["rcmp", "land_poe", "inland"])
def test_annual_figures_are_the_official_csv_rows(office: str) -> None:
    t = Target("claims", office, data_name="asylum_claims", data_geography="CA",
               frequency="year", data_subgroup=f"office={office}")
    obs = load_observed([t])
    got = obs.series[t.key][0]
    expect = raw_annual(office)
    assert expect, "the bundled CSV has this office's rows"
    for year, v in expect.items():
        assert got[year] == v


def test_rcmp_2017_claims_figure() -> None:
    # IRCC Deputy Minister transition binder 2024, Table A, row Irregular, 2017: 18,875
    t = next(x for x in CANADA_US_TARGETS if x.key == "claims/rcmp")
    assert load_observed([t]).series["claims/rcmp"][0]["2017"] == 18875.0


def test_whole_years_only() -> None:
    assert whole_years("2017-01", "2022-12") == [str(y) for y in range(2017, 2023)]
    assert whole_years("2017-02", "2018-12") == ["2018"]
    assert whole_years("2017-01", "2017-11") == []


def test_annual_distance_sums_months() -> None:
    t = Target("claims", "rcmp", data_name="asylum_claims", data_geography="CA",
               frequency="year", data_subgroup="office=rcmp")
    obs = load_observed([t])
    o17, o18 = obs.series[t.key][0]["2017"], obs.series[t.key][0]["2018"]
    months = [f"{y}-{m:02d}" for y in (2017, 2018) for m in range(1, 13)]
    # simulated: exactly the official total in 2017, half of it in 2018 (spread over months)
    vals = [o17 / 12] * 12 + [o18 / 24] * 12
    sim = pl.DataFrame({"month": months, "series": ["claims"] * 24,
                        "geography": ["rcmp"] * 24, "value": vals})
    d = distance(sim_table(sim, [t.key], obs.frequency), obs, "2017-01", "2018-12")
    # sMAPE: 2017 → 0; 2018 → 2·0.5/1.5 = 66.67 %; mean 33.33
    assert d.per_series[t.key].n == 2
    assert d.value == pytest.approx(100 / 3, rel=1e-9)
