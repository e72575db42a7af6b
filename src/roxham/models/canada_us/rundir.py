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
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

import roxham
from roxham.errors import UserError
from roxham.models.canada_us.model import RunResult
from roxham.models.canada_us.observed import fit_table, protocol_drop
from roxham.store.rundir import atomic_run_dir

__all__ = ["MONTHLY_COLUMNS", "default_run_dir", "headline", "load_run_dir", "write_run_dir"]

MONTHLY_COLUMNS = ("month", "series", "geography", "value", "p05", "p95")


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
    writing is refused (:class:`~roxham.store.claim.RunDirBusy`). The files are written under
    a temporary name and renamed at the end: a run directory with a ``manifest.json`` is always
    complete.
    """
    with atomic_run_dir(Path(out), overwrite=overwrite) as tmp:
        return _write_files(res, tmp, report)


def _write_files(res: RunResult, out: Path, report: bool) -> dict[str, Any]:
    res.monthly.select(MONTHLY_COLUMNS).write_parquet(out / "monthly.parquet")
    rep = res.replicate_monthly
    months = res.monthly.filter(
        (pl.col("series") == res.columns[0][0]) & (pl.col("geography") == res.columns[0][1])
    )["month"].to_list()
    n_r, n_m, n_c = rep.shape
    pl.DataFrame(
        {
            "replicate": np.repeat(np.arange(n_r), n_m * n_c).astype(np.int32),
            "month": np.tile(np.repeat(np.array(months), n_c), n_r),
            "series": np.tile(np.array([c[0] for c in res.columns]), n_r * n_m),
            "geography": np.tile(np.array([c[1] for c in res.columns]), n_r * n_m),
            "value": rep.reshape(-1),
        }
    ).write_parquet(out / "replicates.parquet")
    fit = fit_table(res.monthly)
    fit.write_parquet(out / "fit.parquet")
    manifest = dict(res.manifest)
    manifest["roxham_version"] = roxham.__version__
    manifest["created_utc"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    manifest["files"] = ["monthly.parquet", "replicates.parquet", "fit.parquet", "manifest.json"]
    manifest["fit_smape_2017_2022"] = {
        f"{r['series']}/{r['geography']}": round(r["smape"], 2) for r in fit.iter_rows(named=True)
    }
    manifest["headline"] = headline(res.monthly)
    val = fit_table(res.monthly, "2023-01", "2024-12")
    val.write_parquet(out / "validation.parquet")
    manifest["files"].append("validation.parquet")
    manifest["validation_smape_2023_2024"] = {
        f"{r['series']}/{r['geography']}": round(r["smape"], 2) for r in val.iter_rows(named=True)
    }
    manifest["protocol_drop_qc"] = protocol_drop(res.monthly)
    if report:
        from roxham.report.run_report import render_run_report

        (out / "report.html").write_text(
            render_run_report(res.monthly, manifest, fit, val), encoding="utf-8"
        )
        manifest["files"].append("report.html")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def load_run_dir(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """(monthly, replicates, manifest) of a run directory."""
    path = Path(path)
    if not (path / "monthly.parquet").is_file() or not (path / "manifest.json").is_file():
        raise UserError(f"{str(path)!r} is not a run directory (no monthly.parquet/manifest.json)")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    reps = (
        pl.read_parquet(path / "replicates.parquet")
        if (path / "replicates.parquet").is_file()
        else pl.DataFrame()
    )
    return pl.read_parquet(path / "monthly.parquet"), reps, manifest
