"""Two ``roxham run`` with the same seed write the same bytes (issue 18.8): every file but the
manifest, whose timings and creation time are the documented exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roxham.cli import app
from roxham.cli._common import run_app

# manifest keys that say when and how fast, not what: the only allowed differences
VOLATILE = {"created_utc", "timings_s"}


def test_same_seed_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "short.yaml"
    f.write_text("extends: historical\nname: short\nstart: 2022-01-01\nend: 2023-12-31\n")
    dirs = [tmp_path / "a", tmp_path / "b"]
    for d in dirs:
        assert run_app(app, ["run", str(f), "--seed", "11", "-r", "2", "-o", str(d),
                             "--json"]) == 0
    capsys.readouterr()
    names = sorted(p.name for p in dirs[0].iterdir())
    assert names == sorted(p.name for p in dirs[1].iterdir())
    assert {"monthly.parquet", "replicates.parquet", "fit.parquet", "validation.parquet",
            "report.html", "manifest.json"} <= set(names)
    for name in names:
        if name != "manifest.json":
            assert (dirs[0] / name).read_bytes() == (dirs[1] / name).read_bytes(), name
    ma, mb = (json.loads((d / "manifest.json").read_text()) for d in dirs)
    assert {k for k in ma if ma[k] != mb.get(k)} <= VOLATILE
