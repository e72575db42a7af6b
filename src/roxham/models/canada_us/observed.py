"""The official series the model's outputs are compared with, each figure with its source.

All figures come from :mod:`roxham.data` (the bundled sourced CSVs). Mapping:

- ``rcmp_interceptions`` / ``CA, QC, MB, BC, ON``: IRCC monthly RCMP interceptions
  (``roxham.data.monthly("rcmp_interceptions", geo)``, months with a figure only);
- ``claims_airport``, ``claims_land_poe``, ``claims_inland`` / ``CA, QC, ON, MB, BC, OTHER``:
  IRCC's monthly claims by office type and province (``asylum_claims_by_office``, subgroup
  ``office=...``); ``OTHER`` = CA − QC − ON − MB − BC, only in months where all five figures
  are published (IRCC suppresses cells of 1–4);
- ``claims_total`` / ``CA``: IRCC's total of all office types; by province (and ``OTHER``):
  airport + land port + inland of that geography, only in months where all three are
  published (IRCC gives no provincial total; its "other offices" type is national only);
- ``claims_rcmp`` / ``CA``: claims of people intercepted by the RCMP, found only as **annual**
  totals (binders, ``asylum_claims`` subgroup ``office=rcmp``), compared as annual sums
  (``period`` = ``YYYY``); no provincial figure;
- ``irb_pending`` / ``CA``: IRB RPD pending inventory at month end
  (``irb_rpd_pending_end``; monthly 2019-04..2020-09, and year ends where published);
- ``directed_back`` / ``CA``: people turned back under the COVID order, one published total
  (CBSA via press: 387 from the order's first day to 2021-04-20), compared with the simulated
  total of 2020-03..2021-04 (``period`` = ``2020-03..2021-04``);
- ``stca_returns``: no official monthly or annual series was found: not compared.

Only figures graded ``official``, ``official_mirror`` or ``press_of_official``
(:data:`roxham.data.grades.TARGET_GRADES`) are compared.

Every figure carries ``source_url``, ``source_note`` and ``grade`` (:func:`observed`;
:func:`observed_frame` is the long table a run directory stores as ``observed.parquet``, so
that the report reads the figures from the run, not from this module). A run directory's
fit, validation and observed tables share one look-up (:func:`observed_figures`).

Fit metric: sMAPE (%) = 100/n Σ 2|s − o| / (|s| + |o|) over the periods where both exist
(pairs with s = o = 0 count as 0).

>>> round(smape([100.0, 0.0], [50.0, 0.0]), 1)
33.3
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import polars as pl

from roxham.metrics import smape
from roxham.models.canada_us.outputs import GEOGRAPHIES

__all__ = ["COMPARED", "TRAIN_END", "TRAIN_START", "fit_table", "observed",
           "observed_figures", "observed_frame", "protocol_drop", "smape"]

TRAIN_START = "2017-01"
TRAIN_END = "2022-12"

#: (series, geography, frequency) that have an official counterpart.
COMPARED: tuple[tuple[str, str, str], ...] = (
    ("rcmp_interceptions", "CA", "month"),
    ("rcmp_interceptions", "QC", "month"),
    ("rcmp_interceptions", "MB", "month"),
    ("rcmp_interceptions", "BC", "month"),
    *((s, g, "month") for s in ("claims_total", "claims_land_poe", "claims_inland",
                                "claims_airport") for g in GEOGRAPHIES),
    ("claims_rcmp", "CA", "year"),
    ("irb_pending", "CA", "month"),
    ("directed_back", "CA", "range"),
)

_SCHEMA = {"period": pl.Utf8, "value": pl.Float64, "source_url": pl.Utf8, "source_note": pl.Utf8,
           "grade": pl.Utf8}
_COLS = ["period", "value", "source_url", "source_note", "grade"]
_IRCC = "asylum_claims_by_office"



def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=_SCHEMA)


def observed(series: str, geography: str) -> pl.DataFrame:
    """Official figures for a model output: columns period (``YYYY-MM`` or ``YYYY``), value,
    source_url, source_note, grade. Empty when no official counterpart exists."""
    return _Lookup().observed(series, geography)


def observed_figures(
    keys: Iterable[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], pl.DataFrame]:
    """:func:`observed` of each (series, geography) of ``keys`` (default: :data:`COMPARED`),
    looked up in one pass: each IRCC table (office type × geography) is read once, though the
    provincial totals and ``OTHER`` are derived from the same tables."""
    want = keys if keys is not None else [(s, g) for s, g, _ in COMPARED]
    look = _Lookup()
    return {(s, g): look.observed(s, g) for s, g in dict.fromkeys(want)}


class _Lookup:
    """One pass of look-ups in :mod:`roxham.data`: remembers the IRCC tables it has read.

    Not kept between passes: the data (imports, :func:`roxham.data.observed_until`'s cut-off)
    may differ from one to the next."""

    def __init__(self) -> None:
        self._ircc_read: dict[tuple[str, str], pl.DataFrame] = {}

    def observed(self, series: str, geography: str) -> pl.DataFrame:
        from roxham.data import monthly as data_monthly
        from roxham.data import series as data_series_all
        from roxham.data.grades import TARGET_GRADES

        def monthly(name: str, geo: str) -> pl.DataFrame:
            return data_monthly(name, geo, grades=TARGET_GRADES)

        def data_series(name: str, geo: str | None = None, **kw: object) -> pl.DataFrame:
            return data_series_all(name, geo, grades=TARGET_GRADES, **kw)  # type: ignore[arg-type]

        if series == "rcmp_interceptions" and geography in ("CA", "QC", "MB", "BC", "ON"):
            m = monthly("rcmp_interceptions", geography).filter(~pl.col("missing"))
            return m.select(
                pl.col("month").dt.strftime("%Y-%m").alias("period"),
                pl.col("value").cast(pl.Float64),
                "source_url",
                "source_note",
                "grade",
            )
        if series.startswith("claims_") and geography in GEOGRAPHIES:
            return self._claims(series.removeprefix("claims_"), geography)
        if series == "directed_back" and geography == "CA":
            df = data_series("asylum_seekers_turned_back_by_canada_between_ports",
                             subgroup=None)
            if df.is_empty():
                return _empty()
            return df.sort("line").head(1).select(
                (pl.col("start").dt.strftime("%Y-%m") + ".."
                 + pl.col("end").dt.strftime("%Y-%m")).alias("period"),
                pl.col("value").cast(pl.Float64),
                "source_url",
                "source_note",
                "grade",
            )
        if series == "irb_pending" and geography == "CA":
            m = monthly("irb_rpd_pending_end", "CA").filter(~pl.col("missing"))
            parts = [
                m.select(
                    pl.col("month").dt.strftime("%Y-%m").alias("period"),
                    pl.col("value").cast(pl.Float64),
                    "source_url",
                    "source_note",
                    "grade",
                )
            ]
            y = data_series("irb_rpd_pending_end", "CA", kind="year")
            if not y.is_empty():
                parts.append(
                    y.sort("line")
                    .unique(subset=["period"], keep="first", maintain_order=True)
                    .select(
                        (pl.col("period").dt.strftime("%Y") + "-12").alias("period"),
                        pl.col("value").cast(pl.Float64),
                        "source_url",
                        "source_note",
                        "grade",
                    )
                )
            out = pl.concat(parts).unique(subset=["period"], keep="first", maintain_order=True)
            return out.sort("period")
        return _empty()

    def _ircc(self, office: str, geography: str) -> pl.DataFrame:
        """IRCC's monthly figures of one office type (``total``: all) in one geography."""
        key = (office, geography)
        if key not in self._ircc_read:
            from roxham.data import monthly
            from roxham.data.grades import TARGET_GRADES

            m = monthly(_IRCC, geography, subgroup=f"office={office}", grades=TARGET_GRADES)
            self._ircc_read[key] = m.filter(~pl.col("missing")).select(
                pl.col("month").dt.strftime("%Y-%m").alias("period"),
                pl.col("value").cast(pl.Float64), "source_url", "source_note", "grade")
        return self._ircc_read[key]

    def _claims(self, office: str, geography: str) -> pl.DataFrame:
        if office == "rcmp":
            if geography != "CA":
                return _empty()
            from roxham.data import series as data_series
            from roxham.data.grades import TARGET_GRADES

            df = data_series("asylum_claims", "CA", subgroup="office=rcmp", kind="year",
                             vintage="official", grades=TARGET_GRADES)
            if df.is_empty():
                return _empty()
            df = df.sort("line").unique(subset=["period"], keep="first", maintain_order=True)
            return df.sort("period").select(
                pl.col("period").dt.strftime("%Y").alias("period"),
                pl.col("value").cast(pl.Float64), "source_url", "source_note", "grade")
        if office not in ("airport", "land_poe", "inland", "total"):
            return _empty()
        if geography == "CA":
            return self._ircc(office, "CA")
        if office == "total":
            offices = ("airport", "land_poe", "inland")
            return _derived([(1.0, self._claims(o, geography)) for o in offices],
                            f"derived: IRCC airport + border + inland claims, {geography} "
                            "(months with all three published)")
        if geography == "OTHER":
            return _derived([(1.0, self._ircc(office, "CA"))]
                            + [(-1.0, self._ircc(office, g)) for g in _PROV4],
                            f"derived: IRCC {office} claims, Canada minus QC, ON, MB and BC "
                            "(months with all five published)")
        return self._ircc(office, geography)


def _derived(parts: list[tuple[float, pl.DataFrame]], note: str) -> pl.DataFrame:
    """Σ sign × figure over the months where every part has a figure; source and grade of
    the first part, the note saying how it was derived."""
    base = parts[0][1]
    if base.is_empty():
        return _empty()
    out = base.select("period", (pl.col("value") * parts[0][0]).alias("value"), "source_url",
                      "grade")
    for i, (sign, df) in enumerate(parts[1:]):
        out = out.join(df.select("period", pl.col("value").alias(f"v{i}")), on="period",
                       how="inner").with_columns(pl.col("value") + sign * pl.col(f"v{i}"))
    return out.select("period", "value", "source_url", pl.lit(note).alias("source_note"),
                      "grade").sort("period")


_PROV4 = ("QC", "ON", "MB", "BC")


def observed_frame(
    keys: Iterable[tuple[str, str]] | None = None,
    figures: Mapping[tuple[str, str], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """The official figures of ``keys`` ((series, geography); default :data:`COMPARED`) as
    one long table: series, geography, period, value, source_url, source_note, grade.
    ``figures``: those of :func:`observed_figures` if already looked up (it must hold every
    key)."""
    want = list(dict.fromkeys(keys if keys is not None else [(s, g) for s, g, _ in COMPARED]))
    figs = figures if figures is not None else observed_figures(want)
    parts = [figs[(s, g)].select(pl.lit(s).alias("series"), pl.lit(g).alias("geography"),
                                 *_COLS)
             for s, g in want]
    schema = {"series": pl.Utf8, "geography": pl.Utf8, **_SCHEMA}
    return pl.concat([p.cast(schema) for p in parts]) if parts else pl.DataFrame(schema=schema)  # type: ignore[arg-type]


def fit_table(
    monthly: pl.DataFrame, start: str = TRAIN_START, end: str = TRAIN_END,
    figures: Mapping[tuple[str, str], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """sMAPE of each compared series over [start, end] (months, or years for annual series).

    Columns: series, geography, frequency, n (periods compared), smape, sim_total,
    obs_total, source_url (of the first figure). ``figures``: the official figures of
    :func:`observed_figures` if already looked up (it must hold every key of
    :data:`COMPARED`).
    """
    figs = figures if figures is not None else observed_figures()
    by_key = monthly.partition_by("series", "geography", as_dict=True)
    rows = []
    for name, geo, freq in COMPARED:
        obs = figs[(name, geo)]
        sim = by_key.get((name, geo))
        if sim is None or sim.is_empty() or obs.is_empty():
            continue
        if freq == "range":
            lo_r, hi_r = str(obs["period"][0]).split("..")
            if not (start <= lo_r and hi_r <= end):
                continue
            v = math.fsum(sim.filter((pl.col("month") >= lo_r) & (pl.col("month") <= hi_r))
                          ["value"].to_list())
            rows.append({"series": name, "geography": geo, "frequency": "total " + lo_r
                         + ".." + hi_r, "n": 1, "smape": smape([v], [float(obs["value"][0])]),
                         "sim_total": v, "obs_total": float(obs["value"][0]),
                         "source_url": str(obs["source_url"][0])})
            continue
        if freq == "year":
            # summed in month order, exactly (fsum): the same run gives the same bits
            years: dict[str, list[float]] = {}
            for mo, v in sim.sort("month").select("month", "value").iter_rows():
                years.setdefault(str(mo)[:4], []).append(float(v))
            sim = pl.DataFrame({"period": list(years),
                                "value": [math.fsum(v) for v in years.values()]},
                               schema={"period": pl.String, "value": pl.Float64})
            lo, hi = start[:4], end[:4]
        else:
            sim = sim.select(pl.col("month").alias("period"), "value")
            lo, hi = start, end
        # in period order whatever the join's threads did: the sums, the sMAPE and the
        # first figure's source are then the same for the same run (issue 18.8)
        j = obs.join(sim, on="period", how="inner", suffix="_sim").filter(
            (pl.col("period") >= lo) & (pl.col("period") <= hi)
        ).sort("period", maintain_order=True)
        if j.is_empty():
            continue
        rows.append(
            {
                "series": name,
                "geography": geo,
                "frequency": freq,
                "n": j.height,
                "smape": smape(j["value_sim"].to_list(), j["value"].to_list()),
                "sim_total": math.fsum(j["value_sim"].to_list()),
                "obs_total": math.fsum(j["value"].to_list()),
                "source_url": str(j["source_url"][0]),
            }
        )
    return pl.DataFrame(rows)


def protocol_drop(monthly: pl.DataFrame,
                  figures: Mapping[tuple[str, str], pl.DataFrame] | None = None
                  ) -> dict[str, float]:
    """Size of the fall of Quebec RCMP interceptions after the Additional Protocol:
    mean of the observed months of 2022-04..2023-02 against those of
    2023-05..2024-12, simulated and observed over the same months (1 − after / before).
    ``figures``: as in :func:`fit_table`."""
    series, geo = "rcmp_interceptions", "QC"
    obs = figures[(series, geo)] if figures is not None else observed(series, geo)
    sim = monthly.filter((pl.col("series") == series)
                         & (pl.col("geography") == geo)).select(
        pl.col("month").alias("period"), pl.col("value").alias("sim"))
    j = obs.join(sim, on="period", how="inner")
    out: dict[str, float] = {}
    before = j.filter((pl.col("period") >= "2022-04") & (pl.col("period") <= "2023-02"))
    after = j.filter((pl.col("period") >= "2023-05") & (pl.col("period") <= "2024-12"))
    if before.height and after.height:
        for col, key in (("value", "observed"), ("sim", "simulated")):
            b = float(before[col].mean())  # type: ignore[arg-type]
            a = float(after[col].mean())  # type: ignore[arg-type]
            out[f"{key}_before"] = round(b, 1)
            out[f"{key}_after"] = round(a, 1)
            out[f"{key}_drop"] = round(1.0 - a / b, 4) if b > 0 else float("nan")
        out["months_before"] = float(before.height)
        out["months_after"] = float(after.height)
    return out
