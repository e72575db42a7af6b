"""Air and inland streams are statistical forecasts from data up to an origin: `roxham run`
uses no official Canadian figure of the year it simulates (perturbing that year's official
figures does not move its simulated output; perturbing the year before does)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from roxham.data import resolve_data_dir
from roxham.models.canada_us import demand as D
from roxham.models.canada_us.model import run_scenario
from roxham.models.canada_us.scenario import load_scenario

_IRCC = "canada/ircc_claims_by_office_province_monthly.csv"
_STREAMS = ("asylum_claims_airport", "asylum_claims_inland_office", "asylum_claims_total")


def _perturbed_raw(tmp: Path, year: str, factor: float) -> Path:
    """A copy of the bundled data with IRCC's airport/inland/total figures of ``year``
    (monthly and yearly, every province) multiplied by ``factor``."""
    root = tmp / f"raw-{year}"
    shutil.copytree(resolve_data_dir(), root)
    p = root / _IRCC
    with p.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    n = 0
    for r in rows:
        if r["period"].startswith(year) and r["series"] in _STREAMS:
            r["value"] = str(round(float(r["value"]) * factor))
            n += 1
    assert n > 100
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fields)
        w.writeheader()
        w.writerows(rows)
    return root


def _claims(monkeypatch: pytest.MonkeyPatch, raw: Path | None) -> pl.DataFrame:
    if raw is not None:
        monkeypatch.setenv("ROXHAM_RAW_DIR", str(raw))
    else:
        monkeypatch.delenv("ROXHAM_RAW_DIR", raising=False)
    D._SW_CACHE.clear()
    D._DD_CACHE.clear()
    s = load_scenario("historical", {"start": "2024-01-01", "end": "2024-02-29",
                                     "replicates": 1})
    m = run_scenario(s, seed=4).monthly
    out = m.filter(pl.col("series").str.starts_with("claims_")).sort("series", "geography",
                                                                      "month")
    assert out.height > 0 and out["value"].sum() > 0
    return out


def test_run_uses_no_official_figure_of_the_simulated_year(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _claims(monkeypatch, None)
    same = _claims(monkeypatch, _perturbed_raw(tmp_path, "2024", 3.0))
    assert base.equals(same)  # 2024's official figures tripled: 2024 does not move
    moved = _claims(monkeypatch, _perturbed_raw(tmp_path, "2023", 3.0))
    def air(m: pl.DataFrame) -> float:
        return float(m.filter((pl.col("series") == "claims_airport")
                              & (pl.col("geography") == "CA"))["value"].sum())

    assert air(base) > 0 and air(moved) > 1.5 * air(base)


def test_rolling_origin_is_the_previous_december() -> None:
    vals, origins = D.statistical_monthly("air", ["2023-11", "2024-01", "2024-12"], None, None)
    assert origins == ["2022-12", "2023-12", "2023-12"]
    assert np.all(vals > 0)


def test_forecast_origin_uses_observed_up_to_it_and_forecast_after() -> None:
    months = ["2024-11", "2024-12", "2025-01"]
    vals, origins = D.statistical_monthly("inland", months, "2024-12", None)
    assert origins == [None, None, "2024-12"]
    obs = D.observed_stream("inland", "2024-12")[1]
    assert vals[1] == obs[-1]


def test_visa_gate_acts_after_the_forecast_origin() -> None:
    """Mexico's visa (2024-02-29) is not in data up to 2023-12: it acts through the gate on
    Mexican air claimants in 2024, and not at all on a stream forecast from 2024-06."""
    from roxham.models.canada_us.cohorts import profile_table

    def mx_air(origin: str | None) -> float:
        s = load_scenario("historical", {"start": "2024-07-01", "end": "2024-07-31",
                                         "demand": {"air_inland_origin": origin}})
        d = D.build_demand(s, profile_table())
        j = d.names.index("air:MX")
        k = d.names.index("air:CO")
        return float(d.rates[:, j].sum() / d.rates[:, k].sum())

    share = load_scenario("historical").cohorts.air_nationality
    ratio = share["MX"] / share["CO"]
    assert mx_air(None) == pytest.approx(ratio * 0.3)   # gated
    assert mx_air("2024-06") == pytest.approx(ratio)    # already in the data at the origin
