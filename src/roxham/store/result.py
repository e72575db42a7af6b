"""The one shape of a saved run: what a model hands to the store, and the files it becomes.

A run directory holds::

    monthly.parquet     month (YYYY-MM), series, geography, value (mean over replicates),
                        p05, p95 [, p25, p75]
    replicates.parquet  replicate, month, series, geography, value (one row per replicate)
    manifest.json       what was run (scenario, seed, replicate seeds, versions, ...) and
                        ``files``: every file of the directory
    <name>.parquet      named extra tables (``fit``, ``validation``, the web lab's ``series``,
                        the engine's ``daily``/``links``/``queues``, Flee's ``camps``)
    <name>              named extra texts (``report.html``, Flee's ``out.csv``)

:func:`write_result` writes a :class:`RunFrames` through the one atomic writer
(:func:`roxham.store.rundir.atomic_run_dir`: claimed first, renamed into place when complete)
and returns the manifest it wrote; :func:`read_result` reads any run directory — saved by
``roxham run``, the web lab, the generic engine (``sim.results.RunResult.write``) or
``roxham flee run`` — and names what is missing or unreadable in one line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from roxham.errors import UserError
from roxham.store.identity import json_default
from roxham.store.rundir import atomic_run_dir, files_into

__all__ = [
    "MONTHLY_COLUMNS",
    "REPLICATE_COLUMNS",
    "RunDataMissing",
    "RunFrames",
    "read_manifest",
    "read_result",
    "read_table",
    "replicates_frame",
    "summary_frame",
    "write_result",
]

#: Required columns of ``monthly.parquet`` (``p25``/``p75`` may follow).
MONTHLY_COLUMNS = ("month", "series", "geography", "value", "p05", "p95")
#: Columns of ``replicates.parquet``.
REPLICATE_COLUMNS = ("replicate", "month", "series", "geography", "value")


class RunDataMissing(UserError):
    """A run directory whose files are missing or unreadable (the API answers 410)."""


@dataclass
class RunFrames:
    """A model's results, ready to save: monthly summary, per-replicate values, manifest and
    named extras (a DataFrame becomes ``<name>.parquet``; a string is written as ``<name>``)."""

    monthly: pl.DataFrame
    replicates: pl.DataFrame | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, pl.DataFrame | str] = field(default_factory=dict)


def replicates_frame(
    rep: npt.NDArray[np.float64], months: Sequence[str], columns: Sequence[tuple[str, str]]
) -> pl.DataFrame:
    """``replicates.parquet`` from an array ``[replicate, month, column]`` whose columns are
    (series, geography) pairs.

    >>> a = np.arange(8.0).reshape(2, 2, 2)
    >>> replicates_frame(a, ["2020-01", "2020-02"], [("x", "CA"), ("y", "QC")]).row(5)
    (1, '2020-01', 'y', 'QC', 5.0)
    """
    n_r, n_m, n_c = rep.shape
    return pl.DataFrame(
        {
            "replicate": np.repeat(np.arange(n_r), n_m * n_c).astype(np.int32),
            "month": np.tile(np.repeat(np.array(list(months)), n_c), n_r),
            "series": np.tile(np.array([c[0] for c in columns]), n_r * n_m),
            "geography": np.tile(np.array([c[1] for c in columns]), n_r * n_m),
            "value": np.asarray(rep, dtype=np.float64).reshape(-1),
        }
    )


def summary_frame(
    rep: npt.NDArray[np.float64], months: Sequence[str], columns: Sequence[tuple[str, str]]
) -> pl.DataFrame:
    """``monthly.parquet`` from an array ``[replicate, month, column]`` whose columns are
    (series, geography) pairs: ``value`` the mean over replicates, ``p05``/``p25``/``p75``/
    ``p95`` their quantiles (NumPy's linear interpolation), rows by column then month.

    >>> a = np.array([[[0.0], [4.0]], [[10.0], [8.0]]])
    >>> summary_frame(a, ["2020-01", "2020-02"], [("x", "CA")]).row(0)
    ('2020-01', 'x', 'CA', 5.0, 0.5, 9.5, 2.5, 7.5)
    """
    n_r, n_m, n_c = rep.shape
    q = np.quantile(rep, [0.05, 0.95, 0.25, 0.75], axis=0) if n_r else np.full(
        (4, n_m, n_c), np.nan)
    mean = rep.mean(axis=0) if n_r else np.full((n_m, n_c), np.nan)
    return pl.DataFrame(
        {
            "month": np.tile(np.array(list(months)), n_c),
            "series": np.repeat(np.array([c[0] for c in columns]), n_m),
            "geography": np.repeat(np.array([c[1] for c in columns]), n_m),
            "value": mean.T.reshape(-1),
            "p05": q[0].T.reshape(-1),
            "p95": q[1].T.reshape(-1),
            "p25": q[2].T.reshape(-1),
            "p75": q[3].T.reshape(-1),
        }
    )


def write_result(
    frames: RunFrames, directory: str | Path, *, overwrite: bool = False,
    keep_other_files: bool = False,
) -> dict[str, Any]:
    """Save ``frames`` as a run directory (atomically; see :mod:`roxham.store.rundir`) and
    return the manifest written. Parquet files carry no timestamps, so the same results give
    the same bytes.

    ``keep_other_files``: ``directory`` may hold files of others, which stay
    (:func:`~roxham.store.rundir.files_into`; a previous run there is replaced file by
    file); otherwise it must be new or empty unless ``overwrite``."""
    missing = [c for c in MONTHLY_COLUMNS if c not in frames.monthly.columns]
    if missing:
        raise ValueError(f"monthly results lack columns {missing}")
    cols = [*MONTHLY_COLUMNS, *(c for c in ("p25", "p75") if c in frames.monthly.columns)]
    target = (files_into(Path(directory)) if keep_other_files
              else atomic_run_dir(Path(directory), overwrite=overwrite))
    with target as tmp:
        files = ["monthly.parquet"]
        frames.monthly.select(cols).write_parquet(tmp / "monthly.parquet")
        if frames.replicates is not None:
            frames.replicates.select(REPLICATE_COLUMNS).write_parquet(
                tmp / "replicates.parquet")
            files.append("replicates.parquet")
        for name, extra in frames.extras.items():
            if isinstance(extra, pl.DataFrame):
                extra.write_parquet(tmp / f"{name}.parquet")
                files.append(f"{name}.parquet")
            else:
                (tmp / name).write_text(extra, encoding="utf-8")
                files.append(name)
        manifest = {**frames.manifest, "files": [*files, "manifest.json"]}
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, default=json_default) + "\n", encoding="utf-8")
    return manifest


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """The manifest of a run directory; :class:`RunDataMissing` naming the problem."""
    path = Path(directory) / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunDataMissing(f"{str(path)!r} is missing: not a run directory") from None
    except (OSError, ValueError) as e:
        raise RunDataMissing(f"{str(path)!r} is unreadable ({type(e).__name__})") from None
    if not isinstance(data, dict):
        raise RunDataMissing(f"{str(path)!r} is not a JSON object")
    return data


def read_table(directory: str | Path, name: str) -> pl.DataFrame:
    """``<name>.parquet`` of a run directory; :class:`RunDataMissing` naming the file when it
    is missing or corrupt."""
    path = Path(directory) / f"{name}.parquet"
    try:
        return pl.read_parquet(path)
    except FileNotFoundError:
        raise RunDataMissing(f"{str(path)!r} is missing") from None
    except Exception as e:  # polars raises ComputeError/OSError etc. on a damaged file
        raise RunDataMissing(f"{str(path)!r} is unreadable ({type(e).__name__})") from None


def read_result(directory: str | Path, *, extras: bool = False) -> RunFrames:
    """A saved run (monthly, replicates if saved, manifest); with ``extras``, also every
    named extra table the manifest lists (``<name>.parquet``, by name; texts such as
    ``report.html`` are not loaded), so the report can be drawn again from any run
    directory (``roxham.report.run_report.render_run_frames``)."""
    d = Path(directory)
    manifest = read_manifest(d)
    monthly = read_table(d, "monthly")
    missing = [c for c in MONTHLY_COLUMNS if c not in monthly.columns]
    if missing:
        raise RunDataMissing(f"{str(d / 'monthly.parquet')!r} lacks columns {missing}")
    listed: Mapping[str, Any] | list[Any] = manifest.get("files") or []
    reps = (read_table(d, "replicates")
            if (d / "replicates.parquet").exists() or "replicates.parquet" in listed
            else None)
    tables: dict[str, pl.DataFrame | str] = {}
    if extras:
        for f in listed:
            name = str(f)
            if (name.endswith(".parquet") and "/" not in name
                    and name not in ("monthly.parquet", "replicates.parquet")):
                tables[name[: -len(".parquet")]] = read_table(d, name[: -len(".parquet")])
    return RunFrames(monthly, reps, manifest, tables)
