"""The forecast backtest (issue 13 item 7): no forecaster sees a figure after its origin,
scores by hand on a made-up result, the benchmark's JSON line contract, the model adapter
runs inside the data cut, a quick run of the statistical stand-in, `roxham validate
--backtest`."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
import types
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from roxham.calibrate import backtest as bt
from roxham.calibrate.backtest import (
    BACKTEST_SERIES,
    Backtest,
    OriginResult,
    Predictive,
    history_until,
    run_backtest,
    score,
)
from roxham.calibrate.executor import LocalExecutor
from roxham.cli._common import run_app
from roxham.errors import UserError

from ._cli_app import calibrate_app

ROOT = Path(__file__).resolve().parents[2]
SEEN: list[tuple[str, str, list[str]]] = []


def spy_forecaster(origin: str, history: Mapping[str, Mapping[str, float]],
                   months: Sequence[str], draws: int, seed: int) -> dict[str, Predictive]:
    """Records the latest month it was given per series; forecasts each series' last value."""
    out = {}
    for key, h in history.items():
        SEEN.append((origin, key, sorted(h)))
        last = h[max(h)] if h else 0.0
        out[key] = Predictive(samples=np.full((draws, len(months)), last))
    return out


def test_no_forecaster_sees_a_figure_after_its_origin() -> None:
    SEEN.clear()
    origins = ["2018-06", "2020-12", "2023-03"]
    b = run_backtest(spy_forecaster, origins, horizon=12, draws=3, seed=1,
                     executor=LocalExecutor(1))
    assert {(o, k) for o, k, _ in SEEN} == {(o, k) for o in origins for k in BACKTEST_SERIES}
    for origin, key, months in SEEN:
        assert months, (origin, key)
        assert max(months) <= origin, (origin, key, max(months))
    # the cut is at the origin, not earlier: the IRCC series have a figure for every month
    for origin, key, months in SEEN:
        if key != "rcmp_interceptions/QC":
            assert max(months) == origin
    # and the outcomes scored are after the origin
    assert all(r.h >= 1 for r in b.records) and b.records


def test_history_until_cuts_at_the_origin_and_keeps_gaps() -> None:
    full = bt._read(["rcmp_interceptions/QC"], None)["rcmp_interceptions/QC"]
    h = history_until("2022-06", ["rcmp_interceptions/QC"])["rcmp_interceptions/QC"]
    assert max(full) > "2022-06" and max(h) == "2022-06"
    assert h == {m: v for m, v in full.items() if m <= "2022-06"}
    assert "2020-06" not in h  # no monthly figure at all: left out, not filled
    assert h["2019-01"] == 871.0  # first-reported (weak) figures are history...
    scored = bt.outcomes(["rcmp_interceptions/QC"])["rcmp_interceptions/QC"]
    assert "2019-01" not in scored and scored["2022-06"] == 3068.0  # ...but never outcomes


def test_the_model_adapter_runs_inside_the_data_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    import roxham.data

    active: list[str] = []
    calls: list[tuple[str, list[str]]] = []

    @contextmanager
    def observed_until(month: str) -> Iterator[None]:
        active.append(month)
        try:
            yield
        finally:
            active.pop()

    def make_forecast(origin: str, months: int, us_scenario: str, draws: int,
                      seed: int) -> Any:
        calls.append((origin, list(active)))
        ms = [bt.metrics.shift_month(origin, i) for i in range(1, months + 1)]
        monthly = pl.DataFrame({
            "month": ms, "series": ["claims_total"] * months, "geography": ["CA"] * months,
            "value": [5.0] * months, "p05": [1.0] * months, "p95": [9.0] * months,
            "p25": [4.0] * months, "p75": [6.0] * months})
        samples = {("claims_land_poe", "QC"): np.arange(draws * months, dtype=float
                                                        ).reshape(draws, months)}
        return types.SimpleNamespace(monthly=monthly, samples=samples, manifest={})

    fake = types.ModuleType("roxham.forecast")
    fake.make_forecast = make_forecast  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "roxham.forecast", fake)
    monkeypatch.setattr(roxham.data, "observed_until", observed_until, raising=False)
    hist = {"claims_land_poe/QC": {"2019-06": 1.0}, "claims_total/CA": {"2019-06": 2.0},
            "claims_inland/CA": {"2019-06": 3.0}}
    out = bt.model_forecaster("2019-06", hist, ["2019-07", "2019-08"], 4, 1)
    assert calls == [("2019-06", ["2019-06"])]
    assert out["claims_land_poe/QC"].samples is not None
    assert out["claims_land_poe/QC"].samples.shape == (4, 2)
    q = out["claims_total/CA"]  # no samples: its quantiles
    assert q.samples is None and list(q.median()) == [5.0, 5.0]
    lo, hi = q.interval(0.9)
    assert list(lo) == [1.0, 1.0] and list(hi) == [9.0, 9.0]
    assert "claims_inland/CA" not in out  # nothing forecast: left out, scored as missing


