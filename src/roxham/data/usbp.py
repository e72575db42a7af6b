"""US Border Patrol apprehensions on the northern border, as one series per geography
(issue 15): ``usbp_apprehensions`` for ``US-SWANTON``, ``US-NORTH`` and the other sectors.

The bundled raw series is ``usbp_encounters`` (measure ``us_border_patrol_encounters``): CBP's
FY2000-FY2020 monthly table (unrounded) and DHS OHSS's workbook from FY2021 (rounded to the
nearest 10), plus press figures. :func:`usbp_apprehensions` gives one preferred figure per
month (:func:`roxham.data.monthly`: best vintage first), with ``rounded`` true where the
figure was published rounded (OHSS) or approximate. ``subgroup`` selects a citizenship
(``citizenship=Mexico``: OHSS, northern border only).

>>> df = usbp_apprehensions("US-SWANTON", "2020-09", "2020-10")
>>> df.select("period", "value", "rounded").rows()
[('2020-09', 50.0, False), ('2020-10', 30.0, True)]
"""

from __future__ import annotations

import polars as pl

from roxham.errors import UserError

__all__ = ["USBP_GEOGRAPHIES", "usbp_apprehensions"]

#: Geographies of ``usbp_apprehensions`` (the sectors' codes as in the bundled data).
USBP_GEOGRAPHIES: tuple[str, ...] = (
    "US-SWANTON", "US-NORTH", "US-BUFFALO", "US-DETROIT", "US-BLAINE", "US-SPOKANE",
    "US-HAVRE", "US-GRAND-FORKS", "US-HOULTON",
)


def usbp_apprehensions(
    geography: str, start: str | None = None, end: str | None = None, *, subgroup: str = "all",
) -> pl.DataFrame:
    """Monthly USBP apprehensions of ``geography`` (``YYYY-MM`` bounds, inclusive).

    Columns: period (``YYYY-MM``), value (null where no figure: ``missing``), rounded,
    vintage, grade, n_figures, conflict, missing, source_url, source_note. Sector figures
    exist by month only for the Swanton sector and the whole northern border.
    """
    from roxham.data import monthly

    g = geography.strip().upper()
    if g not in USBP_GEOGRAPHIES:
        raise UserError(f"usbp_apprehensions: unknown geography {geography!r}; known: "
                        f"{', '.join(USBP_GEOGRAPHIES)}")
    df = monthly("usbp_encounters", g, start, end, subgroup=subgroup)
    return df.select(
        pl.col("month").dt.strftime("%Y-%m").alias("period"),
        "value",
        pl.col("approx").fill_null(False).alias("rounded"),
        "vintage", "grade", "n_figures", "conflict", "missing", "source_url", "source_note",
    )
