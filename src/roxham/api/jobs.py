"""Background simulation runs for ``POST /runs``: the model interface and the job manager.

A *model backend* is anything with two methods (:class:`ModelBackend`): ``scenarios()`` lists
what can be run and the policy levers each scenario exposes; ``run(job, progress)`` runs one
job and returns tidy results (:class:`RunOutput`). The Canada–US model is one backend
(:mod:`roxham.api.canada_us_backend`); tests use a small fake.

The :class:`JobManager` validates a request against the scenario (unknown lever, wrong type,
agents × days over the configured cap → 422 naming the field), refuses work beyond the queue
(429), registers the run in the :class:`~roxham.store.registry.RunRegistry`, runs it on a
worker thread with progress reported to the registry, enforces the job timeout, and writes the
results as Parquet **atomically**: into a temporary folder renamed into place before the run
is marked ``done``. A server killed at any moment leaves the run ``queued``/``running`` (marked
failed and resumable at the next start) or ``done`` with complete files.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import shutil
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from roxham.api.encoding import to_jsonable
from roxham.api.problems import NotFound, RequestProblem, RunGone, TooBusy
from roxham.api.settings import ApiSettings
from roxham.store.claim import StorageFull
from roxham.store.registry import HEARTBEAT_S, RunRecord, RunRegistry
from roxham.store.result import (
    RunDataMissing,
    RunFrames,
    read_manifest,
    read_table,
    write_result,
)

LeverKind = Literal["bool", "int", "float", "date", "select"]

#: Columns of a run's result table (one row per series × day or month).
RESULT_COLUMNS = ("period", "series", "mean", "lo", "hi")


@dataclass(frozen=True)
class Lever:
    """One policy lever a scenario exposes (a value the user may change before a run)."""

    key: str
    kind: LeverKind
    default: Any
    en: str
    fr: str
    min: float | None = None
    max: float | None = None
    options: tuple[str, ...] = ()
    help_en: str = ""
    help_fr: str = ""

    def check(self, value: Any) -> Any:
        """``value`` converted to this lever's type; :class:`ValueError` saying why not.

        >>> Lever("window", "int", 14, "Window", "Délai", min=1, max=60).check(30)
        30
        >>> Lever("on", "bool", True, "On", "Actif").check("yes")
        Traceback (most recent call last):
        ...
        ValueError: must be true or false
        """
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError("must be true or false")
            return value
        if self.kind in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"must be a number ({self.kind})")
            if self.kind == "int" and value != int(value):
                raise ValueError("must be a whole number")
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError("must be a finite number")
            if self.min is not None and value < self.min:
                raise ValueError(f"must be >= {self.min:g}")
            if self.max is not None and value > self.max:
                raise ValueError(f"must be <= {self.max:g}")
            return int(value) if self.kind == "int" else float(value)
        if self.kind == "date":
            if not isinstance(value, str):
                raise ValueError("must be a date YYYY-MM-DD")
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError("must be a date YYYY-MM-DD") from None
            return day.isoformat()
        if value not in self.options:
            raise ValueError(f"must be one of {', '.join(self.options)}")
        return value


@dataclass(frozen=True)
class ScenarioSpec:
    """A scenario users can run: its levers, period, size, and observed series to compare."""

    name: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    start: dt.date
    end: dt.date
    levers: tuple[Lever, ...] = ()
    default_agents: int = 10_000
    #: False when the model sets its own number of agents (``agents`` in a request is refused).
    agents_adjustable: bool = True
    #: (series, geography, result series) triples: observed data charted beside results.
    observed: tuple[tuple[str, str, str], ...] = ()
    baseline: str = "historical"

    @property
    def days(self) -> int:
        """Simulated days (inclusive)."""
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description for ``GET /scenarios``."""
        out: dict[str, Any] = to_jsonable(self)
        out["days"] = self.days
        return out


@dataclass(frozen=True)
class Job:
    """What a backend is asked to run (already validated)."""

    run_id: str
    scenario: str
    levers: Mapping[str, Any]
    seed: int
    replicates: int
    agents: int


@dataclass
class RunOutput:
    """What a backend returns: a tidy table (:data:`RESULT_COLUMNS`) for the lab's charts and
    a manifest; a model with monthly results also gives them in the store's one shape
    (``frames``), so the run directory reads like one saved by ``roxham run``."""

    table: pl.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    frames: RunFrames | None = None


ProgressFn = Callable[[float, str], None]


