"""The simulation façade: what a model builds (:class:`Simulation`) and how it runs.

Python orchestrates one day at a time (policy events, the day's choice table, the law table
lookup) and hands the agents to the compiled kernel (:mod:`roxham.sim.kernel`).

>>> import datetime as dt
>>> from roxham.sim.network import Network
>>> net = Network.build([("A", "origin"), ("B", "destination")], [("A", "B", 2.0)])
>>> sim = Simulation(net, dt.date(2024, 1, 1), dt.date(2024, 1, 10),
...                  cohorts=[Cohort("people")], spawns=[Spawn("people", "A", 10.0)],
...                  choice=FixedChoice([1.0]))
>>> res = sim.run(seed=1)
>>> int(res.series("arrivals")[:, net.index("B")].sum())   # 10/day, 2 days' travel
90
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import math
import multiprocessing as mp
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.errors import UserError
from roxham.sim import kernel as K
from roxham.sim.agents import Agents, AgentState
from roxham.sim.choice import ChoiceModel, DayContext, FixedChoice, cumulative_by_location
from roxham.sim.network import ArrivalAction, LocationKind, Network, Options
from roxham.sim.oracle import (
    EveryoneReferred,
    LawOracle,
    OutcomeTable,
    ProfileTable,
    build_outcome_table,
)
from roxham.sim.queues import QueueSpec
from roxham.sim.results import ReplicateResult, RunResult
from roxham.sim.timeline import Event, Timeline

__all__ = [
    "DEFAULT_PARAMS",
    "Cohort",
    "ProgressCallback",
    "RunState",
    "Simulation",
    "Spawn",
    "check_param",
    "replicate_keys",
]

#: Parameters the engine itself reads (a scenario or ``set_parameter`` event may change them).
DEFAULT_PARAMS: dict[str, Any] = {
    # speed on links without their own speed: link length units per day (1.0: lengths are days)
    "speed_km_per_day": 1.0,
    # agents perceive the law of this many days ago when they choose
    "info_lag_days": 0,
    # interception probability at irregular crossings without an "interception" attribute
    "interception": 1.0,
    # perceived success of options with no claim place on their path
    "no_claim_value": 0.0,
    # True: a link is completed only when the day's move exceeds what is left (Flee: L >= v
    # takes floor(L/v)+1 days); False: when it reaches it (a 2-day link takes 2 days)
    "strict_arrival": False,
    # after reaching the end of its path with time left the same day: 0 = stop until tomorrow,
    # 1 = decide again and go on with the time left, 2 = decide again with a full day (Flee 3.1)
    "redecide": 0,
}

#: Default claim place of each location kind (the ``place`` the law oracle is asked about).
DEFAULT_PLACE: dict[LocationKind, str] = {
    LocationKind.IRREGULAR_CROSSING: "between_ports",
    LocationKind.PORT_OF_ENTRY: "land_poe",
    LocationKind.AIRPORT: "airport",
    LocationKind.INLAND_OFFICE: "inland",
}

#: ``return_to`` label value: a returned claimant goes back to the start of its route (the
#: location where it chose the option that brought it here), e.g. its US origin.
ROUTE_START = "@route_start"

BORDER_KINDS = (LocationKind.IRREGULAR_CROSSING, LocationKind.PORT_OF_ENTRY, LocationKind.AIRPORT)

#: ``progress(done, total)``: days simulated so far over all replicates, and their total.
ProgressCallback = Callable[[int, int], None]


@dataclass
class Cohort:
    """A kind of people: their fact profiles (for the law) and what they do when returned.

    Attributes:
        name: unique name.
        profiles: ``(facts, share)`` pairs; facts are what the law oracle reads (all cohorts
            use the same keys). Empty: one profile with no facts (models without law).
        give_up: probability that an agent returned after an ineligible claim leaves the
            system (state EXITED) instead of choosing again where it was sent.
        max_attempts: an agent returned for the ``max_attempts + 1``-th time leaves the system
            whatever ``give_up`` says (default 127: no limit); ``max_attempts=2`` lets a
            person try again at most twice.
    """

    name: str
    profiles: Sequence[tuple[Mapping[str, Any], float]] = ()
    give_up: float = 0.0
    max_attempts: int = 127


@dataclass
class Spawn:
    """New agents of a cohort appearing at a location.

    ``daily`` is the expected number per day: a number (every day of the period, or of
    ``[start, end]``), or an array with one value per day of the period. The engine creates
    ``floor(x)`` agents plus one more with probability ``frac(x)``, so integer counts are
    exact.
    """

    cohort: str
    location: str
    daily: float | Sequence[float] | npt.NDArray[np.floating]
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class RunState:
    """The mutable policy state of one replicate (what events change).

    Model hooks (``on_event``) may change these arrays and ``params``; the engine reads them
    again on the same day. ``spawn_scale[s]`` multiplies spawn stream ``s`` from that day on.
    """

    day: int
    date: dt.date
    params: dict[str, Any]
    loc_open: npt.NDArray[np.bool_]
    link_open: npt.NDArray[np.bool_]
    p_intercept: npt.NDArray[np.float64]
    q_capacity: npt.NDArray[np.float64]
    spawn_scale: npt.NDArray[np.float64]
    loc_count: npt.NDArray[np.int64]


def check_param(name: str, value: Any) -> Any:
    """Validate an engine parameter (:data:`DEFAULT_PARAMS`); other names pass unchanged.

    >>> check_param("info_lag_days", 3.0)
    3
    >>> check_param("redecide", 5)
    Traceback (most recent call last):
    ...
    roxham.errors.UserError: parameter redecide: must be 0, 1 or 2, got 5
    """
    if name not in DEFAULT_PARAMS:
        return value

    def bad(msg: str) -> UserError:
        return UserError(f"parameter {name}: {msg}, got {value!r}")

    if name in ("strict_arrival",):
        if not isinstance(value, (bool, np.bool_)):
            raise bad("must be true or false")
        return bool(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise bad("must be a number")
    x = float(value)
    if not math.isfinite(x):
        raise bad("must be finite")
    if name == "speed_km_per_day":
        if x <= 0:
            raise bad("must be > 0")
        return x
    if name == "info_lag_days":
        if x < 0 or x != int(x) or x > 3650:
            raise bad("must be a whole number of days in 0..3650")
        return int(x)
    if name in ("interception", "no_claim_value"):
        if not 0.0 <= x <= 1.0:
            raise bad("must be in [0, 1]")
        return x
    if name == "redecide":
        if x not in (0, 1, 2):
            raise UserError(f"parameter {name}: must be 0, 1 or 2, got {value!r}")
        return int(x)
    return value


def _number(value: Any, what: str, lo: float, hi: float) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise UserError(f"{what} must be a number, got {value!r}")
    x = float(value)
    if math.isnan(x) or not lo <= x <= hi:
        raise UserError(f"{what} must be in [{lo}, {hi}], got {value!r}")
    return x


def replicate_keys(seed: int, replicates: int) -> list[int]:
    """The 64-bit key of each replicate: Roxham's one seed scheme,
    :func:`roxham.store.identity.replicate_seeds` with 64 bits
    (``SeedSequence(seed).spawn(replicates)[r]``).

    Replicate ``r`` gets the same key whatever the number of replicates or workers.

    >>> replicate_keys(1, 3)[:2] == replicate_keys(1, 2)
    True
    """
    from roxham.store.identity import replicate_seeds

    return replicate_seeds(seed, replicates, bits=64)


class Simulation:
    """A model ready to run: network, people, choice, queues, law and policy timeline.

    Args:
        network: the location graph.
        start, end: the period (both inclusive).
        cohorts: kinds of people (:class:`Cohort`).
        spawns: where and when they appear (:class:`Spawn`).
        choice: a :class:`~roxham.sim.choice.ChoiceModel` (e.g.
            :class:`~roxham.sim.choice.LogitChoice`); default: nobody ever moves.
        options: what agents can choose at each location (default: each outgoing link).
        queues: processing queues (:class:`~roxham.sim.queues.QueueSpec`).
        timeline: dated policy events.
        oracle: the law (:class:`~roxham.sim.oracle.LawOracle`); default: every claim referred.
        params: engine parameters (:data:`DEFAULT_PARAMS`) and model parameters.
        on_event: ``(state: RunState, event: Event) -> bool`` for event kinds the engine does
            not know; return True if handled.
        name: shown in results and manifests.
        agent_limit: refuse to build a run that could create more agents than this (the
            arrays take 41 bytes per agent).

    ``dense_from`` (a class attribute, settable per simulation) is a speed choice only: a day
    walks every agent of the active window directly when at least this share of them is
    active, and the kernel's list of active agents otherwise (``Settings`` in
    :mod:`roxham.sim.kernel`); both walks give the same results.
    """

    #: share of active agents in the window from which a day walks the window directly
    dense_from: float = 0.75

    def __init__(
        self,
        network: Network,
        start: dt.date,
        end: dt.date,
        *,
        cohorts: Sequence[Cohort],
        spawns: Sequence[Spawn],
        choice: ChoiceModel | None = None,
        options: Options | None = None,
        queues: Sequence[QueueSpec] = (),
        timeline: Timeline | Sequence[Event] | None = None,
        oracle: LawOracle | None = None,
        params: Mapping[str, Any] | None = None,
        on_event: Callable[[RunState, Event], bool] | None = None,
        name: str = "simulation",
        agent_limit: int = 100_000_000,
    ) -> None:
        if end < start:
            raise UserError(f"period: end {end} is before start {start}")
        self.network = network
        self.start = start
        self.end = end
        self.n_days = (end - start).days + 1
        if self.n_days > 32_000:  # day columns of the agents are int16
            raise UserError(f"period: {self.n_days} days is longer than the 32,000 supported")
        self.name = name
        self.options = options if options is not None else Options.from_links(network)
        self.choice: ChoiceModel = choice if choice is not None else FixedChoice(
            np.zeros(self.options.n_options)
        )
        self.queues = tuple(queues)
        self.timeline = timeline if isinstance(timeline, Timeline) else Timeline(timeline or ())
        self.oracle: LawOracle = oracle if oracle is not None else EveryoneReferred()
        self.params: dict[str, Any] = {
            k: check_param(k, v) for k, v in {**DEFAULT_PARAMS, **dict(params or {})}.items()
        }
        self.on_event = on_event
        self.agent_limit = agent_limit
        self.metadata: dict[str, Any] = {}
        self._build_people(cohorts, spawns)
        if self.max_agents() > agent_limit:
            raise UserError(
                f"the spawns would create up to {self.max_agents():,} agents, more than the "
                f"limit of {agent_limit:,} (Simulation(agent_limit=...))"
            )
        self._build_places()
        self._build_queues()
        self._check_events()
        self._table: OutcomeTable | None = None

    # ------------------------------------------------------------------ building
    def _build_people(self, cohorts: Sequence[Cohort], spawns: Sequence[Spawn]) -> None:
        if not cohorts:
            raise UserError("a simulation needs at least one cohort")
        names = [c.name for c in cohorts]
        if len(set(names)) != len(names):
            raise UserError(f"cohort names must be unique: {names}")
        self.cohorts = tuple(cohorts)
        self.cohort_index = {c.name: i for i, c in enumerate(cohorts)}
        self.profiles = ProfileTable()
        with_facts = [c for c in cohorts if c.profiles]
        if with_facts and len(with_facts) != len(cohorts):
            raise UserError("either every cohort has fact profiles or none has")
        g_cohort: list[int] = []
        g_profile: list[int] = []
        g_cdf: list[float] = []
        ptr = [0]
        for ci, c in enumerate(cohorts):
            if not (0.0 <= c.give_up <= 1.0):
                raise UserError(f"cohort {c.name!r}: give_up must be in [0, 1], got {c.give_up}")
            if not (isinstance(c.max_attempts, int) and 0 <= c.max_attempts <= 127):
                raise UserError(
                    f"cohort {c.name!r}: max_attempts must be a whole number in 0..127, "
                    f"got {c.max_attempts!r}"
                )
            rows = list(c.profiles) or [({}, 1.0)]
            shares: dict[int, float] = {}
            for facts, share in rows:
                if share < 0 or not math.isfinite(share):
                    raise UserError(f"cohort {c.name!r}: profile shares must be >= 0")
                f = self.profiles.add(facts)
                shares[f] = shares.get(f, 0.0) + float(share)
            total = sum(shares.values())
            if total <= 0:
                raise UserError(f"cohort {c.name!r}: profile shares sum to 0")
            acc = 0.0
            for f, s in shares.items():
                if s <= 0:
                    continue
                acc += s / total
                g_cohort.append(ci)
                g_profile.append(f)
                g_cdf.append(acc)
            g_cdf[-1] = 1.0
            ptr.append(len(g_cohort))
        self.group_cohort = np.asarray(g_cohort, dtype=np.int32)
        self.group_profile = np.asarray(g_profile, dtype=np.int32)
        self.group_cdf = np.asarray(g_cdf, dtype=np.float64)
        self.cohort_gptr = np.asarray(ptr, dtype=np.int32)
        self.give_up = np.asarray([c.give_up for c in cohorts], dtype=np.float64)
        self.max_attempts = np.asarray([c.max_attempts for c in cohorts], dtype=np.int8)
        # spawn streams
        self.spawns = tuple(spawns)
        self.spawn_matrix, self.stream_cohort, self.stream_loc = self._spawn_matrix(spawns)

    def _spawn_matrix(self, spawns: Sequence[Spawn]) -> tuple[
            npt.NDArray[np.float64], npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """The spawn streams as arrays: expected counts [stream, day], cohort and location of
        each stream (validated)."""
        n_days = self.n_days
        mat = np.zeros((len(spawns), n_days), dtype=np.float64)
        s_cohort = np.zeros(len(spawns), dtype=np.int32)
        s_loc = np.zeros(len(spawns), dtype=np.int32)
        for s, sp in enumerate(spawns):
            if sp.cohort not in self.cohort_index:
                raise UserError(f"spawn {s}: unknown cohort {sp.cohort!r}")
            s_cohort[s] = self.cohort_index[sp.cohort]
            s_loc[s] = self.network.index(sp.location)
            daily = np.asarray(sp.daily, dtype=np.float64)
            if daily.ndim == 0:
                row = np.full(n_days, float(daily))
            elif daily.shape == (n_days,):
                row = daily.copy()
            else:
                raise UserError(
                    f"spawn {s} ({sp.cohort} at {sp.location}): daily has {daily.size} values "
                    f"for a period of {n_days} days"
                )
            if sp.start is not None:
                row[: max((sp.start - self.start).days, 0)] = 0.0
            if sp.end is not None:
                row[max((sp.end - self.start).days + 1, 0) :] = 0.0
            if not np.all(np.isfinite(row)) or (row < 0).any():
                raise UserError(f"spawn {s} ({sp.cohort} at {sp.location}): counts must be >= 0")
            mat[s] = row
        return mat, s_cohort, s_loc

    def updated(
        self,
        *,
        spawn_daily: Sequence[float | Sequence[float] | npt.NDArray[np.floating]] | None = None,
        choice: ChoiceModel | None = None,
        interception: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Simulation:
        """A copy of this simulation with some inputs replaced, sharing everything else
        (network, options, cohorts, queues, timeline, law table): what a parameter draw
        changes, without building the rest again. This simulation is left unchanged.

        Args:
            spawn_daily: new expected daily counts of every spawn stream, in order (cohort,
                location and ``start``/``end`` of each stream stay).
            choice: a new choice model.
            interception: location name → new interception probability at that location.
            params: engine or model parameters to change (``interception``, which sets the
                default of every location, cannot be changed here: give ``interception``).

        >>> from roxham.sim.network import Network
        >>> net = Network.build([("A", "origin"), ("B", "destination")], [("A", "B", 2.0)])
        >>> sim = Simulation(net, dt.date(2024, 1, 1), dt.date(2024, 1, 10),
        ...                  cohorts=[Cohort("people")], spawns=[Spawn("people", "A", 10.0)],
        ...                  choice=FixedChoice([1.0]))
        >>> int(sim.updated(spawn_daily=[5.0]).run(seed=1).series("arrivals").sum())
        45
        """
        new = copy.copy(self)
        new.metadata = dict(self.metadata)
        if spawn_daily is not None:
            if len(spawn_daily) != len(self.spawns):
                raise ValueError(f"{len(spawn_daily)} spawn streams given, the simulation has "
                                 f"{len(self.spawns)}")
            spawns = tuple(dataclasses.replace(sp, daily=d)
                           for sp, d in zip(self.spawns, spawn_daily, strict=True))
            new.spawns = spawns
            new.spawn_matrix, _, _ = new._spawn_matrix(spawns)
            if new.max_agents() > self.agent_limit:
                raise UserError(
                    f"the spawns would create up to {new.max_agents():,} agents, more than the "
                    f"limit of {self.agent_limit:,} (Simulation(agent_limit=...))"
                )
        if choice is not None:
            new.choice = choice
        if interception:
            pi = self.p_intercept0.copy()
            for name, v in interception.items():
                pi[self.network.index(name)] = _number(v, f"interception at {name}", 0.0, 1.0)
            new.p_intercept0 = pi
        if params:
            if "interception" in params:
                raise ValueError("updated(): give interception by location, not as a parameter")
            new.params = {**self.params, **{k: check_param(k, v) for k, v in params.items()}}
            if self._table is not None and self._table.lag_max < new.lag_max:
                new._table = None  # built again on first use, deep enough for the new lag
        return new

    def _build_places(self) -> None:
        net = self.network
        n = net.n_locations
        places: list[str] = []
        loc_place = np.full(n, -1, dtype=np.int32)
        for i in range(n):
            act = int(net.action[i])
            if act not in (ArrivalAction.CLAIM, ArrivalAction.CROSSING):
                continue
            p = net.label("place", i) or DEFAULT_PLACE.get(LocationKind(int(net.kind[i])), "claim")
            if p not in places:
                places.append(p)
            loc_place[i] = places.index(p)
        self.places = tuple(places)
        self.loc_place = loc_place
        ret = np.full(n, -1, dtype=np.int32)
        for i in range(n):
            r = net.label("return_to", i)
            if r == ROUTE_START:
                ret[i] = K.RETURN_ROUTE_START
            elif r:
                ret[i] = net.index(r)
        self.loc_return = ret
        self.loc_border = np.isin(net.kind, [int(k) for k in BORDER_KINDS])
        pi = np.full(n, float(self.params["interception"]))
        if "interception" in net.attrs:
            a = net.attrs["interception"]
            pi = np.where(np.isnan(a), pi, a)
        if ((pi < 0) | (pi > 1)).any():
            raise UserError("interception probabilities must be in [0, 1]")
        self.p_intercept0 = pi.astype(np.float64)
        # first claim place along each option's path
        opt = self.options
        op = np.full(opt.n_options, -1, dtype=np.int32)
        for o in range(opt.n_options):
            for k in opt.links_of(o):
                pl = loc_place[int(net.link_dst[k])]
                if pl >= 0:
                    op[o] = pl
                    break
        self.option_place = op

    def _build_queues(self) -> None:
        net = self.network
        specs = self.queues
        names = [q.name for q in specs]
        if len(set(names)) != len(names):
            raise UserError(f"queue names must be unique: {names}")
        idx = {n: i for i, n in enumerate(names)}
        nq = len(specs)
        self.queue_index = idx
        self.q_capacity0 = np.array(
            [np.inf if q.capacity is None else float(q.capacity) for q in specs], dtype=np.float64
        )
        if (self.q_capacity0 < 0).any():
            raise UserError("queue capacities must be >= 0")
        self.q_next = np.full(nq, -1, dtype=np.int32)
        self.q_then_loc = np.full(nq, -1, dtype=np.int32)
        self.q_then_state = np.full(nq, int(AgentState.CLAIMANT), dtype=np.int8)
        self.q_wait_loc = np.full(nq, -1, dtype=np.int32)
        self.loc_queue = np.full(net.n_locations, -1, dtype=np.int32)
        for i, q in enumerate(specs):
            if q.then_queue is not None:
                if q.then_queue not in idx:
                    raise UserError(f"queue {q.name!r}: then_queue {q.then_queue!r} is not a queue")
                self.q_next[i] = idx[q.then_queue]
            if q.then_location is not None:
                self.q_then_loc[i] = net.index(q.then_location)
            if q.wait_at is not None:
                self.q_wait_loc[i] = net.index(q.wait_at)
            if q.then_state not in ("claimant", "deciding"):
                raise UserError(f"queue {q.name!r}: then_state must be 'claimant' or 'deciding'")
            self.q_then_state[i] = int(
                AgentState.CLAIMANT if q.then_state == "claimant" else AgentState.DECIDING
            )
            for loc in q.at:
                li = net.index(loc)
                if self.loc_queue[li] >= 0:
                    raise UserError(f"location {loc!r} is attached to two queues")
                self.loc_queue[li] = i

    def _check_events(self) -> None:
        for e in self.timeline.events:
            where = f" ({e.origin})" if e.origin else ""
            try:
                if e.kind in ("close_location", "open_location"):
                    self.network.index(str(e.target))
                elif e.kind in ("close_link", "open_link"):
                    self._link_of(e.target)
                elif e.kind == "set_interception":
                    self.network.index(str(e.target))
                    _number(e.value, "interception", 0.0, 1.0)
                elif e.kind == "set_capacity":
                    if not isinstance(e.target, str) or e.target not in self.queue_index:
                        raise UserError(f"unknown queue {e.target!r}")
                    if e.value is not None:
                        _number(e.value, "capacity", 0.0, math.inf)
                elif e.kind == "set_parameter":
                    if not isinstance(e.target, str) or not e.target:
                        raise UserError("set_parameter needs a parameter name as target")
                    check_param(e.target, e.value)
            except UserError as err:
                raise UserError(f"event {e.kind} on {e.date}{where}: {err}") from None

    def _link_of(self, target: Any) -> int:
        if isinstance(target, str) and "->" in target:
            a, b = target.split("->", 1)
        elif (
            isinstance(target, (tuple, list))
            and len(target) == 2
            and all(isinstance(x, str) for x in target)
        ):
            a, b = target
        else:
            raise UserError(f"a link target is [from, to] or 'from->to', got {target!r}")
        return self.network.link_index(str(a).strip(), str(b).strip())

    @property
    def lag_max(self) -> int:
        """Largest information lag used in the run (initial or set by events)."""
        lags = [int(self.params["info_lag_days"])]
        lags += [
            int(e.value)
            for e in self.timeline.events
            if e.kind == "set_parameter" and e.target == "info_lag_days"
        ]
        return max(max(lags), 0)

    def outcome_table(self) -> OutcomeTable:
        """The law tabulated over the period (built once, shared by replicates)."""
        if self._table is None:
            self._table = build_outcome_table(
                self.oracle,
                self.profiles,
                self.places or ("none",),
                self.start,
                self.n_days,
                self.timeline.reforms(),
                lag_max=self.lag_max,
            )
        return self._table

    def set_outcome_table(self, table: OutcomeTable) -> None:
        """Use a law table built elsewhere (e.g. cached across runs of the same law) instead of
        asking the oracle; it must cover this run's places and days and reach at least as far
        back as its largest lag (a table with a larger ``lag_max`` serves any smaller lag)."""
        places = self.places or ("none",)
        if table.lag_max < self.lag_max:
            raise ValueError(f"outcome table lag_max {table.lag_max}, run needs {self.lag_max}")
        want = (self.n_days + table.lag_max, len(places), max(len(self.profiles), 1))
        if table.codes.shape != want or tuple(table.places) != places:
            raise ValueError(
                f"outcome table of shape {table.codes.shape} for places {table.places}; this "
                f"run needs {want} for places {self.places}"
            )
        self._table = table

    def max_agents(self) -> int:
        """Upper bound of the number of agents a run creates."""
        return int(np.ceil(self.spawn_matrix).sum())

    # ------------------------------------------------------------------ running
    def run(
        self,
        seed: int = 0,
        replicates: int = 1,
        *,
        workers: int = 1,
        progress: ProgressCallback | None = None,
        keep_agents: bool = False,
        check: bool = False,
    ) -> RunResult:
        """Run ``replicates`` replicates; replicate ``r`` uses key ``replicate_keys(seed)[r]``.

        ``workers > 1`` runs replicates in forked processes (same results). ``keep_agents``
        keeps the final agent arrays of each replicate; ``check`` recounts every day from the
        agent arrays and raises ``AssertionError`` if the kernel's counters disagree (slow;
        for tests).
        """
        if replicates < 1:
            raise UserError(f"replicates must be >= 1, got {replicates}")
        t0 = time.perf_counter()
        self.outcome_table()
        build_s = time.perf_counter() - t0
        keys = replicate_keys(seed, replicates)
        total = self.n_days * replicates
        reps: list[ReplicateResult]
        if workers <= 1 or replicates == 1:
            reps = []
            for r, key in enumerate(keys):
                base = r * self.n_days

                def cb(d: int, base: int = base) -> None:
                    if progress is not None:
                        progress(base + d, total)

                reps.append(self._run_one(r, key, cb, keep_agents, check))
        else:
            global _FORK_SIM
            _FORK_SIM = self
            ctx = mp.get_context("fork")
            with ctx.Pool(min(workers, replicates)) as pool:
                jobs = [(r, k, keep_agents, check) for r, k in enumerate(keys)]
                reps = []
                for i, rep in enumerate(pool.imap(_fork_worker, jobs)):
                    reps.append(rep)
                    if progress is not None:
                        progress((i + 1) * self.n_days, total)
            _FORK_SIM = None
        return RunResult(
            name=self.name,
            start=self.start,
            n_days=self.n_days,
            locations=self.network.names,
            location_kinds=tuple(
                LocationKind(int(k)).name.lower() for k in self.network.kind
            ),
            links=tuple(self.network.link_name(k) for k in range(self.network.n_links)),
            queues=tuple(q.name for q in self.queues),
            cohorts=tuple(c.name for c in self.cohorts),
            seed=int(seed),
            params=dict(self.params),
            replicates=reps,
            timings={"build_s": build_s, "total_s": time.perf_counter() - t0},
            metadata=dict(self.metadata),
            location_labels=dict(self.network.labels),
            code_names=tuple(self.outcome_table().code_names),
        )

    def _run_one(
        self,
        r: int,
        key: int,
        progress: Callable[[int], None] | None,
        keep_agents: bool,
        check: bool,
    ) -> ReplicateResult:
        t0 = time.perf_counter()
        net = self.network
        opt = self.options
        n_loc, n_links, n_days = net.n_locations, net.n_links, self.n_days
        nq = len(self.queues)
        table = self.outcome_table()
        agents = Agents.allocate(self.max_agents())
        params = dict(self.params)
        st = RunState(
            day=-1,
            date=self.start,
            params=params,
            loc_open=np.ones(n_loc, dtype=np.bool_),
            link_open=np.ones(n_links, dtype=np.bool_),
            p_intercept=self.p_intercept0.copy(),
            q_capacity=self.q_capacity0.copy(),
            spawn_scale=np.ones(len(self.stream_loc), dtype=np.float64),
            loc_count=np.zeros(n_loc, dtype=np.int64),
        )
        for e in self.timeline.before(self.start):
            self._apply(st, e)
        # queues and counters
        q_credit = np.zeros(nq)
        q_issued = np.zeros(nq, dtype=np.int64)
        q_served = np.zeros(nq, dtype=np.int64)
        q_arrivals = np.zeros((nq, n_days), dtype=np.int64)
        q_head_day = np.zeros(nq, dtype=np.int64)
        q_head_taken = np.zeros(nq, dtype=np.int64)
        link_count = np.zeros(n_links, dtype=np.int64)
        state_count = np.zeros(K.N_STATES, dtype=np.int64)
        # records
        rec_series = np.zeros((n_days, K.N_SERIES, n_loc), dtype=np.int32)
        rec_pop = np.zeros((n_days, n_loc), dtype=np.int32)
        rec_on_link = np.zeros((n_days, n_links), dtype=np.int32)
        rec_entered = np.zeros((n_days, n_links), dtype=np.int32)
        rec_states = np.zeros((n_days, K.N_STATES), dtype=np.int64)
        rec_q_len = np.zeros((n_days, nq), dtype=np.int64)
        rec_q_served = np.zeros((n_days, nq), dtype=np.int64)
        rec_q_wait = np.zeros((n_days, nq), dtype=np.int64)
        rec_codes = np.zeros((n_days, len(table.code_names), n_loc), dtype=np.int32)
        n_alive_days = np.zeros(n_days, dtype=np.int64)
        n_window_days = np.zeros(n_days, dtype=np.int64)
        queues = K.QueueArrays(
            st.q_capacity, q_credit, q_issued, q_served, self.q_next, self.q_then_loc,
            self.q_then_state, self.q_wait_loc, q_arrivals, q_head_day, q_head_taken,
        )  # fmt: skip
        arrays = agents.arrays()
        # the active window: agents below window[0] are finished for good (terminal states)
        # and the active agents (K.step_day): [watermark, count, indices...]
        window = np.zeros(agents.capacity + 2, dtype=np.int64)

        link_len = net.link_km.astype(np.float64)
        key_u = np.uint64(key)
        referred = np.asarray(table.referred, dtype=np.bool_)
        last_prob: Any = None
        cum = np.zeros((len(self.group_cohort), opt.n_options))
        last_codes: npt.NDArray[np.int8] | None = None
        perceived = np.zeros((max(len(self.profiles), 1), opt.n_options))
        perceived_ref = np.zeros(table.codes.shape[1:], dtype=np.bool_)  # [places, profiles]
        avail_key: bytes | None = None
        available = np.ones(opt.n_options, dtype=np.bool_)
        cum_key = -1
        na = 0
        events_on: dict[dt.date, list[Event]] = {}
        for e in self.timeline.events:
            if e.date >= self.start:
                events_on.setdefault(e.date, []).append(e)
        # day i of the table differs from day i-1 (so perceived/actual law must be re-read)
        changes = np.ones(table.codes.shape[0], dtype=np.bool_)
        if len(changes) > 1:
            diff = table.codes[1:] != table.codes[:-1]
            changes[1:] = diff.reshape(len(changes) - 1, -1).any(axis=1)
        has_place = self.option_place >= 0
        speed_key: float | None = None
        link_speed = np.zeros(n_links)
        last_lag = -1
        last_ncv = float("nan")
        versions = [0, 0]  # (available, perceived)
        spawn_by_day = np.ascontiguousarray(self.spawn_matrix.T)  # [day, stream]
        scaled = False
        spawns = K.SpawnArrays(
            self.stream_cohort, self.stream_loc, self.cohort_gptr, self.group_cdf,
            self.group_profile,
        )  # fmt: skip
        # built once: an array replaced during the run (link speeds, the choice table) is
        # swapped in with _replace below
        network = K.NetworkArrays(
            opt.opt_ptr, opt.path_ptr, opt.path_links, net.link_src, net.link_dst, link_len,
            link_speed, st.link_open, st.loc_open, net.action, self.loc_place, self.loc_queue,
            self.loc_return, self.loc_border, st.p_intercept, cum,
        )  # fmt: skip
        law = K.LawTable(table.codes, table.lag_max, referred, self.give_up, self.max_attempts,
                         table.after_return)
        records = K.Records(
            st.loc_count, link_count, state_count, rec_series, rec_entered, rec_q_served,
            rec_q_wait, rec_codes,
        )  # fmt: skip
        settings = K.Settings(
            bool(params["strict_arrival"]), int(params["redecide"]), float(self.dense_from)
        )
        daily = K.DayRecords(
            rec_pop, rec_on_link, rec_states, rec_q_len, n_alive_days, n_window_days, window,
        )  # fmt: skip
        # Days run in stretches: the kernel is called once for a stretch of days on which
        # nothing it reads is changed from Python (no event, the same choice table and law
        # structures), which saves the per-call hand-over of the arrays (~30 µs a day). Only
        # when the choice model says it does not read the run state (``reads_run_state =
        # False``: it may then be asked about day d before day d - 1 has run); otherwise, and
        # with ``check`` or scaled spawns, every stretch is one day. Same results either way.
        batch = not check and getattr(self.choice, "reads_run_state", True) is False
        spawn_mat = spawn_by_day  # [day, stream]; a private copy once spawns are scaled
        step: Callable[..., int] | None = None
        last_structs: tuple[Any, ...] = ()
        span0 = 0  # first day of the stretch not yet run
        span_args: tuple[Any, ...] | None = None  # its structures (all but the days)

        def flush(d1: int) -> None:
            """Run the pending stretch ``span0 .. d1 - 1``."""
            nonlocal na, step, last_structs, span0
            if span_args is None or d1 <= span0:
                return
            args = ((span0, d1), key_u, *span_args[:1], na, *span_args[1:])
            structs = span_args
            if batch:  # few calls: Numba's own dispatch is cheaper than a version look-up
                na = K.step_days(*args)
            elif step is None or any(x is not y for x, y in zip(structs, last_structs,
                                                                 strict=True)):
                na = K.step_days(*args)  # (re)compiles if needed; then look the version up
                step = _overload(K.step_days, args)
                last_structs = structs
            else:
                na = step(*args)
            agents.n_alive = na
            if check:
                _check_counts(agents, st.loc_count, link_count, state_count, n_loc, n_links)
            if progress is not None:
                for dd in range(span0, d1):
                    progress(dd + 1)
            span0 = d1

        ctx: DayContext | None = None
        next_change = getattr(self.choice, "next_change", None) if batch else None
        same_until = 0  # the choice's table is the same as today's up to this day (excluded)
        for d in range(n_days):
            date = self.start + dt.timedelta(days=d)
            st.day, st.date = d, date
            todays = events_on.get(date, ())
            if (
                batch and ctx is not None and not todays and not scaled
                and not changes[d - last_lag + table.lag_max]
            ):
                # a quiet day (no event, the perceived law row unchanged): only the choice
                # can change it; if it does not, the day joins the pending stretch
                if d < same_until:
                    continue  # the choice model said its table stays the same until then
                ctx.day, ctx.date = d, date
                if self.choice.probabilities(ctx) is last_prob:
                    continue
            if todays:  # events change arrays the pending days read: run those days first
                flush(d)
            for e in todays:
                self._apply(st, e)
            speed = float(params["speed_km_per_day"])
            if speed != speed_key:
                if not speed > 0:
                    raise UserError(f"speed_km_per_day must be > 0, got {speed}")
                link_speed = np.where(net.link_speed > 0, net.link_speed, speed).astype(np.float64)
                speed_key = speed
            if todays or d == 0:
                k_open = st.link_open.tobytes() + st.loc_open.tobytes()
                if k_open != avail_key:
                    available = opt.available(st.link_open, st.loc_open, net)
                    avail_key = k_open
                    versions[0] += 1
            lag = int(params["info_lag_days"])
            if not 0 <= lag <= table.lag_max:
                raise UserError(f"info_lag_days {lag} outside 0..{table.lag_max}")
            row = d - lag + table.lag_max
            ncv = float(params["no_claim_value"])
            if lag != last_lag or changes[row] or last_codes is None or ncv != last_ncv:
                codes_seen = table.codes[row]
                if (
                    last_codes is None
                    or ncv != last_ncv
                    or not np.array_equal(codes_seen, last_codes)
                ):
                    last_codes = codes_seen.copy()
                    perceived_ref = referred[codes_seen]  # [places, profiles]
                    ok = perceived_ref.astype(np.float64)
                    perceived = np.full((ok.shape[1], opt.n_options), ncv)
                    perceived[:, has_place] = ok[self.option_place[has_place]].T
                    versions[1] += 1
                last_lag = lag
                last_ncv = ncv
            ctx = DayContext(
                day=d,
                date=date,
                network=net,
                options=opt,
                available=available,
                loc_count=st.loc_count,
                params=params,
                group_cohort=self.group_cohort,
                group_profile=self.group_profile,
                perceived_success=perceived,
                option_place=self.option_place,
                extra={"state": st},
                versions=(versions[0], versions[1]),
                places=self.places or ("none",),
                perceived_referred=perceived_ref,
            )
            prob = self.choice.probabilities(ctx)
            same_until = int(next_change(ctx)) if next_change is not None else 0
            if prob is not last_prob or versions[0] != cum_key:
                p = np.asarray(prob, dtype=np.float64)
                if p.shape != (len(self.group_cohort), opt.n_options):
                    raise ValueError(
                        f"choice model returned shape {p.shape}, expected "
                        f"{(len(self.group_cohort), opt.n_options)}"
                    )
                cum = cumulative_by_location(p, opt.opt_ptr, available)
                last_prob = prob
                cum_key = versions[0]
            if todays or d == 0:
                scaled = bool((st.spawn_scale != 1.0).any())
            if scaled:
                flush(d)
                if spawn_mat is spawn_by_day:
                    spawn_mat = spawn_by_day.copy()
                spawn_today = spawn_by_day[d] * st.spawn_scale
                if todays and (not np.all(np.isfinite(spawn_today)) or (spawn_today < 0).any()):
                    raise UserError(f"day {d}: spawn counts must be finite and >= 0")
                spawn_mat[d] = spawn_today
                need = na + int(np.ceil(spawn_today).sum())
                if need > agents.capacity:  # a model hook raised spawning above the plan
                    agents.ensure_capacity(need)
            if agents.loc is not arrays.loc:  # grown by ensure_capacity
                arrays = agents.arrays()
                grown = np.zeros(agents.capacity + 2, dtype=np.int64)
                grown[: len(window)] = window
                window = grown
                daily = daily._replace(window=window)
            if (
                link_speed is not network.link_speed
                or cum is not network.choice_cum
                or st.p_intercept is not network.p_intercept
                or st.link_open is not network.link_open
                or st.loc_open is not network.loc_open
            ):  # replaced (a hook may replace the run state's arrays too)
                network = network._replace(
                    link_speed=link_speed, choice_cum=cum, p_intercept=st.p_intercept,
                    link_open=st.link_open, loc_open=st.loc_open,
                )  # fmt: skip
            if st.q_capacity is not queues.capacity:
                queues = queues._replace(capacity=st.q_capacity)
            if st.loc_count is not records.loc_count:
                records = records._replace(loc_count=st.loc_count)
            strict, redecide = bool(params["strict_arrival"]), int(params["redecide"])
            if settings.strict_arrival != strict or settings.redecide != redecide:
                settings = K.Settings(strict, redecide, float(self.dense_from))
            structs = (arrays, spawn_mat, spawns, network, law, queues, records, daily, settings)
            if span_args is None or any(x is not y for x, y in zip(structs, span_args,
                                                                      strict=True)):
                flush(d)  # the pending days ran with the structures as they were
                span_args = structs
            if not batch or scaled:
                flush(d + 1)
        flush(n_days)
        run_s = time.perf_counter() - t0
        steps = int(n_alive_days.sum())
        return ReplicateResult(
            replicate=r,
            key=int(key),
            series=rec_series,
            population=rec_pop,
            on_link=rec_on_link,
            entered=rec_entered,
            states=rec_states,
            queue_length=rec_q_len,
            queue_arrivals=np.ascontiguousarray(q_arrivals.T),
            queue_served=rec_q_served,
            queue_wait_sum=rec_q_wait,
            n_alive=n_alive_days,
            agents=agents if keep_agents else None,
            timings={
                "run_s": run_s,
                "agent_steps": float(steps),
                "window_steps": float(n_window_days.sum()),
            },
            codes=rec_codes,
            n_window=n_window_days,
        )

    def _apply(self, st: RunState, e: Event) -> None:
        net = self.network
        if e.kind == "close_location":
            st.loc_open[net.index(str(e.target))] = False
        elif e.kind == "open_location":
            st.loc_open[net.index(str(e.target))] = True
        elif e.kind == "close_link":
            st.link_open[self._link_of(e.target)] = False
        elif e.kind == "open_link":
            st.link_open[self._link_of(e.target)] = True
        elif e.kind == "set_parameter":
            st.params[str(e.target)] = check_param(str(e.target), e.value)
        elif e.kind == "set_interception":
            st.p_intercept[net.index(str(e.target))] = float(e.value)
        elif e.kind == "set_capacity":
            q = self.queue_index[str(e.target)]
            st.q_capacity[q] = np.inf if e.value is None else float(e.value)
        elif e.kind == "law_reform":
            pass  # tabulated in advance by outcome_table()
        elif self.on_event is None or not self.on_event(st, e):
            where = f" ({e.origin})" if e.origin else ""
            raise UserError(f"event on {e.date}{where}: unknown event kind {e.kind!r}")


_FORK_SIM: Simulation | None = None


def _overload(dispatcher: Any, args: tuple[Any, ...]) -> Callable[..., Any]:
    """The compiled version of a Numba function for the types of ``args`` (already compiled
    by a call with them), or the function itself if it cannot be found.

    Calling it skips Numba's per-call type dispatch, which for the kernel's named tuples of
    arrays costs about 5 µs a day, a few percent of a run with few agents over many days.
    Only valid while every argument keeps its type: the caller looks it up again whenever
    it rebuilds a structure.
    """
    try:
        sig = tuple(dispatcher.typeof_pyval(a) for a in args)
        return dispatcher.overloads[sig].entry_point
    except (AttributeError, KeyError):  # pragma: no cover - another Numba version
        return dispatcher


def _fork_worker(job: tuple[int, int, bool, bool]) -> ReplicateResult:
    r, key, keep, check = job
    assert _FORK_SIM is not None
    return _FORK_SIM._run_one(r, key, None, keep, check)


def _check_counts(
    a: Agents,
    loc_count: npt.NDArray[np.int64],
    link_count: npt.NDArray[np.int64],
    state_count: npt.NDArray[np.int64],
    n_loc: int,
    n_links: int,
) -> None:
    n = a.n_alive
    state = a.state[:n]
    states = np.bincount(state, minlength=K.N_STATES)
    assert np.array_equal(states, state_count), (states, state_count)
    at_loc = (state != K.TRAVELLING) & (state != K.EXITED)
    locs = np.bincount(a.loc[:n][at_loc], minlength=n_loc)
    assert np.array_equal(locs, loc_count), (locs, loc_count)
    links = np.bincount(a.link[:n][state == K.TRAVELLING], minlength=n_links)
    assert np.array_equal(links, link_count), (links, link_count)
