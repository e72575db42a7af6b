"""Flee's scenarios on Roxham: read Flee input files, run Flee 3.1's movement rules in a
compiled kernel of their own (:mod:`roxham.models.flee.kernel`: it shares the engine's agent
arrays, ``AgentState``, location graph and path options, not its daily step, random numbers,
spawning or placement), and score the result against UNHCR camp data as Flee does. A run is
saved in the store's one run layout (:mod:`roxham.models.flee.output`).

Shipped scenarios (Flee's data, BSD-3, see ``scenarios/LICENSE.flee``): ``mali``, ``burundi``,
``car``; :func:`scenario_dirs` gives their input and validation directories.

>>> inp, val = scenario_dirs("mali")
>>> inp.name, val.name
('input_csv', 'source_data')
"""

from __future__ import annotations

from pathlib import Path

from roxham.errors import UserError
from roxham.models.flee.io import (
    FleeInput,
    Validation,
    read_input_dir,
    read_validation_dir,
)
from roxham.models.flee.settings import FleeSettings, read_settings

__all__ = [
    "SCENARIOS",
    "FleeInput",
    "FleeSettings",
    "Validation",
    "read_input_dir",
    "read_settings",
    "read_validation_dir",
    "scenario_dirs",
]

SCENARIO_ROOT = Path(__file__).parent / "scenarios"
#: Names of the shipped scenarios.
SCENARIOS: tuple[str, ...] = ("mali", "burundi", "car")


def scenario_dirs(name: str) -> tuple[Path, Path]:
    """(input directory, validation directory) of a shipped scenario."""
    if name not in SCENARIOS:
        raise UserError(f"unknown Flee scenario {name!r} (shipped: {', '.join(SCENARIOS)})")
    root = SCENARIO_ROOT / name
    return root / "input_csv", root / "source_data"
