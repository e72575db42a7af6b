"""A run saved by the web lab is a run directory like one saved by ``roxham run``: the same
files and schema, the same numbers for the same seed, and ``roxham compare`` reads either
(issue 16.1); a run whose saved files are gone or damaged is a clear 410 / one line (18.8)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.canada_us_backend import CanadaUsBackend
from roxham.cli import app as cli_app
from roxham.cli._common import run_app


def _web_run(data: Path, seed: int) -> tuple[TestClient, str]:
    app = create_app(ApiSettings(db_url=f"sqlite:///{data / 'runs.db'}", data_dir=data),
                     backend=CanadaUsBackend())
    c = TestClient(app, raise_server_exceptions=False)
    c.__enter__()
    run_id = c.post("/api/v1/runs", json={"scenario": "historical", "seed": seed}).json()["id"]
    end = time.monotonic() + 300
    while (run := c.get(f"/api/v1/runs/{run_id}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < end
        time.sleep(0.2)
    assert run["status"] == "done", run["error"]
    return c, run_id


def test_web_and_cli_runs_share_one_layout_and_compare_reads_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    c, run_id = _web_run(tmp_path / "data", seed=3)
    web = tmp_path / "data" / "runs" / run_id
    cli = tmp_path / "cli"
    try:
        assert run_app(cli_app, ["run", "historical", "--seed", "3", "-r", "1", "-o", str(cli),
                                 "--no-report", "--json"]) == 0
        capsys.readouterr()
        # one layout: the files roxham run writes are all in the web run too
        cli_files = set(json.loads((cli / "manifest.json").read_text())["files"])
        web_manifest = json.loads((web / "manifest.json").read_text())
        assert cli_files <= set(web_manifest["files"])
        assert {p.name for p in web.iterdir()} == set(web_manifest["files"])
        # the same seed through either entry point: the same numbers, to the bit
        for name in ("monthly", "replicates", "fit", "validation"):
            assert pl.read_parquet(web / f"{name}.parquet").equals(
                pl.read_parquet(cli / f"{name}.parquet")), name
        # roxham compare reads a web run like a CLI run: B − A is exactly zero everywhere
        assert run_app(cli_app, ["compare", str(web), str(cli), "--json"]) == 0
        rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["differences"]
        assert rows and all(r["diff"] == 0 and r["a"] == r["b"] for r in rows)

        # damaged files: the API says 410 (not 500), the CLI one line and exit 2
        (web / "series.parquet").write_bytes(b"not parquet")
        r = c.get(f"/api/v1/runs/{run_id}")
        assert r.status_code == 410 and r.json()["detail"][0]["type"] == "run_gone"
        assert str(web) not in r.text  # server paths stay private
        (web / "monthly.parquet").unlink()
        assert run_app(cli_app, ["compare", str(web), str(cli)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "monthly.parquet" in err and "missing" in err
        (cli / "manifest.json").write_text("{not json")
        assert run_app(cli_app, ["compare", str(cli), str(cli)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "manifest.json" in err and "unreadable" in err
    finally:
        c.__exit__(None, None, None)
