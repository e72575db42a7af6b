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
    t = next(x for x in CANADA_US_TARGETS if x.key == "claims_rcmp/CA")
    assert load_observed([t]).series["claims_rcmp/CA"][0]["2017"] == 18875.0


def _ircc_csv(geo: str, raw_series: str) -> dict[str, float]:
    """Monthly rows of IRCC's claims table as bundled (read with csv, not roxham.data)."""
    f = resources.files("roxham.data").joinpath(
        "raw", "canada", "ircc_claims_by_office_province_monthly.csv")
    with f.open(encoding="utf-8") as fh:
        return {r["period"]: float(r["value"]) for r in csv.DictReader(fh)
                if r["geography"] == geo and r["series"] == raw_series and len(r["period"]) == 7}


@pytest.mark.parametrize(("key", "geo", "raw"), [
    ("claims_land_poe/QC", "QC", "asylum_claims_land_border_poe"),
    ("claims_inland/QC", "QC", "asylum_claims_inland_office"),
    ("claims_airport/ON", "ON", "asylum_claims_airport"),
    ("claims_land_poe/MB", "MB", "asylum_claims_land_border_poe"),
    ("claims_total/CA", "CA", "asylum_claims_total"),
])
def test_monthly_claims_targets_are_irccs_rows(key: str, geo: str, raw: str) -> None:
    """The calibration compares the model's office types x provinces with IRCC's monthly
    table, month by month (e.g. QC inland 2017-08 = 5,635; QC border 2018-08 = 1,740);
    suppressed cells are absent, never 0."""
    t = next(x for x in CANADA_US_TARGETS if x.key == key)
    got = load_observed([t]).series[key][0]
    expect = _ircc_csv(geo, raw)
    assert len(expect) > 60 and got == expect


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
