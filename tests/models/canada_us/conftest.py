"""Shared fixtures of the Canada–US model tests: one historical run through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from roxham.cli import app
from roxham.cli._common import run_app

CliFn = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliFn:
    """Run the roxham CLI in-process: ``cli(argv)`` → (exit code, stdout, stderr)."""

    def _run(argv: list[str]) -> tuple[int, str, str]:
        capsys.readouterr()
        code = run_app(app, argv)
        cap = capsys.readouterr()
        return code, cap.out, cap.err

    return _run


@pytest.fixture(scope="session")
def historical_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """``roxham run historical -r 3 --seed 7 -o DIR --json`` once per session."""
    out = tmp_path_factory.mktemp("runs") / "hist"
    code = run_app(app, ["run", "historical", "-r", "3", "--seed", "7", "-o", str(out), "--json"])
    assert code == 0
    payload = json.loads((out / "manifest.json").read_text())
    return out, payload
