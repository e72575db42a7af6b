"""Writing a Flee run: ``out.csv`` in Flee's column layout, Parquet tables and a manifest.

``out.csv`` (docs/flee/FORMAT.md §9): ``Day,Date,<c> sim,<c> data,<c> error,...,Total error,
refugees in camps (UNHCR),total refugees (simulation),raw UNHCR refugee count,refugees in camps
(simulation),refugee_debt`` — one row per day, camps in locations.csv order.

Parquet (one row per replicate × day × camp in ``camps.parquet``; per replicate × day in
``days.parquet``) and ``manifest.json`` (inputs, settings, seeds, scores, timings).
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

import roxham
from roxham.errors import UserError
from roxham.models.flee.model import FleeResult
from roxham.store.claim import StorageFull, claim

__all__ = ["out_csv_rows", "write_out_csv", "write_run"]


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


def write_out_csv(res: FleeResult, path: str | Path, replicate: int = 0) -> Path:
    """Write one replicate's out.csv."""
    p = Path(path)
    hdr, rows = out_csv_rows(res, replicate)
    with p.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(hdr)
        w.writerows(rows)
    return p


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



def write_run(
    res: FleeResult, directory: str | Path, manifest: Mapping[str, Any] | None = None
) -> Path:
    """Write ``out.csv`` (replicate 0), ``out-<r>.csv`` (other replicates), ``camps.parquet``,
    ``days.parquet`` and ``manifest.json`` into ``directory`` (created if needed).

    Safe for a directory that already holds files: everything is first written into a hidden
    staging directory inside it; only when all files are complete are they moved into place
    (each move atomic, the manifest last). A failed write leaves the directory as it was;
    other files in it are never touched. ``out-<r>.csv`` files that a previous run's manifest
    listed and this run does not produce are removed, so the directory describes one run.
    """
    d = Path(directory)
    # claimed like every run directory (roxham.store.claim): two writers cannot interleave
    with claim(d):
        return _write_run(res, d, manifest)


def _write_run(res: FleeResult, d: Path, manifest: Mapping[str, Any] | None) -> Path:
    try:
        d.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".roxham-flee-", dir=d))
    except OSError as e:
        raise UserError(f"{d}: cannot create the output directory ({e.strerror})") from None
    try:
        files = []
        for r in range(res.replicates):
            name = "out.csv" if r == 0 else f"out-{r}.csv"
            write_out_csv(res, stage / name, r)
            files.append(name)
        camps, days = _frames(res)
        camps.write_parquet(stage / "camps.parquet")
        days.write_parquet(stage / "days.parquet")
        files += ["camps.parquet", "days.parquet"]
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
            "files": [*files, "manifest.json"],
        }
        man.update(manifest or {})
        (stage / "manifest.json").write_text(json.dumps(man, indent=1, default=str) + "\n")
        old = _previous_files(d / "manifest.json")
        for name in files:
            os.replace(stage / name, d / name)
        os.replace(stage / "manifest.json", d / "manifest.json")
        for name in old:
            if name.startswith("out-") and name.endswith(".csv") and name not in files:
                (d / name).unlink(missing_ok=True)
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(f"{d}: cannot write the run ({e.strerror}); the directory is "
                              "as it was") from None
        raise UserError(f"{d}: cannot write the run ({e.strerror}); the directory is as it "
                        "was") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return d


def _previous_files(manifest: Path) -> list[str]:
    """Files listed by an earlier Flee run's manifest in the same directory (if any)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files") if isinstance(data, dict) and data.get("model") == "flee" else None
    return [str(f) for f in files] if isinstance(files, list) else []
