"""``roxham flee run``: out.csv in Flee's layout, Parquet, JSON summary, clear errors."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from roxham.cli import app
from roxham.cli._common import EXIT_BAD_INPUT, run_app


def test_run_tiny_writes_flee_layout_and_json(
    tiny: Callable[..., Path], tmp_path: Path, capsys: Any
) -> None:
    root = tiny()
    out = tmp_path / "out"
    code = run_app(
        app,
        ["flee", "run", str(root / "input"), "--validation", str(root / "data"),
         "--seed", "3", "--replicates", "2", "-o", str(out), "--json"],
    )  # fmt: skip
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"avg_rel_diff", "agent_steps_per_s", "agents", "days"} <= summary.keys()
    assert summary["days"] == 10 and summary["agents"] == 1000  # docs/flee/FORMAT.md §10 totals
    assert 0.0 <= summary["avg_rel_diff"] <= 2.0
    with (out / "out.csv").open() as fh:
        rows = list(csv.reader(fh))
    # header exactly as Flee's out.csv (docs/flee/FORMAT.md §9/§10)
    assert rows[0] == [
        "Day", "Date", "Z sim", "Z data", "Z error", "Total error", "refugees in camps (UNHCR)",
        "total refugees (simulation)", "raw UNHCR refugee count",
        "refugees in camps (simulation)", "refugee_debt",
    ]  # fmt: skip
    assert [r[1] for r in rows[1:3]] == ["2020-01-01", "2020-01-02"]
    assert [int(r[3]) for r in rows[1:]] == [0, 88, 177, 266, 355, 444, 533, 622, 711, 800]
    assert [int(r[7]) for r in rows[1:]] == [0, 100, 200, 300, 400, 520, 640, 760, 880, 1000]
    # Z error = round(|sim/data - 1|, 4); day 1: sim 0, data 88 -> 1.0
    assert float(rows[2][4]) == 1.0
    assert (out / "out-1.csv").is_file()
    camps = pl.read_parquet(out / "camps.parquet")
    assert camps.height == 2 * 10 * 1 and set(camps["replicate"].to_list()) == {0, 1}
    man = json.loads((out / "manifest.json").read_text())
    assert man["seed"] == 3 and len(man["replicate_seeds"]) == 2
    # the summary's score is the mean of the replicates' scores
    assert summary["avg_rel_diff"] == pytest.approx(sum(man["avg_rel_diff_per_replicate"]) / 2)
    # the store's one run layout (issue 16.1): monthly.parquet holds the month-end camp
    # population of each replicate's out.csv, averaged; replicates.parquet each replicate's
    assert sorted(man["files"]) == sorted(p.name for p in out.iterdir())
    monthly = pl.read_parquet(out / "monthly.parquet")
    assert monthly.columns[:6] == ["month", "series", "geography", "value", "p05", "p95"]
    last = [int(rows[-1][2]), int(list(csv.reader((out / "out-1.csv").open()))[-1][2])]
    z = monthly.filter((pl.col("series") == "camp_population") & (pl.col("geography") == "Z"))
    assert z["month"].to_list() == ["2020-01"] and z["value"].to_list() == [sum(last) / 2]
    reps = pl.read_parquet(out / "replicates.parquet").filter(
        (pl.col("series") == "camp_population") & (pl.col("geography") == "Z"))
    assert reps.sort("replicate")["value"].to_list() == [float(x) for x in last]
    # roxham compare reads two Flee runs like any run: B − A is zero for the same seed
    again = tmp_path / "again"
    assert run_app(app, ["flee", "run", str(root / "input"), "--validation",
                         str(root / "data"), "--seed", "3", "--replicates", "2", "-o",
                         str(again), "--json"]) == 0
    capsys.readouterr()
    assert run_app(app, ["compare", str(out), str(again), "--json"]) == 0
    diffs = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["differences"]
    got = {r["series"]: r for r in diffs}
    assert got["camp_population"]["a"] == sum(last) / 2 and got["camp_population"]["diff"] == 0
    assert got["agents"]["a"] == 1000.0  # docs/flee/FORMAT.md §10: 1000 agents by day 9
    # and the report draws a Flee run like any run: its series over all camps
    from roxham.report.run_report import render_run_frames
    from roxham.store.result import read_result

    page = render_run_frames(read_result(out))
    assert "flee run" in page and "<h2>camp_population</h2>" in page and "RCMP" not in page


def test_shipped_scenario_by_name(tmp_path: Path, capsys: Any) -> None:
    code = run_app(app, ["flee", "run", "mali", "--days", "3", "-o", str(tmp_path), "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["days"] == 3 and summary["scenario"] == "mali"


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["flee", "run", "/no/such/dir", "--validation", "/x"], "no such directory"),
        (["flee", "run", "{input}"], "--validation"),
        (
            ["flee", "run", "{input}", "--validation", "{data}", "--settings", "{bad}"],
            "unknown key",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tiny: Callable[..., Path], tmp_path: Path, capsys: Any, args: list[str], pattern: str
) -> None:
    root = tiny({"input/locations.csv": TINY_LOCS})
    bad = tmp_path / "bad.yml"
    bad.write_text("move_rules:\n  speed: 3\n")
    argv = [a.format(input=root / "input", data=root / "data", bad=bad) for a in args]
    code = run_app(app, argv)
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert err.startswith("error: ") and pattern in err and "Traceback" not in err


def test_malformed_file_names_file_and_line(tiny: Callable[..., Path], capsys: Any) -> None:
    root = tiny({"input/routes.csv": "#h\nA,B,100,0\nA,Nowhere,5,0\n"})
    code = run_app(app, ["flee", "run", str(root / "input"), "--validation", str(root / "data")])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and "routes.csv:3: unknown location 'Nowhere'" in err


TINY_LOCS = (
    "#name,region,country,latitude,longitude,location_type,conflict_date,population\n"
    "A,RegionA,Homeland,0.0,0.0,conflict_zone,0,10000\n"
    "B,RegionB,Homeland,0.0,1.0,town,,5000\n"
    "C,RegionC,Homeland,1.0,1.0,conflict_zone,5,8000\n"
    "Z,RegionZ,Neighbour,0.0,2.0,camp,,3000\n"
)


def test_output_dir_with_other_files_and_a_failed_write(
    tiny: Callable[..., Path], tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-o into a directory holding other files: they stay; a rerun with fewer replicates
    leaves no stale out-<r>.csv; a write that fails midway leaves the previous run intact."""
    root = tiny()
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    base = ["flee", "run", str(root / "input"), "--validation", str(root / "data"),
            "-o", str(out), "--json"]
    assert run_app(app, [*base, "--replicates", "3", "--seed", "1"]) == 0
    assert (out / "out-2.csv").is_file()
    assert run_app(app, [*base, "--replicates", "1", "--seed", "2"]) == 0
    assert not (out / "out-1.csv").exists() and not (out / "out-2.csv").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()

    import roxham.models.flee.output as output

    def broken(*a: Any, **k: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.pl.DataFrame, "write_parquet", broken)
    code = run_app(app, [*base, "--replicates", "2", "--seed", "3"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT and "no space left" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
