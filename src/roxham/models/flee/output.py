"""Writing a Flee run in the store's one run layout, with Flee's ``out.csv`` as extras.

``out.csv`` (docs/flee/FORMAT.md §9): ``Day,Date,<c> sim,<c> data,<c> error,...,Total error,
refugees in camps (UNHCR),total refugees (simulation),raw UNHCR refugee count,refugees in camps
(simulation),refugee_debt`` — one row per day, camps in locations.csv order.

The run directory is the store's (:mod:`roxham.store.result`), so ``roxham compare`` and the
report read a Flee run like any run: ``monthly.parquet`` (``camp_population`` per camp and
``total``, ``agents`` at ``total``: month-end values, mean and 5–95 % over replicates),
``replicates.parquet``, ``manifest.json`` (inputs, settings, seeds, scores, timings), and the
named extras ``out.csv`` (replicate 0), ``out-<r>.csv`` (other replicates), ``camps.parquet``
(one row per replicate × day × camp) and ``days.parquet`` (per replicate × day).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

import roxham
from roxham.models.flee.model import FleeResult
from roxham.store.result import RunFrames, replicates_frame, summary_frame, write_result

__all__ = ["out_csv_rows", "out_csv_text", "run_frames", "write_out_csv", "write_run"]


def out_csv_rows(res: FleeResult, replicate: int = 0) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of Flee's out.csv for one replicate."""
    hdr = ["Day", "Date"]
    for c in res.camps:
        hdr += [f"{c} sim", f"{c} data", f"{c} error"]
    hdr += [
        "Total error",
        "refugees in camps (UNHCR)",
        "total refugees (simulation)",
        "raw UNHCR refugee count",
        "refugees in camps (simulation)",
        "refugee_debt",
    ]
    rows: list[list[Any]] = []
    sim = res.camp_sim[replicate]
    data = res.camp_data
    for t in range(res.days):
        row: list[Any] = [t, (res.start_date + dt.timedelta(days=t)).isoformat()]
        for j in range(len(res.camps)):
            s, d = int(sim[t, j]), int(data[t, j])
            err = 0.0 if d < 1e-5 else round(abs(s / d - 1.0), 4)
            row += [s, d, err]
        raw = int(res.refugees_raw[replicate, t])
        absdiff = float(np.abs(sim[t] - data[t]).sum())
        row += [
            absdiff / raw if raw > 0 else 0.0,
            int(data[t].sum()),
            int(res.total_agents[replicate, t]),
            raw,
            int(sim[t].sum()),
            int(res.refugee_debt[replicate, t]),
        ]
        rows.append(row)
    return hdr, rows


def out_csv_text(res: FleeResult, replicate: int = 0) -> str:
    """One replicate's out.csv, as text."""
    hdr, rows = out_csv_rows(res, replicate)
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(hdr)
    w.writerows(rows)
    return buf.getvalue()


def write_out_csv(res: FleeResult, path: str | Path, replicate: int = 0) -> Path:
    """Write one replicate's out.csv."""
    p = Path(path)
    with p.open("w", newline="", encoding="utf-8") as fh:
        fh.write(out_csv_text(res, replicate))
    return p


def _monthly(
    res: FleeResult,
) -> tuple[npt.NDArray[np.float64], list[str], list[tuple[str, str]]]:
    """``(values[replicate, month, column], months, columns)``: month-end camp populations
    (each camp and their ``total``) and agents alive (``agents``, ``total``)."""
    dates = np.datetime64(res.start_date, "D") + np.arange(res.days)
    months_m, first = np.unique(dates.astype("datetime64[M]"), return_index=True)
    last = np.r_[first[1:], res.days] - 1
    cols = [("camp_population", c) for c in res.camps]
    cols += [("camp_population", "total"), ("agents", "total")]
    sim = res.camp_sim[:, last, :].astype(np.float64)
    rep = np.concatenate([sim, sim.sum(axis=2, keepdims=True),
                          res.total_agents[:, last, None].astype(np.float64)], axis=2)
    return rep, [str(m) for m in months_m], cols


