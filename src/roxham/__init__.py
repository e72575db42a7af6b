"""Roxham: open software for understanding the Canada–US asylum border.

Packages:

- :mod:`roxham.law` — the Safe Third Country Agreement (STCA) as executable, dated, cited law.
- :mod:`roxham.data` — the official statistics, every figure with its source.
- :mod:`roxham.sim` — the agent-based simulation engine (arrays + a compiled daily kernel).
- :mod:`roxham.models` — concrete models built on the engine (Canada–US, Flee scenarios).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("roxham")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
