"""Forecasts of the Canada–US model from an origin month (``roxham forecast``).

:func:`make_forecast` (:mod:`roxham.forecast.core`) runs the model forward from data up to
the origin only; :mod:`roxham.forecast.fit` is the one door to parameter draws;
:mod:`roxham.forecast.report` writes the run directory and its report.
"""

from __future__ import annotations

from roxham.forecast.core import SERIES_MAP, SOURCES, Forecast, latest_origin, make_forecast

__all__ = ["SERIES_MAP", "SOURCES", "Forecast", "latest_origin", "make_forecast"]