def _frames(res: FleeResult) -> tuple[pl.DataFrame, pl.DataFrame]:
    R, T, C = res.camp_sim.shape
    dates = [res.start_date + dt.timedelta(days=t) for t in range(T)]
    camps = pl.DataFrame(
        {
            "replicate": np.repeat(np.arange(R), T * C).astype(np.int32),
            "day": np.tile(np.repeat(np.arange(T), C), R).astype(np.int32),
            "date": np.tile(np.repeat(np.array(dates, dtype="datetime64[D]"), C), R),
            "camp": np.tile(np.array(res.camps, dtype=object), R * T).astype(str),
            "sim": res.camp_sim.reshape(-1),
            "data": np.tile(res.camp_data.reshape(-1), R),
        }
    )
    ard = res.ard()
    ardr = res.ard_rescaled()
    days = pl.DataFrame(
        {
            "replicate": np.repeat(np.arange(R), T).astype(np.int32),
            "day": np.tile(np.arange(T), R).astype(np.int32),
            "date": np.tile(np.array(dates, dtype="datetime64[D]"), R),
            "camps_sim": res.camp_sim.sum(axis=2).reshape(-1),
            "camps_data": np.tile(res.camp_data.sum(axis=1), R),
            "total_agents": res.total_agents.reshape(-1),
            "refugees_raw": res.refugees_raw.reshape(-1),
            "refugee_debt": res.refugee_debt.reshape(-1),
            "ard": ard.reshape(-1),
            "ard_rescaled": ardr.reshape(-1),
        }
    )
    return camps, days



def run_frames(res: FleeResult, manifest: Mapping[str, Any] | None = None) -> RunFrames:
    """``res`` in the store's one result shape (see the module docstring); ``manifest`` keys
    are added to the manifest."""
    rep, months, cols = _monthly(res)
    camps, days = _frames(res)
    extras: dict[str, pl.DataFrame | str] = {
        ("out.csv" if r == 0 else f"out-{r}.csv"): out_csv_text(res, r)
        for r in range(res.replicates)
    }
    extras |= {"camps": camps, "days": days}
    scores = res.scores()
    man: dict[str, Any] = {
        "model": "flee",
        "roxham_version": roxham.__version__,
        "start_date": res.start_date.isoformat(),
        "days": res.days,
        "replicates": res.replicates,
        "replicate_seeds": res.seeds,
        "camps": res.camps,
        "avg_rel_diff": float(scores.mean()),
        "avg_rel_diff_per_replicate": [float(x) for x in scores],
        "agents": int(res.total_agents[:, -1].max()) if res.days else 0,
        "agent_steps": int(res.agent_steps.sum()),
        "loop_seconds": [float(x) for x in res.loop_seconds],
        "agent_steps_per_s": res.agent_steps_per_s(),
    }
    man.update(manifest or {})
    return RunFrames(summary_frame(rep, months, cols), replicates_frame(rep, months, cols),
                     man, extras)


def write_run(
    res: FleeResult, directory: str | Path, manifest: Mapping[str, Any] | None = None
) -> Path:
    """Save ``res`` (:func:`run_frames`) into ``directory`` (created if needed) through the
    store's one writer.

    Safe for a directory that already holds files, as Flee users' output folders do
    (:func:`roxham.store.rundir.files_into`): everything is first written into a hidden
    staging folder inside it; only when all files are complete are they moved into place
    (each move atomic, the manifest last). A failed write leaves the directory as it was;
    other files in it are never touched. Files that a previous run's manifest listed and this
    run does not produce (``out-<r>.csv`` of more replicates) are removed, so the directory
    describes one run.
    """
    write_result(run_frames(res, manifest), directory, keep_other_files=True)
    return Path(directory)
