"""`roxham forecast` covers the southbound half (issue 15): the series are there, and a
forecast from an origin reads no US Border Patrol figure after it (its parameters are refitted
on the figures up to the origin unless the origin is the shipped fit's last month; refits are
kept on disk under a key of everything they read)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import roxham.data as rd
from roxham.data import resolve_data_dir
from roxham.models.canada_us import southbound as S
from roxham.models.canada_us import southbound_fit as F

ORIGIN = "2019-06"
MONTHS = ["2019-07", "2019-08", "2019-09"]


def _clear_caches() -> None:
    from roxham.models.canada_us import demand as D

    F._FIT_CACHE.clear()
    S._GATE_CACHE.clear()
    D._SW_CACHE.clear()
    D._DD_CACHE.clear()


def test_southbound_series_and_no_usbp_figure_after_the_origin(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_monthly, real_series = rd.monthly, rd.series

    def monthly(name: str, geo: str, *a: Any, **k: Any) -> Any:
        df = real_monthly(name, geo, *a, **k)
        if name.startswith("usbp"):
            seen.extend(d.strftime("%Y-%m") for d, v in zip(df["month"], df["value"],
                                                            strict=True) if v is not None)
        return df

    def series(name: str, geo: str, *a: Any, **k: Any) -> Any:
        df = real_series(name, geo, *a, **k)
        if name.startswith("usbp") and df.height:
            seen.extend(d.strftime("%Y-%m") for d in df["end"])
        return df

    monkeypatch.setattr(rd, "monthly", monthly)
    monkeypatch.setattr(rd, "series", series)
    _clear_caches()
    a, info = S.forecast_samples(ORIGIN, MONTHS, 6, 3)
    assert seen and max(seen) <= ORIGIN  # the data read: all by the origin
    assert info["train_end"] == ORIGIN and "refitted" in info["parameters"]
    assert set(a) == set(S.FORECAST_SERIES)
    for x in a.values():
        assert x.shape == (6, 3) and (x >= 0).all()
    # US-NORTH is the sum of the sectors, in every draw
    sectors = [a[("southbound_crossings", g)] for g in S.SECTOR_GEO.values()]
    np.testing.assert_array_equal(sum(sectors), a[("southbound_crossings", "US-NORTH")])
    assert (a[("usbp_apprehensions", "US-SWANTON")]
            <= a[("usbp_apprehensions", "US-NORTH")]).all()

    # every figure after the origin wiped from the raw data: the same forecast
    monkeypatch.setattr(rd, "monthly", real_monthly)
    monkeypatch.setattr(rd, "series", real_series)
    root = tmp_path / "raw"
    shutil.copytree(resolve_data_dir(), root)
    for p in root.rglob("*.csv"):
        if "events" in p.name:
            continue
        lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
        keep = [lines[0]] + [ln for ln in lines[1:]
                             if not ln[:4].isdigit() or ln[:7] <= ORIGIN
                             or (len(ln) > 4 and ln[4] == "," and ln[:4] <= "2018")]
        p.write_text("".join(keep), encoding="utf-8")
    monkeypatch.setenv("ROXHAM_RAW_DIR", str(root))
    monkeypatch.setenv("ROXHAM_DISK_CACHE", "0")  # the fit really runs again on these data
    _clear_caches()
    b, _ = S.forecast_samples(ORIGIN, MONTHS, 6, 3)
    _clear_caches()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])


def test_the_shipped_fit_serves_its_own_last_month_only() -> None:
    from roxham.models.canada_us.scenario import load_scenario

    shipped = load_scenario("historical").southbound.fitted_until
    assert shipped == "2024-02"
    a, info = S.forecast_samples(shipped, ["2024-03"], 3, 1)
    assert info["train_end"] == shipped and "shipped" in info["parameters"]
    assert a[("usbp_apprehensions", "US-SWANTON")].shape == (3, 1)
    # a later origin refits on the figures up to it (the shipped fit has not seen them)
    seen: list[str] = []
    real_fit = F.fit

    def fit(p: Any, train_end: str) -> Any:
        seen.append(train_end)
        return real_fit(p, train_end)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(F, "fit", fit)
        mp.setenv("ROXHAM_DISK_CACHE", "0")
        F._FIT_CACHE.clear()
        _, info = S.forecast_samples("2024-06", ["2024-07"], 3, 1)
    assert seen == ["2024-06"]
    assert info["train_end"] == "2024-06" and "refitted" in info["parameters"]


def test_fits_are_kept_on_disk_by_what_they_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from roxham.models.canada_us.scenario import load_scenario

    monkeypatch.setenv("ROXHAM_CACHE_DIR", str(tmp_path))
    calls: list[str] = []

    def fake_fit(p: Any, train_end: str) -> Any:  # a cheap stand-in: what matters is reuse
        calls.append(train_end)
        return p.model_copy(update={"month_noise_sd": 0.123, "fitted_until": train_end}), {}

    monkeypatch.setattr(F, "fit", fake_fit)
    p = load_scenario("historical").southbound
    F._FIT_CACHE.clear()
    a = F.fit_cached(p, "2019-06")
    F._FIT_CACHE.clear()  # a new process: the disk entry serves
    b = F.fit_cached(p, "2019-06")
    assert calls == ["2019-06"] and a == b and b.month_noise_sd == 0.123
    # one target figure changed (a data revision): a new key, a new fit
    real = F.load_targets

    def revised(train_end: str, first: str = "2017-01") -> Any:
        t = real(train_end, first)
        t.monthly[("usbp_apprehensions", "US-SWANTON")]["2018-01"] += 1
        return t

    monkeypatch.setattr(F, "load_targets", revised)
    F._FIT_CACHE.clear()
    F.fit_cached(p, "2019-06")
    assert calls == ["2019-06", "2019-06"]
