"""A run of the generic engine (``roxham.sim``) is saved in the store's one layout, like a
Canada–US run, so ``roxham compare`` and the report read it like any run (issue 16.1)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from roxham.cli import app as cli_app
from roxham.cli._common import run_app
from roxham.report.run_report import render_compare_report, render_run_frames
from roxham.sim import parse_scenario, run
from roxham.store.result import MONTHLY_COLUMNS, read_result, read_table

TINY = (Path(__file__).parents[1] / "sim" / "data" / "tiny.yaml").read_text()


def _write(d: Path, yaml: str, seed: int) -> Path:
    sc = parse_scenario(yaml, "s.yaml")
    return run(sc, seed=seed, replicates=4).write(d, scenario=sc.model_dump(mode="json"))


def test_engine_run_reads_like_any_run(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    a = _write(tmp_path / "a", TINY, seed=5)
    # B: the crossing intercepts everyone (0.5 -> 1.0): the same spawns, fewer evaders
    b = _write(tmp_path / "b", TINY.replace("interception: 0.5", "interception: 1.0"), seed=5)
    got = read_result(a)
    assert tuple(got.monthly.columns[:6]) == MONTHLY_COLUMNS
    man = json.loads((a / "manifest.json").read_text())
    assert man["model"] == "sim" and man["scenario_name"] == "tiny"
    assert man["replicate_keys"] and len(man["scenario_hash"]) == 12

    # roxham compare: totals over all locations, B − A paired by replicate
    assert run_app(cli_app, ["compare", str(a), str(b), "--json",
                             "-o", str(tmp_path / "cmp.html")]) == 0
    rows = {r["series"]: r for r in
            json.loads(capsys.readouterr().out.strip().splitlines()[-1])["differences"]}
    # independent expectation from the daily extra: 10 spawned a day at A for 31 days
    assert rows["spawned"]["a"] == rows["spawned"]["b"] == 310.0
    assert rows["spawned"]["diff"] == 0.0
    # nobody evades a crossing that intercepts everyone; A's evaders, from its daily table
    daily = read_table(a, "daily")
    evaded_a = daily.filter(daily["series"] == "evaded")["value"].sum() / 4
    assert rows["evaded"]["a"] == pytest.approx(evaded_a) and evaded_a > 0
    assert rows["evaded"]["b"] == 0.0 and rows["evaded"]["diff"] == -rows["evaded"]["a"]
    per_rep = [daily.filter((daily["series"] == "evaded") & (daily["replicate"] == r))
               ["value"].sum() for r in range(4)]
    lo, hi = np.quantile(-np.asarray(per_rep, dtype=float), [0.05, 0.95])
    assert (rows["evaded"]["diff_p05"], rows["evaded"]["diff_p95"]) == pytest.approx((lo, hi))
    assert rows["population"]["kind"] == "end level"
    assert "evaded (total)" in (tmp_path / "cmp.html").read_text()

    # the report of one run: a chart per series, the run named, no Canada–US sections
    page = render_run_frames(got)
    assert "engine run: tiny" in page and "<h2>evaded</h2>" in page
    assert "RCMP" not in page
    cmp = render_compare_report("a", got.monthly, got.replicates, "b",
                                read_result(b).monthly, read_result(b).replicates)
    assert "spawned (total)" in cmp
