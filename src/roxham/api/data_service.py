"""The data explorer behind ``GET /data/series`` and ``GET /data/series/{name}``.

A thin layer over :mod:`roxham.data`: the catalogue with measure, coverage and grades, and
every figure of a series with its source, grade and vintage (``release``). Unknown series are
404; a bad filter (geography, dates) is 422 naming the
query parameter.
"""

from __future__ import annotations

from typing import Any

from roxham import data
from roxham.api.encoding import to_jsonable
from roxham.api.problems import NotFound, RequestProblem
from roxham.errors import UserError

#: Columns of each figure sent to clients (the rest stay in the library).
FIGURE_FIELDS = (
    "period", "start", "end", "period_text", "period_kind", "geography", "subgroup", "value",
    "value_text", "unit", "approx", "vintage", "source_url", "source_note", "file", "line",
    "measure", "office", "qualifier", "grade", "release",
)


def catalogue() -> list[dict[str, Any]]:
    """Every series × geography with its measure, title, unit, coverage (first/last, months),
    counts and grades (``grades``: count per grade; ``best_grade``)."""
    rows: list[dict[str, Any]] = to_jsonable(data.list_series().to_dicts())
    return rows


def series_detail(
    name: str,
    geography: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """One series: description, its geographies' coverage, figures with sources, and sources.

    With a ``geography`` the preferred monthly figures (one per month, missing months marked)
    are included too, for charts.
    """
    if name not in data.series_names():
        raise NotFound("series", name, ("path", "name"))
    try:
        info = data.info(name)
        df = data.series(name, geography, start, end, subgroup=None)
        catalogue_all = data.list_series()
        cat = catalogue_all.filter(catalogue_all["series"] == name)
        srcs = data.sources(name)
        monthly = None
        if geography is not None and df.filter(df["period_kind"] == "month").height > 0:
            monthly = data.monthly(name, geography, start, end)
    except UserError as e:
        msg = str(e)
        field = "geography" if "geography" in msg else ("start" if "start" in msg else "end")
        if "end" in msg and "start" not in msg:
            field = "end"
        raise RequestProblem([{"loc": ["query", field], "msg": msg, "type": "value_error"}]) from e
    figures = df.select([c for c in FIGURE_FIELDS if c in df.columns])
    return {
        "name": name,
        "info": to_jsonable(info),
        "coverage": to_jsonable(cat.to_dicts()),
        "figures": to_jsonable(figures.to_dicts()),
        "monthly": None if monthly is None else to_jsonable(monthly.to_dicts()),
        "sources": to_jsonable(srcs.to_dicts()),
    }


__all__ = ["FIGURE_FIELDS", "catalogue", "data", "series_detail"]