class ModelBackend(Protocol):
    """A model the web app can run."""

    def scenarios(self) -> Sequence[ScenarioSpec]:
        """The scenarios offered to users."""
        ...

    def run(self, job: Job, progress: ProgressFn) -> RunOutput:
        """Run ``job``; call ``progress(fraction, message)`` now and then (it may raise
        :class:`JobStopped`: let it propagate)."""
        ...


class NoModel:
    """The backend when no model is installed: no scenarios."""

    def scenarios(self) -> Sequence[ScenarioSpec]:
        """None."""
        return ()

    def run(self, job: Job, progress: ProgressFn) -> RunOutput:  # pragma: no cover
        """Never called (no scenario validates)."""
        raise RuntimeError("no model installed")


class JobStopped(Exception):
    """Raised inside a run's progress callback when the run timed out or the server stops."""


class RunRequest(BaseModel):
    """Body of ``POST /runs``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"scenario": "historical", "levers": {}, "seed": 1}]},
    )

    scenario: str = Field(..., min_length=1, max_length=200)
    levers: dict[str, Any] = Field(default_factory=dict, description="Lever key → value")
    seed: int = Field(1, ge=0, le=2**32 - 1)
    replicates: int = Field(1, ge=1, le=1000)
    agents: int | None = Field(None, ge=1, le=10**9, description="Default: the scenario's")
    label: str = Field("", max_length=200, description="A name to find the run again")


def _problem(loc: Sequence[Any], msg: str, typ: str = "value_error") -> RequestProblem:
    return RequestProblem([{"loc": list(loc), "msg": msg, "type": typ}])


class JobManager:
    """Runs jobs on worker threads, within the limits of :class:`ApiSettings`."""

    def __init__(
        self, registry: RunRegistry, backend: ModelBackend, settings: ApiSettings
    ) -> None:
        self.registry = registry
        self.backend = backend
        self.settings = settings
        self.runs_dir = Path(settings.data_dir) / "runs"
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._active: set[str] = set()
        self._stopping = threading.Event()
        self._beat: threading.Thread | None = None
        self.recovered = registry.recover_interrupted()

    # -- scenarios -------------------------------------------------------------------------
    def scenarios(self) -> list[ScenarioSpec]:
        """The backend's scenarios."""
        return list(self.backend.scenarios())

    def scenario(self, name: str) -> ScenarioSpec | None:
        """The scenario called ``name``, if any."""
        return next((s for s in self.scenarios() if s.name == name), None)

    # -- submit ------------------------------------------------------------------------------
    def validate(self, req: RunRequest) -> tuple[ScenarioSpec, dict[str, Any], int]:
        """The scenario, complete lever values and agent count; 422 naming the bad field."""
        spec = self.scenario(req.scenario)
        if spec is None:
            names = ", ".join(s.name for s in self.scenarios()) or "none installed"
            raise _problem(["body", "scenario"], f"unknown scenario; available: {names}")
        levers = {lv.key: lv.default for lv in spec.levers}
        by_key = {lv.key: lv for lv in spec.levers}
        for key, value in req.levers.items():
            lever = by_key.get(key)
            if lever is None:
                raise _problem(["body", "levers", key], "unknown lever for this scenario")
            try:
                levers[key] = lever.check(value)
            except ValueError as e:
                raise _problem(["body", "levers", key], str(e)) from None
        if req.replicates > self.settings.max_replicates:
            raise _problem(
                ["body", "replicates"], f"at most {self.settings.max_replicates} replicates"
            )
        if req.agents is not None and not spec.agents_adjustable:
            raise _problem(["body", "agents"], "this model sets its own number of agents")
        agents = req.agents or spec.default_agents
        cost = agents * spec.days * req.replicates
        if cost > self.settings.max_agent_days:
            raise _problem(
                ["body", "agents"],
                f"agents × days × replicates = {cost} exceeds the server's limit of "
                f"{self.settings.max_agent_days}",
            )
        return spec, levers, agents

    def submit(self, req: RunRequest) -> RunRecord:
        """Validate, register and queue a run; return its record (``queued``)."""
        spec, levers, agents = self.validate(req)
        params = {
            "levers": levers, "seed": req.seed, "replicates": req.replicates,
            "agents": agents, "label": req.label, "baseline": spec.baseline,
        }
        with self._lock:
            limit = self.settings.max_concurrent_jobs + self.settings.max_queued_jobs
            if len(self._active) >= limit:
                raise TooBusy(f"{len(self._active)} runs queued or running; try again later")
            rec = self.registry.create(spec.name, params)
            self._active.add(rec.id)
            if self._pool is None:  # first run, or first after a shutdown (lifespan restart)
                self._stopping = threading.Event()
                self._pool = ThreadPoolExecutor(
                    max_workers=self.settings.max_concurrent_jobs,
                    thread_name_prefix="roxham-run",
                )
                self._beat = threading.Thread(target=self._heartbeat, args=(self._stopping,),
                                              name="roxham-heartbeat", daemon=True)
                self._beat.start()
            pool, stop = self._pool, self._stopping
        job = Job(rec.id, spec.name, levers, req.seed, req.replicates, agents)
        pool.submit(self._execute, job, stop)
        return rec

    # -- execution ---------------------------------------------------------------------------
    def _heartbeat(self, stop: threading.Event) -> None:
        """Renew this server's claim on its queued and running jobs (so that another server
        on the same registry leaves them alone) and recover the jobs of servers that died."""
        while not stop.wait(HEARTBEAT_S):
            try:
                self.registry.heartbeat()
                self.registry.recover_interrupted()
            except Exception:  # the database is briefly unreachable: try again next beat
                continue

    def _execute(self, job: Job, stop: threading.Event) -> None:
        try:
            self._execute_inner(job, stop)
        finally:
            with self._lock:
                self._active.discard(job.run_id)

    def _execute_inner(self, job: Job, stop: threading.Event) -> None:
        if stop.is_set() or not self.registry.start(job.run_id):
            return
        deadline = time.monotonic() + self.settings.job_timeout_s
        timer = threading.Timer(self.settings.job_timeout_s, self._time_out, (job.run_id,))
        timer.daemon = True
        timer.start()
        last = [0.0]
        final = self.runs_dir / job.run_id

        def report(fraction: float, message: str) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.2:
                last[0] = now
                # A fraction of 1.0 is kept for "done"; progress stops just short of it.
                self.registry.set_progress(job.run_id, min(float(fraction), 0.99), message)

        def progress(fraction: float, message: str = "") -> None:
            if stop.is_set():
                raise JobStopped("the server is stopping")
            if time.monotonic() > deadline:
                raise JobStopped(f"timed out after {self.settings.job_timeout_s:g} s")
            report(fraction, message)

        try:
            if self.settings.job_isolation == "process":
                error = self._run_in_process(job, final, stop, deadline, report)
                if error is not None:
                    raise error
            else:
                run_and_write(self.backend, job, progress, final)
            if not self.registry.finish(job.run_id, str(final)):
                shutil.rmtree(final, ignore_errors=True)  # timed out meanwhile: not a result
        except JobStopped as e:
            self.registry.fail(job.run_id, str(e), resumable=True)
        except StorageFull:
            self.registry.fail(job.run_id, "the server's disk is full; nothing was saved",
                               resumable=True)
        except Exception as e:  # a model failure is recorded on the run, not raised
            self.registry.fail(job.run_id, str(e) if isinstance(e, ModelFailed) else
                               f"{type(e).__name__}: {e}")
        finally:
            timer.cancel()

    def _run_in_process(
        self, job: Job, tmp: Path, stop: threading.Event, deadline: float,
        report: Callable[[float, str], None],
    ) -> Exception | None:
        """Run the job in a child process (killed on timeout or stop); the error, if any."""
        ctx = mp.get_context("spawn")
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child_main, args=(self.backend, job, str(tmp), send),
                           name=f"roxham-run-{job.run_id[:8]}", daemon=True)
        proc.start()
        send.close()
        try:
            while True:
                if stop.is_set():
                    return JobStopped("the server is stopping")
                if time.monotonic() > deadline:
                    return JobStopped(f"timed out after {self.settings.job_timeout_s:g} s")
                if recv.poll(0.2):
                    try:
                        kind, value, message = recv.recv()
                    except EOFError:
                        proc.join(5)
                        return ModelFailed(
                            f"the model process died (exit code {proc.exitcode})")
                    if kind == "progress":
                        report(float(value), str(message))
                    elif kind == "done":
                        return None
                    else:
                        return ModelFailed(str(value))
                elif not proc.is_alive() and not recv.poll():
                    return ModelFailed(f"the model process died (exit code {proc.exitcode})")
        finally:
            recv.close()
            if proc.is_alive():
                proc.kill()
            proc.join(10)

    def _time_out(self, run_id: str) -> None:
        self.registry.fail(
            run_id, f"timed out after {self.settings.job_timeout_s:g} s", resumable=True
        )

    # -- reading -------------------------------------------------------------------------------
    def get(self, run_id: str) -> RunRecord:
        """The run's record or 404."""
        rec = self.registry.get(run_id) if len(run_id) <= 64 else None
        if rec is None:
            raise NotFound("run", run_id)
        return rec

    def results(self, rec: RunRecord) -> dict[str, Any] | None:
        """The run's results as chart-ready JSON (``None`` unless it is done)."""
        if rec.status != "done" or not rec.result_path:
            return None
        folder = Path(rec.result_path)
        try:
            table = read_table(folder, "series").sort("series", "period")
            manifest = read_manifest(folder)
            if not {*RESULT_COLUMNS} <= set(table.columns):
                raise RunDataMissing(f"{folder}/series.parquet lacks columns")
        except RunDataMissing:
            raise RunGone(rec.id) from None
        series = []
        for (name,), part in table.group_by("series", maintain_order=True):
            series.append(
                {
                    "name": name,
                    "period": to_jsonable(part.get_column("period").to_list()),
                    "mean": to_jsonable(part.get_column("mean").to_list()),
                    "lo": to_jsonable(part.get_column("lo").to_list()),
                    "hi": to_jsonable(part.get_column("hi").to_list()),
                }
            )
        return {"series": series, "manifest": manifest}

    def shutdown(self) -> None:
        """Stop running jobs at their next progress report and wait for the workers.

        Runs stopped this way are marked failed and resumable; queued ones are left queued
        (a later start marks them likewise). A later :meth:`submit` starts new workers.
        """
        with self._lock:
            pool, self._pool = self._pool, None
            beat, self._beat = self._beat, None
            self._stopping.set()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if beat is not None:
            beat.join(5)


