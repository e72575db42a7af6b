"""The official numbers of the Canada–US asylum border, every figure with its source.

The package bundles the sourced CSV files in ``roxham/data/raw/`` (see ``raw/README.md`` and
``SCHEMA.md`` next to this file) and reads them into one tidy, typed, validated long table.
Nothing is interpolated or resolved silently: where sources disagree every figure is kept
(:func:`conflicts` lists them); where a month is missing, :func:`monthly` and
:func:`daily_drivers` mark it.

Public API (the contract used by the Canada–US model and the web API):

- :func:`series` — every figure of one series (long Polars frame: ``period`` (Date, first day),
  ``series``, ``geography``, ``value`` (Float64), ``source_url``, ``source_note``, …);
- :func:`events` — dated events on both sides of the border, with sources;
- :func:`sources` — the sources of a series, one row per URL;
- :func:`list_series` — the catalogue: series × geography, coverage, counts, sources;
- :func:`monthly` — one preferred figure per calendar month, with ``missing``/``conflict``;
- :func:`daily_drivers` — daily driver series for the simulation (documented method);
- :func:`conflicts`, :func:`verify` — cross-checks;
- :func:`observed_until` — a cut-off: inside it every loader returns only figures whose
  period ends by a month (forecasts and fits for an origin read data inside it).

>>> qc = series("rcmp_interceptions", geography="QC", start="2017-08", end="2017-08",
...             vintage="official")
>>> qc.select("period", "value").row(0)
(datetime.date(2017, 8, 1), 5530.0)
>>> "rcmp_interceptions" in list_series().get_column("series").to_list()
True
"""

from __future__ import annotations

from roxham.data.cutoff import current_cutoff, observed_until
from roxham.data.drivers import EVENT_DRIVERS, MONTHLY_DRIVERS, daily_drivers, drivers_info
from roxham.data.load import EVENT_COLUMNS, FIGURE_COLUMNS, events, figures, resolve_data_dir
from roxham.data.query import conflicts, info, list_series, monthly, series, series_names, sources
from roxham.data.verify import VerifyReport, gaps, verify

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_DRIVERS",
    "FIGURE_COLUMNS",
    "MONTHLY_DRIVERS",
    "VerifyReport",
    "conflicts",
    "current_cutoff",
    "daily_drivers",
    "drivers_info",
    "events",
    "figures",
    "gaps",
    "info",
    "list_series",
    "monthly",
    "observed_until",
    "resolve_data_dir",
    "series",
    "series_names",
    "sources",
    "verify",
]
