"""`roxham forecast` contract, make_forecast's bands, and the cut-off at the origin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer

from roxham.cli import forecast_cmd
from roxham.cli._common import run_app
from roxham.data import resolve_data_dir
from roxham.forecast import SOURCES, make_forecast


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Test root."""

    forecast_cmd.register(app)
    code = run_app(app, ["forecast", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("args, msg", [
    (["--origin", "2024-13"], "bad month"),
    (["--origin", "2031-01"], "after the latest"),
    (["--months", "0"], "months"),
    (["--us-scenario", "boom"], "unknown US scenario"),
])
def test_bad_input_is_one_line_exit_2(args: list[str], msg: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(args, capsys)
    assert code == 2
    text = (out + err).strip()
    assert msg in text and len(text.splitlines()) == 1 and "Traceback" not in text


def test_json_run_dir_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fc"
    code, stdout, _ = _run(["--origin", "2024-12", "--months", "3", "--draws", "8",
                            "--json", "-o", str(out)], capsys)
    assert code == 0
    payload = json.loads(stdout.strip().splitlines()[-1])
    assert payload["run_dir"] == str(out)
    m = pl.read_parquet(out / "monthly.parquet")
    assert m.columns == ["month", "series", "geography", "value", "p05", "p95", "p25", "p75"]
    assert sorted(set(m["month"])) == ["2025-01", "2025-02", "2025-03"]
    assert {"claims_total", "claims_airport", "claims_inland", "claims_land_poe",
            "claims_rcmp"} <= set(m["series"])
    man = json.loads((out / "manifest.json").read_text())
    assert man["origin"] == "2024-12" and man["draws"] == 8
    assert set(man["statistical_streams"]) == {"air", "inland"}
    # origin 2024-12 is after the shipped fit's window (2017-01..2022-12): its draws serve
    assert man["parameters"]["train_end"] <= "2024-12" and not man["parameters"]["leak"]
    assert man["parameters"]["method"].startswith("shipped calibration")
    html = (out / "report.html").read_text()
    assert "<svg" in html and "Share of the variance" in html


def test_bands_are_ordered_and_shares_sum_to_one() -> None:
    f = make_forecast("2024-12", 2, "flat", draws=10, seed=2)
    m = f.monthly
    assert (m["p05"] <= m["p25"]).all() and (m["p25"] <= m["p75"]).all()
    assert (m["p75"] <= m["p95"]).all()
    x = f.samples[("claims_total", "CA")]
    assert x.shape == (10, 2)
    tot = m.filter((pl.col("series") == "claims_total")
                   & (pl.col("geography") == "CA"))["value"].to_numpy()
    np.testing.assert_allclose(tot, x.mean(axis=0))
    sh = f.variance_shares["claims_total/CA"]
    assert set(sh) == set(SOURCES) and abs(sum(sh.values()) - 1.0) < 1e-9
    # same seed, same forecast
    g = make_forecast("2024-12", 2, "flat", draws=10, seed=2)
    assert f.monthly.equals(g.monthly)


def test_nothing_after_the_origin_enters(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Origin 2019-06: wiping every figure after 2019-06 from the data changes nothing; the
    parameters come from a posterior asked for the window ending at the origin (the NPE
    itself is tested in tests/calibrate/test_inference.py; here a stand-in that records
    what it is asked and gives the shipped fit's point, so no prior bank is simulated)."""
    import roxham.calibrate as C
    from roxham.calibrate.runs import load_calibration
    from roxham.models.canada_us import demand as D

    asked: list[tuple[str, str, int, int]] = []
    point = load_calibration().parameters  # type: ignore[union-attr]

    def posterior(model: str, train_end: str, n: int, seed: int) -> list[dict[str, float]]:
        asked.append((model, train_end, n, seed))
        return [dict(point) for _ in range(n)]

    monkeypatch.setattr(C, "posterior_for_window", posterior)
    a = make_forecast("2019-06", 2, "flat", draws=4, seed=1, decompose=False)
    root = tmp_path / "raw"
    shutil.copytree(resolve_data_dir(), root)
    for p in root.rglob("*.csv"):
        if "events" in p.name:
            continue
        lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
        keep = [lines[0]] + [ln for ln in lines[1:]
                             if not ln[:4].isdigit() or ln[:7] <= "2019-06"
                             or (len(ln) > 4 and ln[4] == "," and ln[:4] <= "2018")]
        p.write_text("".join(keep), encoding="utf-8")
    monkeypatch.setenv("ROXHAM_RAW_DIR", str(root))
    D._SW_CACHE.clear()
    D._DD_CACHE.clear()
    b = make_forecast("2019-06", 2, "flat", draws=4, seed=1, decompose=False)
    assert a.monthly.equals(b.monthly)
    assert asked == [("canada_us", "2019-06", 4, 1)] * 2
    assert a.manifest["parameters"]["train_end"] == "2019-06"
    assert not a.manifest["parameters"]["fallback"]


@pytest.mark.slow
def test_same_seed_same_forecast_whatever_the_workers() -> None:
    a = make_forecast("2024-12", 1, "flat", draws=3, seed=5, decompose=False, workers=1)
    b = make_forecast("2024-12", 1, "flat", draws=3, seed=5, decompose=False, workers=2)
    assert a.monthly.equals(b.monthly)
