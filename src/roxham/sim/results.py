"""Results of a run: arrays per replicate, tidy Polars frames, monthly aggregation.

Arrays (per replicate, ``n_days`` first):

- ``series[d, s, l]``: events at location ``l`` on day ``d`` for each series of
  :data:`SERIES` (spawned, arrivals, departures, crossings, intercepted, evaded, claims,
  referred, returned, gave_up, settled, bounced);
- ``population[d, l]``: agents at ``l`` at the end of day ``d`` (deciding, queued, claimants
  and settled; not those on links, not those who left);
- ``entered[d, k]`` / ``on_link[d, k]``: agents who entered link ``k`` that day / are on it
  at the end of the day;
- ``states[d, s]``: agents in each :class:`~roxham.sim.agents.AgentState`;
- ``queue_length``, ``queue_arrivals``, ``queue_served``, ``queue_wait_sum`` ``[d, q]``:
  end-of-day length, arrivals, people served and the sum of their waits in days.

Frames (``daily()``, ``links_frame()``, ``queues_frame()``, ``states_frame()``,
``monthly()``) are long/tidy with a ``replicate`` column; ``monthly()`` sums flows and takes
end-of-month values of stocks (``population``, queue ``length``).

Saved, a run has the store's one layout like every model's (``frames()``/``write()``:
``monthly.parquet`` with month, series, geography, value, p05, p95; ``replicates.parquet``;
``manifest.json``; the daily tables above as named extras), so ``roxham compare`` and the
report read it like any run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl

from roxham.sim.agents import Agents, AgentState
from roxham.sim.kernel import SERIES

if TYPE_CHECKING:
    from roxham.store.result import RunFrames

__all__ = ["SERIES", "STOCK_SERIES", "ReplicateResult", "RunResult"]

#: Series that are end-of-day stocks (the rest are daily flows).
STOCK_SERIES = ("population",)


@dataclass(eq=False)
class ReplicateResult:
    """Arrays recorded by one replicate (see the module docstring)."""

    replicate: int
    key: int
    series: npt.NDArray[np.int32]
    population: npt.NDArray[np.int32]
    on_link: npt.NDArray[np.int32]
    entered: npt.NDArray[np.int32]
    states: npt.NDArray[np.int64]
    queue_length: npt.NDArray[np.int64]
    queue_arrivals: npt.NDArray[np.int64]
    queue_served: npt.NDArray[np.int64]
    queue_wait_sum: npt.NDArray[np.int64]
    n_alive: npt.NDArray[np.int64]
    agents: Agents | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: ``codes[d, c, l]``: claims decided at location ``l`` on day ``d`` with outcome code ``c``
    #: (the law oracle's ``code_names``); None for results built without it
    codes: npt.NDArray[np.int32] | None = None
    #: ``n_window[d]``: agents in the active window on day ``d`` (from the day's watermark to
    #: the last agent created; the kernel's walk, :mod:`roxham.sim.kernel`); None if not kept
    n_window: npt.NDArray[np.int64] | None = None


@dataclass(eq=False)
class RunResult:
    """All replicates of a run plus what is needed to label them."""

    name: str
    start: dt.date
    n_days: int
    locations: tuple[str, ...]
    location_kinds: tuple[str, ...]
    links: tuple[str, ...]
    queues: tuple[str, ...]
    cohorts: tuple[str, ...]
    seed: int
    params: dict[str, Any]
    replicates: list[ReplicateResult]
    timings: dict[str, float] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    #: text attributes of the locations (``Network.labels``), e.g. ``"province"``
    location_labels: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    #: names of the law's outcome codes (axis 1 of ``ReplicateResult.codes``)
    code_names: tuple[str, ...] = ()

    # ------------------------------------------------------------------ arrays
    @property
    def dates(self) -> npt.NDArray[np.datetime64]:
        """``datetime64[D][n_days]``."""
        return np.datetime64(self.start, "D") + np.arange(self.n_days)

    def series(self, name: str, replicate: int = 0) -> npt.NDArray[np.int64]:
        """``int64[n_days, n_locations]`` of one series (or ``"population"``)."""
        rep = self.replicates[replicate]
        if name == "population":
            return rep.population.astype(np.int64)
        if name not in SERIES:
            raise KeyError(f"unknown series {name!r}; known: population, {', '.join(SERIES)}")
        return rep.series[:, SERIES.index(name), :].astype(np.int64)

    def at(self, name: str, location: str, replicate: int = 0) -> npt.NDArray[np.int64]:
        """``int64[n_days]``: one series at one location."""
        return self.series(name, replicate)[:, self.locations.index(location)]

    def grouped(
        self, name: str, by: str = "kind", replicate: int = 0
    ) -> dict[str, npt.NDArray[np.int64]]:
        """A series summed over locations sharing a kind (``by="kind"``) or a text label
        (e.g. ``by="province"``); locations without the label are left out.

        Returns ``{group: int64[n_days]}``, groups sorted by name.
        """
        if by == "kind":
            keys: tuple[str | None, ...] = self.location_kinds
        elif by in self.location_labels:
            keys = self.location_labels[by]
        else:
            known = ", ".join(["kind", *self.location_labels])
            raise KeyError(f"no location label {by!r}; known: {known}")
        arr = self.series(name, replicate)
        out: dict[str, npt.NDArray[np.int64]] = {}
        for g in sorted({k for k in keys if k is not None}):
            cols = [i for i, k in enumerate(keys) if k == g]
            out[g] = arr[:, cols].sum(axis=1)
        return out

    def claims_by_code(self, code: str, replicate: int = 0) -> npt.NDArray[np.int64]:
        """``int64[n_days, n_locations]``: claims decided with outcome ``code`` (a name of
        :attr:`code_names`) at each location, by day."""
        rep = self.replicates[replicate]
        if rep.codes is None or code not in self.code_names:
            raise KeyError(f"unknown outcome code {code!r}; known: {', '.join(self.code_names)}")
        return rep.codes[:, self.code_names.index(code), :].astype(np.int64)

    @property
    def agent_steps(self) -> int:
        """Sum over replicates and days of the number of agents alive (the work done)."""
        return int(sum(int(r.n_alive.sum()) for r in self.replicates))

    # ------------------------------------------------------------------ frames
    def _dates(self) -> pl.Series:
        return pl.Series("date", self.dates).cast(pl.Date)

    def daily(self) -> pl.DataFrame:
        """Long frame: replicate, date, location, series, value (int64)."""
        names = ("population", *SERIES)
        n_loc = len(self.locations)
        frames = []
        for rep in self.replicates:
            arr = np.concatenate([rep.population[:, None, :], rep.series], axis=1)
            flat = arr.reshape(-1).astype(np.int64)
            n = flat.size
            frames.append(
                pl.DataFrame(
                    {
                        "replicate": np.full(n, rep.replicate, dtype=np.int32),
                        "date": np.repeat(self.dates, len(names) * n_loc),
                        "location": np.tile(np.asarray(self.locations), self.n_days * len(names)),
                        "series": np.tile(np.repeat(np.asarray(names), n_loc), self.n_days),
                        "value": flat,
                    }
                )
            )
        return pl.concat(frames).with_columns(pl.col("date").cast(pl.Date))

    def links_frame(self) -> pl.DataFrame:
        """Long frame: replicate, date, link (``"A->B"``), entered, on_link."""
        n_l = len(self.links)
        frames = []
        for rep in self.replicates:
            frames.append(
                pl.DataFrame(
                    {
                        "replicate": np.full(self.n_days * n_l, rep.replicate, dtype=np.int32),
                        "date": np.repeat(self.dates, n_l),
                        "link": np.tile(np.asarray(self.links, dtype=object), self.n_days),
                        "entered": rep.entered.reshape(-1).astype(np.int64),
                        "on_link": rep.on_link.reshape(-1).astype(np.int64),
                    },
                    schema_overrides={"link": pl.String},
                )
            )
        return pl.concat(frames).with_columns(pl.col("date").cast(pl.Date))

    def queues_frame(self) -> pl.DataFrame:
        """Long frame: replicate, date, queue, length, arrivals, served, wait_sum."""
        n_q = len(self.queues)
        frames = []
        for rep in self.replicates:
            frames.append(
                pl.DataFrame(
                    {
                        "replicate": np.full(self.n_days * n_q, rep.replicate, dtype=np.int32),
                        "date": np.repeat(self.dates, n_q),
                        "queue": np.tile(np.asarray(self.queues, dtype=object), self.n_days),
                        "length": rep.queue_length.reshape(-1),
                        "arrivals": rep.queue_arrivals.reshape(-1),
                        "served": rep.queue_served.reshape(-1),
                        "wait_sum": rep.queue_wait_sum.reshape(-1),
                    },
                    schema_overrides={"queue": pl.String},
                )
            )
        return pl.concat(frames).with_columns(pl.col("date").cast(pl.Date))

    def states_frame(self) -> pl.DataFrame:
        """Long frame: replicate, date, state (name), count."""
        names = np.asarray([s.name.lower() for s in AgentState], dtype=object)
        n_s = len(names)
        frames = []
        for rep in self.replicates:
            frames.append(
                pl.DataFrame(
                    {
                        "replicate": np.full(self.n_days * n_s, rep.replicate, dtype=np.int32),
                        "date": np.repeat(self.dates, n_s),
                        "state": np.tile(names, self.n_days),
                        "count": rep.states.reshape(-1),
                    },
                    schema_overrides={"state": pl.String},
                )
            )
        return pl.concat(frames).with_columns(pl.col("date").cast(pl.Date))

    def monthly(self) -> pl.DataFrame:
        """Monthly long frame: replicate, month (first day), location, series, value.

        Flows are summed over the month; stocks (``population``) are the value on the last
        simulated day of the month (the location columns of :meth:`replicate_monthly`).
        """
        return self._monthly_long(
            lambda s, g: g != "total" and not s.startswith("queue_"), "location"
        ).sort(["replicate", "month", "location", "series"])

    def queues_monthly(self) -> pl.DataFrame:
        """Monthly queues: arrivals, served, wait_sum summed; length at month end; mean_wait
        (the queue columns of :meth:`replicate_monthly`)."""
        q = self._monthly_long(lambda s, _g: s.startswith("queue_"), "queue")
        return (
            q.with_columns(pl.col("series").str.strip_prefix("queue_"))
            .pivot("series", index=["replicate", "month", "queue"], values="value")
            .select("replicate", "month", "queue", "arrivals", "served", "wait_sum", "length")
            .with_columns(
                (pl.col("wait_sum") / pl.col("served").cast(pl.Float64)).alias("mean_wait")
            )
            .sort(["replicate", "month", "queue"])
        ) if self.queues else pl.DataFrame(
            schema={"replicate": pl.Int32, "month": pl.Date, "queue": pl.String,
                    "arrivals": pl.Int64, "served": pl.Int64, "wait_sum": pl.Int64,
                    "length": pl.Int64, "mean_wait": pl.Float64})

    def _monthly_long(self, keep: Callable[[str, str], bool], where: str) -> pl.DataFrame:
        """Columns of :meth:`replicate_monthly` that ``keep(series, geography)`` accepts, as
        a long frame: replicate, month (first day), ``where`` (the geography), series,
        value (int64)."""
        rep, months, cols = self.replicate_monthly()
        idx = [i for i, (s, g) in enumerate(cols) if keep(s, g)]
        n_r, n_m, n_c = len(self.replicates), len(months), len(idx)
        first_days = np.array(months, dtype="datetime64[M]").astype("datetime64[D]")
        return pl.DataFrame(
            {
                "replicate": np.repeat([r.replicate for r in self.replicates],
                                       n_m * n_c).astype(np.int32),
                "month": np.tile(np.repeat(first_days, n_c), n_r),
                where: np.tile(np.array([cols[i][1] for i in idx], dtype=object), n_r * n_m),
                "series": np.tile(np.array([cols[i][0] for i in idx], dtype=object), n_r * n_m),
                "value": rep[:, :, idx].reshape(-1).astype(np.int64),
            },
            schema_overrides={where: pl.String, "series": pl.String},
        ).with_columns(pl.col("month").cast(pl.Date))

    # ------------------------------------------------------------------ the store's shape
    def replicate_monthly(self) -> tuple[npt.NDArray[np.float64], list[str], list[tuple[str, str]]]:
        """``(values[replicate, month, column], months, columns)``: every series by month in
        the store's vocabulary, computed from the arrays.

        Columns are ``(series, geography)`` pairs: each location series (``population``
        and :data:`SERIES`) at each location and at ``"total"`` (the sum over locations),
        then the queues' ``queue_arrivals``, ``queue_served``, ``queue_wait_sum`` and
        ``queue_length`` with the queue's name as geography. Flows are summed over the
        month; stocks (``population``, ``queue_length``) are the value on the last simulated
        day of the month. Months are ``YYYY-MM``.
        """
        month_of_day = self.dates.astype("datetime64[M]")
        months_m, first = np.unique(month_of_day, return_index=True)
        last = np.r_[first[1:], self.n_days] - 1
        months = [str(m) for m in months_m]
        names = ("population", *SERIES)
        cols: list[tuple[str, str]] = [
            (n, g) for n in names for g in (*self.locations, "total")]
        queue_flows = ("queue_arrivals", "queue_served", "queue_wait_sum")
        cols += [(n, q) for n in (*queue_flows, "queue_length") for q in self.queues]
        out = np.empty((len(self.replicates), len(months), len(cols)), dtype=np.float64)
        for i, rep in enumerate(self.replicates):
            parts = []
            for k, name in enumerate(names):
                daily = (rep.population if name == "population" else rep.series[:, k - 1, :])
                daily = daily.astype(np.int64)
                daily = np.concatenate([daily, daily.sum(axis=1, keepdims=True)], axis=1)
                parts.append(daily[last] if name in STOCK_SERIES
                             else np.add.reduceat(daily, first, axis=0))
            for arr in (rep.queue_arrivals, rep.queue_served, rep.queue_wait_sum):
                parts.append(np.add.reduceat(arr.astype(np.int64), first, axis=0))
            parts.append(rep.queue_length.astype(np.int64)[last])
            out[i] = np.concatenate(parts, axis=1)
        return out, months, cols

    def frames(self, *, scenario: Mapping[str, Any] | None = None,
               **manifest: Any) -> RunFrames:
        """The run in the store's one result shape (:class:`roxham.store.result.RunFrames`):
        ``monthly`` (mean and 5–95 % over replicates of :meth:`replicate_monthly`),
        ``replicates``, the manifest, and the daily tables as named extras (``daily``,
        ``links``, ``queues``, ``queues_monthly``, ``states``).

        ``scenario`` (the scenario as data) is stored in the manifest with its hash;
        ``manifest`` keys are added as they are (JSON-serialisable values).
        """
        from roxham import __version__
        from roxham.store.identity import content_hash
        from roxham.store.result import RunFrames, replicates_frame, summary_frame

        rep, months, cols = self.replicate_monthly()
        sc = dict(scenario) if scenario is not None else None
        man: dict[str, Any] = {
            "model": "sim",
            "name": self.name,
            "scenario_name": self.name,
            "roxham_version": __version__,
            "scenario": sc,
            "scenario_hash": content_hash(sc) if sc is not None else None,
            "params": self.params,
            "seed": self.seed,
            "replicates": len(self.replicates),
            "replicate_keys": [r.key for r in self.replicates],
            "start": self.start,
            "days": self.n_days,
            "locations": list(self.locations),
            "links": list(self.links),
            "queues": list(self.queues),
            "cohorts": list(self.cohorts),
            "agent_steps": self.agent_steps,
            "timings": {
                **self.timings,
                "replicates_run_s": [r.timings.get("run_s") for r in self.replicates],
            },
            "metadata": self.metadata,
            **manifest,
        }
        extras: dict[str, pl.DataFrame | str] = {
            "daily": self.daily(),
            "links": self.links_frame(),
            "queues": self.queues_frame(),
            "queues_monthly": self.queues_monthly(),
            "states": self.states_frame(),
        }
        return RunFrames(summary_frame(rep, months, cols), replicates_frame(rep, months, cols),
                         man, extras)

    def write(self, directory: str | Path, *, scenario: Mapping[str, Any] | None = None,
              overwrite: bool = False, **manifest: Any) -> Path:
        """Save the run as a run directory through the store's one writer
        (:func:`roxham.store.result.write_result`, atomic): :meth:`frames` as
        ``monthly.parquet``, ``replicates.parquet``, ``manifest.json`` and the named extras.
        ``roxham compare`` and the report read it like any run. Returns the directory."""
        from roxham.store.result import write_result

        write_result(self.frames(scenario=scenario, **manifest), directory,
                     overwrite=overwrite)
        return Path(directory)
