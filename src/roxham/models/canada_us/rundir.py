"""Run directories of the Canada–US model.

A run directory holds:

- ``monthly.parquet``: columns ``month`` (``YYYY-MM``), ``series``, ``geography``, ``value``
  (mean over replicates), ``p05``, ``p95``. Series mapped to official ones:
  ``rcmp_interceptions`` (CA, QC, MB, BC, ON, OTHER), ``claims_airport``, ``claims_land_poe``,
  ``claims_inland``, ``claims_rcmp``, ``claims_total`` (IRCC office types; CA, QC, ON, MB, BC,
  OTHER: :mod:`~roxham.models.canada_us.outputs`), ``stca_returns`` (CA), ``irb_pending``
  (CA, month end). Model-only series:
  ``irregular_crossings`` (by province), ``directed_back``, ``stayed_us``,
  ``turned_away_closed``, ``land_port_arrivals``, ``route_choices`` (geography = crossing
  option), and the inputs ``input_land_deciders`` (by US origin) and
  ``input_air_and_inland_expected``;
- ``replicates.parquet``: the same per replicate (``replicate``, ``month``, ``series``,
  ``geography``, ``value``), used by ``roxham compare`` for the uncertainty of differences;
- ``fit.parquet``: sMAPE of each compared series over 2017-01..2022-12 (see ``observed``),
  ``validation.parquet`` the same over 2023-01..2024-12;
- ``observed.parquet``: the official figures of the compared series (series, geography,
  period, value, source_url, source_note, grade), so that the report reads them from the run;
- ``manifest.json``: scenario (resolved), seed, replicate seeds, versions, timings, agents,
  and ``scenario_descriptions`` (the built-in scenarios, for the report's scenario table);
- ``report.html``: the self-contained report, rendered by the caller (``roxham run``:
  :func:`roxham.report.run_report.render_run_frames`) from the frames of :func:`run_frames`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import polars as pl

import roxham
from roxham.models.canada_us.model import RunResult
from roxham.models.canada_us.observed import (
    COMPARED,
    fit_table,
    observed_figures,
    observed_frame,
    protocol_drop,
)
from roxham.store.result import (
    MONTHLY_COLUMNS,
    RunFrames,
    read_result,
    replicates_frame,
    write_result,
)

__all__ = [
    "MONTHLY_COLUMNS", "default_run_dir", "headline", "load_run_dir", "run_frames",
    "scenario_descriptions", "write_run_dir",
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
                        ("claims_total", "CA"), ("claims_rcmp", "CA"), ("stca_returns", "CA")):
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
    res: RunResult, out: Path, *, overwrite: bool = False, report: str | None = None
) -> dict[str, Any]:
    """Write ``res`` to a new run directory ``out``; returns the manifest written.

    ``report``: the report's HTML, rendered by the caller from :func:`run_frames` (this module
    renders nothing). ``out`` must not hold a run already unless ``overwrite``; a directory
    another process is writing is refused (:class:`~roxham.store.claim.RunDirBusy`). Written by
    the store's one writer (:func:`roxham.store.result.write_result`): a run directory with a
    ``manifest.json`` is always complete.
    """
    frames = run_frames(res)
    if report is not None:
        frames.extras["report.html"] = report
    return write_result(frames, Path(out), overwrite=overwrite)


def scenario_descriptions() -> dict[str, str]:
    """``{name: description}`` of the built-in scenarios (a broken one gets ``""``)."""
    from roxham.models.canada_us.scenario import builtin_scenarios, load_scenario

    out: dict[str, str] = {}
    for sc in builtin_scenarios():
        try:
            out[sc] = " ".join(str(load_scenario(sc).description).split())
        except Exception:  # a broken built-in must not break the run
            out[sc] = ""
    return out


def run_frames(res: RunResult) -> RunFrames:
    """``res`` in the store's one result shape, with the fit and validation tables and the
    official figures they compare with (``observed``) as extras, and the headline figures and
    the built-in scenarios' descriptions in the manifest: all a report needs."""
    months = res.monthly.filter(
        (pl.col("series") == res.columns[0][0]) & (pl.col("geography") == res.columns[0][1])
    )["month"].to_list()
    reps = replicates_frame(res.replicate_monthly, months, res.columns)
    # the official figures, looked up once for the fit, validation and observed tables
    keys = sorted({(s, g) for s, g in res.columns})
    figures = observed_figures([*((s, g) for s, g, _ in COMPARED), *keys])
    fit = fit_table(res.monthly, figures=figures)
    manifest = dict(res.manifest)
    manifest["roxham_version"] = roxham.__version__
    manifest["created_utc"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    manifest["fit_smape_2017_2022"] = {
        f"{r['series']}/{r['geography']}": round(r["smape"], 2) for r in fit.iter_rows(named=True)
    }
    manifest["headline"] = headline(res.monthly)
    val = fit_table(res.monthly, "2023-01", "2024-12", figures=figures)
    manifest["validation_smape_2023_2024"] = {
        f"{r['series']}/{r['geography']}": round(r["smape"], 2) for r in val.iter_rows(named=True)
    }
    manifest["protocol_drop_qc"] = protocol_drop(res.monthly, figures)
    manifest["scenario_descriptions"] = scenario_descriptions()
    obs = observed_frame(keys, figures)
    extras: dict[str, pl.DataFrame | str] = {"fit": fit, "validation": val, "observed": obs}
    return RunFrames(res.monthly.select(MONTHLY_COLUMNS), reps, manifest, extras)


def load_run_dir(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """(monthly, replicates, manifest) of a run directory (saved by ``roxham run`` or the web
    lab); one clear :class:`UserError` when files are missing or unreadable."""
    got = read_result(Path(path))
    reps = got.replicates if got.replicates is not None else pl.DataFrame()
    return got.monthly, reps, got.manifest
