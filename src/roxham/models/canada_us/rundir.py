"""Run directories of the Canada–US model.

A run directory holds:

- ``monthly.parquet``: columns ``month`` (``YYYY-MM``), ``series``, ``geography``, ``value``
  (mean over replicates), ``p05``, ``p95``. Series mapped to official ones:
  ``rcmp_interceptions`` (CA, QC, MB, BC, ON, other), ``claims`` (total, airport, land_poe,
  inland, rcmp), ``stca_returns`` (CA), ``irb_pending`` (CA, month end). Model-only series:
  ``irregular_crossings`` (by province), ``directed_back``, ``stayed_us``,
  ``turned_away_closed``, ``land_port_arrivals``, ``route_choices`` (geography = crossing
  option), and the inputs ``input_land_deciders`` (by US origin) and
  ``input_air_and_inland_expected``;
- ``replicates.parquet``: the same per replicate (``replicate``, ``month``, ``series``,
  ``geography``, ``value``), used by ``roxham compare`` for the uncertainty of differences;
- ``fit.parquet``: sMAPE of each compared series over 2017-01..2022-12 (see ``observed``);
- ``manifest.json``: scenario (resolved), seed, replicate seeds, versions, timings, agents;
- ``report.html``: the self-contained report.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import polars as pl

import roxham
from roxham.models.canada_us.model import RunResult
from roxham.models.canada_us.observed import fit_table, protocol_drop
from roxham.store.result import (
    MONTHLY_COLUMNS,
    RunFrames,
    read_result,
    replicates_frame,
    write_result,
)

__all__ = [
    "MONTHLY_COLUMNS", "default_run_dir", "headline", "load_run_dir", "run_frames",
    "write_run_dir",
]


def default_run_dir(name: str, seed: int, base: Path | None = None) -> Path:
    """``./roxham-runs/<scenario>-<UTC time>-s<seed>`` (a fresh name)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)[:60] or "run"
    root = (base or Path("roxham-runs")) / f"{safe}-{stamp}-s{seed}"
    out, i = root, 1
    while out.exists():
        i += 1
        out = root.with_name(f"{root.name}-{i}")
    return out


def _mean_between(m: pl.DataFrame, series: str, geo: str, lo: str, hi: str) -> float:
    v = m.filter(
        (pl.col("series") == series)
        & (pl.col("geography") == geo)
        & (pl.col("month") >= lo)
        & (pl.col("month") <= hi)
    )["value"]
    return float(v.mean()) if len(v) else float("nan")  # type: ignore[arg-type]


def headline(m: pl.DataFrame) -> dict[str, Any]:
    """Headline figures of a monthly table (totals per year, QC before/after the Protocol)."""
    out: dict[str, Any] = {}
    years = sorted({x[:4] for x in m["month"].to_list()})
    for series, geo in (("rcmp_interceptions", "CA"), ("rcmp_interceptions", "QC"),
                        ("claims", "total"), ("claims", "rcmp"), ("stca_returns", "CA")):
        sub = m.filter((pl.col("series") == series) & (pl.col("geography") == geo))
        out[f"{series}_{geo}_per_year"] = {
            y: round(float(sub.filter(pl.col("month").str.starts_with(y))["value"].sum()), 1)
            for y in years
        }
    pend = m.filter((pl.col("series") == "irb_pending") & (pl.col("geography") == "CA"))
    if pend.height:
        out["irb_pending_end"] = round(float(pend["value"][-1]), 0)
    out["qc_interceptions_monthly_mean_2022-04_2023-03"] = round(
        _mean_between(m, "rcmp_interceptions", "QC", "2022-04", "2023-03"), 1
    )
    out["qc_interceptions_monthly_mean_2023-04_2024-03"] = round(
        _mean_between(m, "rcmp_interceptions", "QC", "2023-04", "2024-03"), 1
    )
    return out


def write_run_dir(
    res: RunResult, out: Path, report: bool = True, *, overwrite: bool = False
) -> dict[str, Any]:
    """Write ``res`` to a new run directory ``out``; returns the manifest written.

    ``out`` must not hold a run already unless ``overwrite``; a directory another process is
    writing is refused (:class:`~roxham.store.claim.RunDirBusy`). Written by the store's one
    writer (:func:`roxham.store.result.write_result`): a run directory with a
    ``manifest.json`` is always complete.
    """
    return write_result(run_frames(res, report), Path(out), overwrite=overwrite)


def run_frames(res: RunResult, report: bool = True) -> RunFrames:
    """``res`` in the store's one result shape, with the fit and validation tables (and the
    report) as extras and the headline figures in the manifest."""
    months = res.monthly.filter(
        (pl.col("series") == res.columns[0][0]) & (pl.col("geography") == res.columns[0][1])
    )["month"].to_list()
    reps = replicates_frame(res.replicate_monthly, months, res.columns)
    fit = fit_table(res.monthly)
    manifest = dict(res.manifest)
    manifest["roxham_version"] = roxham.__version__
    manifest["created_utc"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    manifest["fit_smape_2017_2022"] = {
        f"{r['series']}/{r['geography']}": round(r["smape"], 2) for r in fit.iter_rows(named=True)
    }
    manifest["headline"] = headline(res.monthly)
    val = fit_table(res.monthly, "2023-01", "2024-12")
    manifest["validation_smape_2023_2024"] = {
        f"{r['series']}/{r['geography']}": round(r["smape"], 2) for r in val.iter_rows(named=True)
    }
    manifest["protocol_drop_qc"] = protocol_drop(res.monthly)
    extras: dict[str, pl.DataFrame | str] = {"fit": fit, "validation": val}
    if report:
        from roxham.report.run_report import render_run_report

        extras["report.html"] = render_run_report(res.monthly, manifest, fit, val)
    return RunFrames(res.monthly.select(MONTHLY_COLUMNS), reps, manifest, extras)


def load_run_dir(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """(monthly, replicates, manifest) of a run directory (saved by ``roxham run`` or the web
    lab); one clear :class:`UserError` when files are missing or unreadable."""
    got = read_result(Path(path))
    reps = got.replicates if got.replicates is not None else pl.DataFrame()
    return got.monthly, reps, got.manifest
