"""The report can be drawn again from any saved run directory: what ``roxham run`` saves is
enough, and reading it back gives the very page it wrote (issue 16.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from roxham.cli import app
from roxham.cli._common import run_app
from roxham.report.run_report import render_run_frames
from roxham.store.result import read_result


def test_report_redrawn_from_a_saved_run_is_the_one_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    assert run_app(app, ["run", "historical", "--seed", "3", "-r", "1", "-o", str(out),
                         "--json"]) == 0
    capsys.readouterr()
    got = read_result(out, extras=True)
    assert {"fit", "validation", "observed"} <= set(got.extras)
    assert "report.html" not in got.extras  # texts are not loaded
    assert render_run_frames(got) == (out / "report.html").read_text(encoding="utf-8")
    # without the extras the page lacks the official figures: the extras are what it read
    assert render_run_frames(read_result(out)) != (out / "report.html").read_text(
        encoding="utf-8")
