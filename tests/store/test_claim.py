"""A run directory is claimed before it is written: two writers for one directory cannot both
succeed (one result would silently replace the other), and temporary folders that killed
writers left behind are cleared (issue 18, items 2 and 8)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roxham.cli import app
from roxham.cli._common import run_app
from roxham.store.claim import RunDirBusy, StorageFull, collect_garbage, storage_error
from roxham.store.rundir import atomic_run_dir

# A writer in another process that holds its run directory open until told to finish
# (it creates the file "go" to signal it has started; it finishes when "release" exists).
_WRITER = """
import pathlib, sys, time
from roxham.store.rundir import atomic_run_dir
run = pathlib.Path(sys.argv[1])
with atomic_run_dir(run) as tmp:
    (tmp / "manifest.json").write_text('{"writer": "first"}')
    (run.parent / "go").write_text("")
    while not (run.parent / "release").exists():
        time.sleep(0.02)
"""


def _start_writer(run: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(run)], env=env)
    end = time.monotonic() + 60
    while not (run.parent / "go").exists():
        assert proc.poll() is None, "the first writer died"
        assert time.monotonic() < end, "the first writer did not start"
        time.sleep(0.02)
    return proc


def test_a_second_writer_is_refused_while_the_first_writes(tmp_path: Path) -> None:
    run = tmp_path / "run"
    first = _start_writer(run)
    try:
        with pytest.raises(RunDirBusy, match="being written by another process"), \
                atomic_run_dir(run) as tmp:
            (tmp / "manifest.json").write_text('{"writer": "second"}')
    finally:
        (tmp_path / "release").write_text("")
        assert first.wait(60) == 0
    # the first writer's result is the one saved, and nothing of the second is left
    assert json.loads((run / "manifest.json").read_text()) == {"writer": "first"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["go", "release", "run"]
    # after the first is done, a new writer is refused because the directory holds a run
    with pytest.raises(Exception, match="not empty"), atomic_run_dir(run):
        pass


def test_roxham_run_into_a_claimed_directory_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    first = _start_writer(run)
    try:
        code = run_app(app, ["run", "historical", "-r", "1", "--uncalibrated", "--no-report",
                             "-o", str(run)])
    finally:
        (tmp_path / "release").write_text("")
        assert first.wait(60) == 0
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "being written by another process" in err
    assert json.loads((run / "manifest.json").read_text()) == {"writer": "first"}


def test_gc_removes_temporaries_of_killed_writers_only(tmp_path: Path) -> None:
    run = tmp_path / "run"
    live = _start_writer(run)
    killed = _start_writer_other(tmp_path / "other")
    killed.send_signal(signal.SIGKILL)
    killed.wait(60)
    temps = sorted(p.name for p in tmp_path.iterdir() if ".tmp-" in p.name)
    assert temps == [f".other.tmp-{killed.pid}", f".run.tmp-{live.pid}"]
    try:
        removed = collect_garbage(tmp_path)
        assert {p.name for p in removed} <= {f".other.tmp-{killed.pid}", ".other.lock"}
        assert not (tmp_path / f".other.tmp-{killed.pid}").exists()
        assert not (tmp_path / ".other.lock").exists()
        assert (tmp_path / ".run.lock").exists()  # held by the live writer
        assert (tmp_path / f".run.tmp-{live.pid}").is_dir()  # a live writer's is kept
    finally:
        (tmp_path / "release").write_text("")
        assert live.wait(60) == 0
    # a writer starting later clears what a killed one left in the same folder
    killed2 = _start_writer_other(tmp_path / "third")
    killed2.send_signal(signal.SIGKILL)
    killed2.wait(60)
    with atomic_run_dir(tmp_path / "fourth") as tmp:
        (tmp / "manifest.json").write_text("{}")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _start_writer_other(run: Path) -> subprocess.Popen[bytes]:
    (run.parent / "go").unlink(missing_ok=True)
    return _start_writer(run)


def test_roxham_runs_gc_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".dead.lock").write_text("")  # a writer killed before it wrote anything
    (tmp_path / ".dead.tmp-999999999").mkdir()
    (tmp_path / ".dead.tmp-999999999" / "monthly.parquet").write_text("partial")
    (tmp_path / "kept").mkdir()
    assert run_app(app, ["runs", "gc", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["kept"]
    assert "removed 2" in capsys.readouterr().out


def test_a_full_disk_is_one_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    run = tmp_path / "run"
    with pytest.raises(StorageFull, match="no space left"), atomic_run_dir(run):
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []
    assert isinstance(storage_error(OSError(13, "Permission denied"), "x"), Exception)
