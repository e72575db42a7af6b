"""Fixtures for the data tests: a writable copy of the bundled raw files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from roxham.data import resolve_data_dir


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the bundled data directory that a test may corrupt."""
    dst = tmp_path / "raw"
    shutil.copytree(resolve_data_dir(), dst)
    return dst


def edit_line(path: Path, line: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on 1-based ``line`` of a text file (must be present)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], (old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