def test_model_forecaster_without_roxham_forecast_is_one_clear_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "roxham.forecast", None)
    with pytest.raises(UserError, match="--forecaster statistical"):
        bt.model_forecaster("2019-06", {}, ["2019-07"], 2, 1)


def _result(origin: str, months: list[str], model: dict[str, Predictive],
            hist_last: float, scale: float) -> OriginResult:
    k = "s/X"
    return OriginResult(origin, months, model,
                        {k: {months[0]: 10.0, months[1]: 20.0}},
                        {k: {m: hist_last for m in months}},
                        {k: np.array([12.0, 12.0])}, {k: "test"}, {k: (scale, 12)})


def test_scores_by_hand() -> None:
    months = ["2020-01", "2020-02"]
    truth = {"s/X": {"2020-01": 12.0, "2020-02": 16.0}}
    samples = np.array([[10.0, 0.0], [12.0, 16.0], [14.0, 100.0], [13.0, 17.0]])
    r = _result("2019-12", months, {"s/X": Predictive(samples=samples)}, 11.0, 2.0)
    recs = score([r], truth)
    assert [(x.h, x.y) for x in recs] == [(1, 12.0), (2, 16.0)]
    # medians 12.5 and 16.5; |e|/2
    assert recs[0].err == {"model": 0.25, "seasonal_naive": 1.0, "last_value": 0.5,
                           "statistical": 0.0}
    assert recs[1].err == {"model": 0.25, "seasonal_naive": 2.0, "last_value": 2.5,
                           "statistical": 2.0}
    assert recs[0].crps == pytest.approx(float(bt.metrics.crps_samples(samples[:, 0], 12.0)))
    b = Backtest("spy", ["2019-12"], ["s/X"], 2, 4, 1, "ets", recs, 0.5)
    s = b.summary()
    assert set(s) == {"origins", "coverage_50", "coverage_90", "crps_model", "mase_model",
                      "mase_seasonal_naive", "mase_last_value", "mase_statistical", "wall_s",
                      "per_series"}
    assert s["origins"] == 1
    assert s["mase_model"] == 0.25
    assert s["mase_seasonal_naive"] == 1.5 and s["mase_last_value"] == 1.5
    assert s["mase_statistical"] == 1.0
    # 50 % band of samples 10,12,14,13 is [11.5, 13.25]: 12 inside; of 0,16,100,17 is
    # [12, 37.75]: 16 inside. 90 %: both inside
    assert s["coverage_50"] == 1.0 and s["coverage_90"] == 1.0
    assert s["per_series"]["s/X"]["beats_statistical"] is True
    per_h = b.per_horizon()
    assert per_h[2]["mase"]["last_value"] == 2.5


def test_a_series_that_does_not_beat_the_statistical_baseline_is_kept_and_said_so() -> None:
    months = ["2020-01", "2020-02"]
    truth = {"s/X": {"2020-01": 12.0, "2020-02": 12.0}}
    bad = Predictive(samples=np.full((5, 2), 30.0))
    recs = score([_result("2019-12", months, {"s/X": bad}, 12.0, 3.0)], truth)
    b = Backtest("spy", ["2019-12"], ["s/X"], 2, 5, 1, "ets", recs, 0.1)
    s = b.summary()
    assert s["per_series"]["s/X"]["beats_statistical"] is False
    assert s["per_series"]["s/X"]["mase"]["model"] == 6.0
    assert s["coverage_90"] == 0.0
    tables = bt.render_tables(b.to_json())
    from rich.console import Console

    con = Console(record=True, width=120)
    for t in tables:
        con.print(t)
    assert "NO" in con.export_text()


