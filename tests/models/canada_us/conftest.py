"""Shared fixtures of the Canada–US model tests: one historical run through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from roxham.cli import app
from roxham.cli._common import run_app

settings.register_profile("ci", max_examples=2000, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def cli(argv: list[str], capsys: Any) -> tuple[int, str, str]:
    """Run the roxham CLI in-process; (exit code, stdout, stderr)."""
    code = run_app(app, argv)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture(scope="session")
def historical_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """``roxham run historical -r 3 --seed 7 -o DIR --json`` once per session."""
    out = tmp_path_factory.mktemp("runs") / "hist"
    code = run_app(app, ["run", "historical", "-r", "3", "--seed", "7", "-o", str(out), "--json"])
    assert code == 0
    payload = json.loads((out / "manifest.json").read_text())
    return out, payload