class ModelFailed(Exception):
    """The model raised (in a child process); the message says what."""


def run_and_write(backend: ModelBackend, job: Job, progress: ProgressFn, final: Path) -> None:
    """Run ``job`` and save it as the run directory ``final`` through the store's one writer
    (claimed, written under a temporary name, renamed when complete): the backend's monthly
    results and replicates when it gives them (``monthly.parquet``, ``replicates.parquet``,
    readable by ``roxham compare``), the lab's chart table ``series.parquet`` and
    ``manifest.json``."""
    started = time.perf_counter()
    out = backend.run(job, progress)
    table = _check_table(out.table)
    frames = out.frames or RunFrames(_monthly_from_table(table))
    manifest = {
        **frames.manifest,
        "run_id": job.run_id, "scenario": job.scenario, "levers": dict(job.levers),
        "seed": job.seed, "replicates": job.replicates, "agents": job.agents,
        "wall_s": round(time.perf_counter() - started, 3), **out.manifest,
    }
    manifest.setdefault("scenario_name", job.scenario)
    write_result(
        RunFrames(frames.monthly, frames.replicates,
                  json.loads(json.dumps(to_jsonable(manifest), sort_keys=True)),
                  {**frames.extras, "series": table}),
        final,
    )


def _monthly_from_table(table: pl.DataFrame) -> pl.DataFrame:
    """The chart table in the monthly layout (a model without monthly results: its periods
    as ``month`` = ISO date, geography empty)."""
    return table.select(
        pl.col("period").dt.strftime("%Y-%m-%d").alias("month"),
        pl.col("series"),
        pl.lit("").alias("geography"),
        pl.col("mean").alias("value"),
        pl.col("lo").alias("p05"),
        pl.col("hi").alias("p95"),
    )


def _child_main(backend: ModelBackend, job: Job, tmp: str, conn: Any) -> None:
    """Entry point of a run's child process: progress and the outcome go through ``conn``."""

    def progress(fraction: float, message: str = "") -> None:
        conn.send(("progress", float(fraction), str(message)))

    try:
        run_and_write(backend, job, progress, Path(tmp))
        conn.send(("done", "", ""))
    except BaseException as e:  # reported to the server, which records it on the run
        conn.send(("error", f"{type(e).__name__}: {e}", ""))
    finally:
        conn.close()


def _check_table(table: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in RESULT_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"model results lack columns {missing}")
    return table.select(
        pl.col("period").cast(pl.Date),
        pl.col("series").cast(pl.String),
        *(pl.col(c).cast(pl.Float64) for c in ("mean", "lo", "hi")),
    )


__all__ = [
    "RESULT_COLUMNS",
    "Job",
    "JobManager",
    "JobStopped",
    "Lever",
    "ModelBackend",
    "ModelFailed",
    "NoModel",
    "ProgressFn",
    "RunOutput",
    "RunRequest",
    "ScenarioSpec",
    "run_and_write",
]