def test_quick_statistical_standin_is_reproducible_across_workers_and_dask() -> None:
    kw: dict[str, Any] = {"origins": ["2019-06", "2022-12"], "keys": ["claims_total/CA"],
                          "horizon": 4, "draws": 30, "seed": 5}
    one = run_backtest("statistical", executor=LocalExecutor(1), **kw)
    ex = LocalExecutor(2)
    try:
        two = run_backtest("statistical", executor=ex, **kw)
    finally:
        ex.close()
    from distributed import Client, LocalCluster

    from roxham.calibrate import DaskExecutor

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dask = run_backtest("statistical", executor=DaskExecutor(client), **kw)
    a, b, c = one.summary(), two.summary(), dask.summary()
    for x in (a, b, c):
        x.pop("wall_s")
    assert a == b == c
    assert a["origins"] == 2 and a["per_series"]["claims_total/CA"]["n"] == 8
    for k in ("coverage_50", "coverage_90", "crps_model", "mase_model", "mase_statistical"):
        assert a[k] is not None and math.isfinite(a[k])
    assert any("STAND-IN" in n for n in one.notes)




def _bench() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(
        "forecast_backtest", ROOT / "benchmarks" / "forecast_backtest.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_benchmark_last_line_is_the_json_contract(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bt.json"
    rc = _bench().main(["--quick", "--forecaster", "statistical", "--origins",
                        "2019-06,2023-06", "--series", "claims_total/CA,rcmp_interceptions/QC",
                        "--output", str(out)])
    assert rc == 0
    lines = capsys.readouterr().out.strip().splitlines()
    last = json.loads(lines[-1])
    assert set(last) == {"origins", "coverage_50", "coverage_90", "crps_model", "mase_model",
                         "mase_seasonal_naive", "mase_last_value", "mase_statistical",
                         "wall_s", "per_series"}
    assert last["origins"] == 2
    assert set(last["per_series"]) == {"claims_total/CA", "rcmp_interceptions/QC"}
    for p in last["per_series"].values():
        assert set(p["mase"]) == {"model", "seasonal_naive", "last_value", "statistical"}
        assert {"coverage_50", "coverage_90", "beats_statistical"} <= set(p)
    assert any("STAND-IN" in x for x in lines[:-1])
    saved = json.loads(out.read_text())
    assert saved["summary"]["mase_model"] == last["mase_model"]

    # `roxham validate --backtest FILE` shows the same tables
    rc = run_app(calibrate_app(), ["validate", "--backtest", str(out)])
    shown = capsys.readouterr().out
    assert rc == 0
    assert "rcmp_interceptions/QC" in shown and "per horizon" in shown
    assert f"{last['mase_statistical']:.2f}" in shown
    rc = run_app(calibrate_app(), ["validate", "--backtest", str(tmp_path / "nope.json")])
    err = capsys.readouterr().err
    assert rc == 2 and "no such file" in err and "Traceback" not in err


def test_benchmark_model_without_roxham_forecast_is_exit_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bench = _bench()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert bench.main(["--quick"]) == 2
    assert "--forecaster statistical" in capsys.readouterr().err


def partial_forecaster(origin: str, history: Mapping[str, Mapping[str, float]],
                       months: Sequence[str], draws: int, seed: int) -> bt.Forecasts:
    """Forecasts CA total claims only (its last value), with a note."""
    h = history["claims_total/CA"]
    return bt.Forecasts({"claims_total/CA": Predictive(
        samples=np.full((draws, len(months)), h[max(h)]))}, notes=[f"partial at {origin}"])


def test_a_series_the_model_does_not_forecast_is_listed_and_left_out_of_the_means() -> None:
    b = run_backtest(partial_forecaster, ["2019-06", "2022-06"],
                     keys=["claims_total/CA", "claims_inland/CA"], horizon=3, draws=2,
                     executor=LocalExecutor(1))
    s = b.summary()
    total, inland = s["per_series"]["claims_total/CA"], s["per_series"]["claims_inland/CA"]
    assert inland["mase"]["model"] is None and inland["mase"]["last_value"] is not None
    # the model is the last value here: same MASE, and the means use CA total only
    assert total["mase"]["model"] == total["mase"]["last_value"]
    assert s["mase_model"] == s["mase_last_value"] == total["mase"]["last_value"]
    assert s["mase_statistical"] == total["mase"]["statistical"]
    assert "partial at 2019-06" in b.notes
    assert any("no model forecast" in n and "claims_inland/CA@2022-06" in n for n in b.notes)
