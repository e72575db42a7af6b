"""Run directories are written all at once: a failed write leaves what was saved intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from roxham.errors import UserError
from roxham.store.rundir import atomic_run_dir


def test_a_failed_write_leaves_the_saved_run_and_no_temporary(tmp_path: Path) -> None:
    run = tmp_path / "run"
    with atomic_run_dir(run) as d:
        (d / "manifest.json").write_text("old")
    with pytest.raises(RuntimeError), atomic_run_dir(run, overwrite=True) as d:
        (d / "manifest.json").write_text("new")
        raise RuntimeError("killed mid-write")
    assert (run / "manifest.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_overwrite_replaces_only_when_complete_and_refuses_otherwise(tmp_path: Path) -> None:
    run = tmp_path / "run"
    with atomic_run_dir(run) as d:
        (d / "a.txt").write_text("old")
    with pytest.raises(UserError, match="not empty"), atomic_run_dir(run):
        pass
    with atomic_run_dir(run, overwrite=True) as d:
        (d / "b.txt").write_text("new")
    assert sorted(p.name for p in run.iterdir()) == ["b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
