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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from roxham.sim.agents import Agents, AgentState
from roxham.sim.kernel import SERIES

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
        simulated day of the month.
        """
        d = self.daily().with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
        keys = ["replicate", "month", "location", "series"]
        flows = d.filter(~pl.col("series").is_in(STOCK_SERIES)).group_by(keys).agg(
            pl.col("value").sum()
        )
        stocks = (
            d.filter(pl.col("series").is_in(STOCK_SERIES))
            .sort("date")
            .group_by(keys)
            .agg(pl.col("value").last())
        )
        return pl.concat([flows, stocks]).sort(keys)

    def queues_monthly(self) -> pl.DataFrame:
        """Monthly queues: arrivals, served, wait_sum summed; length at month end; mean_wait."""
        q = self.queues_frame().with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
        return (
            q.sort("date")
            .group_by(["replicate", "month", "queue"])
            .agg(
                pl.col("arrivals").sum(),
                pl.col("served").sum(),
                pl.col("wait_sum").sum(),
                pl.col("length").last(),
            )
            .with_columns(
                (pl.col("wait_sum") / pl.col("served").cast(pl.Float64)).alias("mean_wait")
            )
            .sort(["replicate", "month", "queue"])
        )

    def write(self, directory: str | Path, **manifest: Any) -> Path:
        """Write Parquet files and ``manifest.json`` (see :func:`roxham.store.rundir.write_run`)."""
        from roxham.store.rundir import write_run

        return write_run(directory, self, **manifest)
