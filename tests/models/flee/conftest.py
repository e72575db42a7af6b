"""Helpers for the Flee model tests: write tiny scenarios to a temporary directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flee_tiny import TINY, write_files


@pytest.fixture
def tiny(tmp_path: Path) -> Callable[..., Path]:
    """``tiny(**overrides)`` writes the docs/flee/FORMAT.md §10 example (files replaced by
    ``overrides``, keys like ``"input/routes.csv"``) and returns the root (``input/``,
    ``data/``)."""

    def make(overrides: dict[str, str] | None = None) -> Path:
        files = dict(TINY)
        files.update(overrides or {})
        return write_files(tmp_path, files)

    return make
