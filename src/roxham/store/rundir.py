"""Run directories: the results of one run as Parquet files plus a JSON manifest.

Layout of a run directory::

    manifest.json      what was run: name, scenario (as given) and its hash, parameters,
                       seed, replicate keys, package version, timings, files
    daily.parquet      replicate, date, location, series, value
    monthly.parquet    replicate, month, location, series, value
    links.parquet      replicate, date, link, entered, on_link
    queues.parquet     replicate, date, queue, length, arrivals, served, wait_sum
    queues_monthly.parquet  replicate, month, queue, arrivals, served, wait_sum, length,
                       mean_wait
    states.parquet     replicate, date, state, count

The directory is written under a temporary name and renamed at the end, so a directory with a
``manifest.json`` is always complete. The Parquet files depend only on the results (same seed
→ identical bytes); timings live in the manifest only.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()) / "run"
>>> scenario_hash({"a": 1}) == scenario_hash({"a": 1})
True
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import polars as pl

import roxham
from roxham.errors import UserError
from roxham.store.claim import claim, collect_garbage, storage_error, temp_name
from roxham.store.identity import content_hash


class RunResult(Protocol):
    """What :func:`write_run` reads of an engine result (``roxham.sim.results.RunResult``
    has it); a protocol, so that the store imports nothing of ``roxham.sim``."""

    @property
    def name(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...

    @property
    def seed(self) -> int: ...

    @property
    def replicates(self) -> Sequence[Any]: ...

    @property
    def start(self) -> Any: ...

    @property
    def n_days(self) -> int: ...

    @property
    def locations(self) -> Sequence[str]: ...

    @property
    def links(self) -> Sequence[str]: ...

    @property
    def queues(self) -> Sequence[str]: ...

    @property
    def cohorts(self) -> Sequence[str]: ...

    @property
    def timings(self) -> Mapping[str, Any]: ...

    @property
    def metadata(self) -> Mapping[str, Any]: ...

    @property
    def agent_steps(self) -> int: ...

    def daily(self) -> pl.DataFrame: ...

    def monthly(self) -> pl.DataFrame: ...

    def links_frame(self) -> pl.DataFrame: ...

    def queues_frame(self) -> pl.DataFrame: ...

    def queues_monthly(self) -> pl.DataFrame: ...

    def states_frame(self) -> pl.DataFrame: ...

__all__ = [
    "FILES", "atomic_run_dir", "check_target", "read_manifest", "read_run", "scenario_hash",
    "write_run",
]

FILES = ("daily", "monthly", "links", "queues", "queues_monthly", "states")


@contextmanager
def atomic_run_dir(final: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Write a run directory all at once: yields a temporary sibling to fill; when the block
    ends without error it becomes ``final``; on error it is removed and ``final`` is untouched.

    The target is claimed first (:func:`roxham.store.claim.claim`): a second writer for the
    same directory is refused at once (:class:`~roxham.store.claim.RunDirBusy`). A non-empty
    ``final`` is refused (:class:`UserError`) unless ``overwrite``; then the old directory is
    replaced only once the new one is complete. Temporary folders that killed writers left in
    the same parent are removed first. A write that fails for lack of space raises
    :class:`~roxham.store.claim.StorageFull` (other OS errors: :class:`UserError`).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> with atomic_run_dir(root / "run") as tmp:
    ...     _ = (tmp / "manifest.json").write_text("{}")
    >>> sorted(p.name for p in root.iterdir()), (root / "run" / "manifest.json").exists()
    (['run'], True)
    """
    final = Path(final)
    with claim(final):
        check_target(final, overwrite=overwrite)
        collect_garbage(final.parent)
        tmp = temp_name(final)
        try:
            if tmp.exists():
                shutil.rmtree(tmp)
            tmp.mkdir(parents=True)
        except OSError as e:
            raise storage_error(e, f"run directory {str(final)!r}") from None
        try:
            yield tmp
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise storage_error(e, f"run directory {str(final)!r}") from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        check_target(final, overwrite=overwrite)
        old = temp_name(final, "old") if final.exists() else None
        try:
            if old is not None:
                final.rename(old)
            tmp.rename(final)
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise storage_error(e, f"run directory {str(final)!r}") from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def check_target(final: Path, *, overwrite: bool = False) -> None:
    """:class:`UserError` unless ``final`` may receive a run (absent or empty directory, or
    ``overwrite``)."""
    if final.exists():
        if not final.is_dir():
            raise UserError(f"run directory {final} exists and is not a directory")
        if not overwrite and any(final.iterdir()):
            raise UserError(
                f"run directory {final} exists and is not empty (--force replaces it)"
            )


def _json_default(o: Any) -> Any:
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if hasattr(o, "item"):
        return o.item()
    if hasattr(o, "tolist"):
        return o.tolist()
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    return str(o)


def scenario_hash(scenario: Any) -> str:
    """The one content hash (:func:`roxham.store.identity.content_hash`) of a scenario."""
    return content_hash(scenario)


def write_run(
    directory: str | Path,
    result: RunResult,
    *,
    scenario: Mapping[str, Any] | None = None,
    overwrite: bool = False,
    **extra: Any,
) -> Path:
    """Write ``result`` to ``directory`` (Parquet + ``manifest.json``); returns the path.

    ``scenario`` (the scenario as data) is stored in the manifest with its hash; ``extra``
    keys are added to the manifest as they are (JSON-serialisable values).
    """
    out = Path(directory)
    with atomic_run_dir(out, overwrite=overwrite) as tmp:
        _write_files(tmp, result, scenario, extra)
    return out


def _write_files(
    tmp: Path, result: RunResult, scenario: Mapping[str, Any] | None, extra: Mapping[str, Any]
) -> None:
    frames = {
        "daily": result.daily(),
        "monthly": result.monthly(),
        "links": result.links_frame(),
        "queues": result.queues_frame(),
        "queues_monthly": result.queues_monthly(),
        "states": result.states_frame(),
    }
    for name, frame in frames.items():
        frame.write_parquet(tmp / f"{name}.parquet", statistics=False)
    sc = dict(scenario) if scenario is not None else None
    manifest = {
        "name": result.name,
        "roxham_version": roxham.__version__,
        "scenario": sc,
        "scenario_hash": scenario_hash(sc) if sc is not None else None,
        "params": result.params,
        "seed": result.seed,
        "replicates": len(result.replicates),
        "replicate_keys": [r.key for r in result.replicates],
        "start": result.start,
        "days": result.n_days,
        "locations": list(result.locations),
        "links": list(result.links),
        "queues": list(result.queues),
        "cohorts": list(result.cohorts),
        "agent_steps": result.agent_steps,
        "timings": {
            **result.timings,
            "replicates_run_s": [r.timings.get("run_s") for r in result.replicates],
        },
        "metadata": result.metadata,
        "files": [f"{n}.parquet" for n in frames],
        **extra,
    }
    (tmp / "manifest.json").write_text(
        json.dumps(manifest, indent=2, default=_json_default, sort_keys=False) + "\n"
    )


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """The manifest of a run directory."""
    data: dict[str, Any] = json.loads((Path(directory) / "manifest.json").read_text())
    return data


def read_run(directory: str | Path) -> dict[str, pl.DataFrame]:
    """The frames of a run directory, by name (``daily``, ``monthly``, ...)."""
    d = Path(directory)
    return {n: pl.read_parquet(d / f"{n}.parquet") for n in FILES if (d / f"{n}.parquet").exists()}
