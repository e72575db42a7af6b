"""The Canada–US model as a :class:`~roxham.api.jobs.ModelBackend` for the scenario lab.

Until the model package is installed, :func:`load_backend` returns a backend with no scenarios
(the lab then says so).
"""

from __future__ import annotations

from roxham.api.jobs import ModelBackend, NoModel


def load_backend() -> ModelBackend:
    """The Canada–US backend if its model is available, else :class:`NoModel`."""
    return NoModel()


__all__ = ["load_backend"]
