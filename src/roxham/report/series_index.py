"""A run's long table (monthly results, or the official figures stored with it) split once by
(series, geography), for the report's charts.

A report draws a few dozen (series, geography) pairs, several of them more than once; filtering
the whole table for each pair was one polars query per chart line. The index splits the table
in one pass and sorts a part the first time a chart asks for it.

>>> m = pl.DataFrame({"series": ["a", "a", "b"], "geography": ["CA", "QC", "CA"],
...                   "month": ["2020-02", "2020-01", "2020-01"], "value": [1.0, 2.0, 3.0]})
>>> idx = SeriesIndex(m, "month")
>>> idx.get("a", "QC")["value"].to_list()
[2.0]
>>> idx.geographies("a"), idx.get("c", "CA").height
(['CA', 'QC'], 0)
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from polars.datatypes import DataTypeClass

__all__ = ["SeriesIndex"]


class SeriesIndex:
    """The rows of each (series, geography) of ``table``, sorted by ``order``: the same frame
    as ``table.filter(series == s, geography == g).sort(order)``.

    ``table`` may be ``None`` or empty (nothing stored): with ``schema``, every look-up is
    then an empty frame of ``schema``."""

    def __init__(self, table: pl.DataFrame | None, order: str,
                 schema: Mapping[str, pl.DataType | DataTypeClass] | None = None) -> None:
        if table is None or (schema is not None and table.is_empty()):
            table = pl.DataFrame(schema=schema)
        self._empty = table.clear()
        self._order = order
        self._parts: dict[tuple[str, str], pl.DataFrame] = {
            (str(s), str(g)): part for (s, g), part in
            (table.partition_by("series", "geography", as_dict=True).items()
             if table.height else ())
        }
        self._sorted: set[tuple[str, str]] = set()

    def get(self, series: str, geography: str) -> pl.DataFrame:
        """The rows of ``series`` in ``geography``, sorted (empty if it has none)."""
        key = (series, geography)
        part = self._parts.get(key)
        if part is None:
            return self._empty
        if key not in self._sorted:
            part = self._parts[key] = part.sort(self._order)
            self._sorted.add(key)
        return part

    def geographies(self, series: str) -> list[str]:
        """The geographies of ``series``, in the order the table first lists them."""
        return [g for s, g in self._parts if s == series]
