"""``roxham serve``: starts a real server that answers; bad options are one line, exit 2."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "roxham", "serve", *args],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--db", "nosuchdb://x"], "--db"),
        (["--port", "70000"], "--port"),
    ],
)
def test_bad_options_are_one_line_exit_2(args: list[str], needle: str, tmp_path: Path) -> None:
    proc = _serve("--data-dir", str(tmp_path), *args)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_port_in_use_is_one_line_exit_2(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = _serve("--port", str(port), "--data-dir", str(tmp_path))
    assert proc.returncode == 2
    expected = f"error: --port: 127.0.0.1:{port} is already in use"
    assert proc.stderr.strip().splitlines() == [expected]


def test_serve_answers_and_stores_runs_where_told(tmp_path: Path) -> None:
    port = _free_port()
    db = tmp_path / "reg" / "runs.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "roxham", "serve", "--port", str(port), "--db", str(db),
         "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        body = None
        end = time.monotonic() + 60
        while time.monotonic() < end and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json",
                                            timeout=2) as r:
                    body = json.load(r)
            except OSError:
                time.sleep(0.2)
        assert body is not None, "roxham serve did not answer"
        assert "/api/v1/screen" in body["paths"] and "/api/v1/runs/{run_id}" in body["paths"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/screener", timeout=5) as r:
            assert r.headers["X-Frame-Options"] == "DENY"
            assert b"screener.js" in r.read()
        assert db.exists()  # the --db file was created
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("flag", ["--access-log", "--no-access-log"])
def test_access_log_flag_logs_request_paths_only(tmp_path: Path, flag: str) -> None:
    """Issue 18.8: --access-log had no effect. With it, each request is one line (path without
    its query string); without it, none."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "roxham", "serve", "--port", str(port), "--data-dir",
         str(tmp_path / "data"), flag],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        end = time.monotonic() + 60
        answered = False
        while time.monotonic() < end and not answered:
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/api/v1/runs?limit=5&secret=xyz", timeout=2):
                    answered = True
            except OSError:
                time.sleep(0.2)
        assert answered, "roxham serve did not answer"
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    lines = [ln for ln in (out + err).splitlines() if "GET /api/v1/runs" in ln]
    if flag == "--access-log":
        assert lines and all("secret" not in ln and "?" not in ln for ln in lines)
        assert "200" in lines[-1]
    else:
        assert lines == []
