"""The simulation engine: agents as arrays, a location graph, a compiled daily step.

A model builds a :class:`Simulation` and runs it::

    import datetime as dt
    from roxham.sim import (Cohort, Event, LogitChoice, Network, QueueSpec, Simulation,
                            Spawn, run)

    net = Network.build(
        [("NYC", "origin"), ("Roxham", "irregular_crossing", {"interception": 0.95}),
         ("Lacolle", "port_of_entry", {"return_to": "NYC"}),
         ("Montreal", "destination"), ("US", "outside_option")],
        [("NYC", "Roxham", 1.0), ("NYC", "Lacolle", 1.0), ("Roxham", "Montreal", 1.0),
         ("NYC", "US", 0.0)],
    )                      # lengths are days unless params["speed_km_per_day"] is set
    sim = Simulation(
        net, dt.date(2022, 1, 1), dt.date(2022, 12, 31),
        cohorts=[Cohort("haiti", profiles=[({"nat": "HT", "family": False}, 0.8),
                                           ({"nat": "HT", "family": True}, 0.2)],
                        give_up=0.5)],
        spawns=[Spawn("haiti", "NYC", daily=100.0)],          # or one value per day
        choice=LogitChoice({"km": -0.1}, law=3.0, stay_utility=0.0),
        queues=[QueueSpec("screening", capacity=80, at=("Roxham", "Lacolle"))],
        timeline=[Event(dt.date(2022, 6, 1), "close_link", ("NYC", "Roxham"))],
        oracle=None,                   # a LawOracle; None: every claim referred
        params={"info_lag_days": 14},
    )
    result = run(sim, seed=1, replicates=4, progress=lambda done, total: None)
    result.at("intercepted", "Roxham")          # int64[n_days]
    result.monthly()                            # Polars long frame
    result.write("runs/my-run")                 # the store's one run layout

The pieces:

- :class:`Network` (:mod:`~roxham.sim.network`): typed locations (``origin``, ``hub``,
  ``irregular_crossing``, ``port_of_entry``, ``airport``, ``inland_office``,
  ``destination``, ``outside_option``, ``sink``, ``town``, ``camp``, ``conflict_zone``), each
  with an arrival action (crossing → interception with probability ``interception``; claim →
  the law decides; absorb → settled), a claim ``place`` for the law oracle and a
  ``return_to`` location for returned claimants (``"@route_start"``: back to where the agent
  chose the option that brought it there); directed links with a length and optional
  ``speed``. :class:`Options` lists what agents can choose at each location (paths of 1..n
  links).
- People: :class:`Cohort` (fact profiles with shares, probability of giving up after a
  return, ``max_attempts`` returns before leaving for good) and :class:`Spawn` (expected
  new agents per day at a location). Agents are :class:`Agents` arrays (41 bytes each).
- Choice: any :class:`ChoiceModel` returning ``prob[group, option]`` per day (a group is a
  cohort × profile pair; the rest of a location's row is "stay"); :class:`LogitChoice`
  (utilities from features and the perceived probability of a successful claim, from the
  law ``info_lag_days`` ago), :class:`FixedChoice`, or a model's own (Flee's weights:
  :func:`weights_to_probabilities`).
- Law: a :class:`LawOracle` answers outcome codes per (fact profile, place, date, reforms);
  it is tabulated once per run (:func:`build_outcome_table`).
- Queues: :class:`QueueSpec` (FIFO, capacity per day, chained queues).
- Policy timeline: :class:`Event` kinds ``close_location``/``open_location``,
  ``close_link``/``open_link``, ``set_parameter``, ``set_interception``, ``set_capacity``,
  ``law_reform`` (an opaque dict passed to the oracle); other kinds go to the model's
  ``on_event(state, event)`` hook.
- Scenario files: :func:`load_scenario` (YAML, validated; errors name the key and line).
- Results: :class:`RunResult` (arrays, tidy frames, monthly aggregation, ``write``/``frames``
  in the store's one run layout, read by ``roxham compare`` and the report like any run;
  claims by outcome code and location: ``claims_by_code``).
- Progress: ``run(..., progress=cb)`` calls ``cb(done, total)`` (days over all replicates);
  :class:`RichProgress` is such a callback that draws a bar for runs over a second.

Conventions:

- A day runs: policy events → spawn → queued agents leave served queues → choice → travel
  (arrival actions on the way) → queues serve → records. New agents can move on their
  first day.
- A link of length ``L`` at speed ``v`` (``speed_km_per_day``, default 1: lengths are days)
  entered on day ``d`` is completed on day ``d + ceil(L/v) - 1``; with
  ``strict_arrival=True`` (Flee) on day ``d + floor(L/v)``. A multi-link option goes on
  through intermediate locations the same day while time is left.
- People who claim on arrival (airports, inland offices) spawn at an origin joined to the
  claim location by a zero-length link: they claim on their first day.
- The oracle is asked per claim *place* (a location's ``place`` label); a model that needs
  the delay between crossing and claim (e.g. a 14-day rule) encodes it in the place, e.g.
  an inland office reached after a 15-day link with ``place: inland_after_14_days``.
- Speed: each day the kernel passes over the **active window** only, from the first agent not
  yet in a terminal state (claimant, settled, exited) to the last one created, so models
  whose people finish (claim, settle, leave) cost in proportion to those still on their way;
  the draws are keyed by the agent's index, so results do not change.
  ``ReplicateResult.timings["window_steps"]`` counts the agent-days in the window.
- ``prob[g, o]`` is read once per day; a choice model that returns the same array object
  as the day before is not re-tabulated. Open/closed masks change only through events.

Seeds: replicate ``r`` uses ``SeedSequence(seed).spawn(R)[r]``; draws are counter-based, so
results depend only on the seed, the replicate and the inputs (not on ``workers``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from roxham.sim.agents import Agents, AgentState
from roxham.sim.choice import (
    ChoiceModel,
    DayContext,
    FixedChoice,
    LogitChoice,
    cumulative_by_location,
    logit,
    weights_to_probabilities,
)
from roxham.sim.engine import (
    DEFAULT_PARAMS,
    Cohort,
    ProgressCallback,
    RunState,
    Simulation,
    Spawn,
    replicate_keys,
)
from roxham.sim.kernel import SERIES
from roxham.sim.network import ArrivalAction, LocationKind, Network, Options
from roxham.sim.oracle import (
    EveryoneReferred,
    LawOracle,
    OutcomeTable,
    ProfileTable,
    build_outcome_table,
)
from roxham.sim.progress import RichProgress
from roxham.sim.queues import QueueSpec
from roxham.sim.results import ReplicateResult, RunResult
from roxham.sim.scenario import Scenario, load_scenario, parse_scenario
from roxham.sim.timeline import Event, Timeline

__all__ = [
    "DEFAULT_PARAMS",
    "SERIES",
    "AgentState",
    "Agents",
    "ArrivalAction",
    "ChoiceModel",
    "Cohort",
    "DayContext",
    "Event",
    "EveryoneReferred",
    "FixedChoice",
    "LawOracle",
    "LocationKind",
    "LogitChoice",
    "Network",
    "Options",
    "OutcomeTable",
    "ProfileTable",
    "ProgressCallback",
    "QueueSpec",
    "ReplicateResult",
    "RichProgress",
    "RunResult",
    "RunState",
    "Scenario",
    "Simulation",
    "Spawn",
    "Timeline",
    "build_outcome_table",
    "cumulative_by_location",
    "load_scenario",
    "logit",
    "parse_scenario",
    "replicate_keys",
    "run",
    "weights_to_probabilities",
]


def run(
    what: Simulation | Any,
    seed: int | None = None,
    replicates: int | None = None,
    *,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    keep_agents: bool = False,
) -> RunResult:
    """Run a :class:`Simulation`, a scenario (:class:`roxham.sim.scenario.Scenario`) or a
    scenario file path. ``seed`` and ``replicates`` default to the scenario's (else 0 and 1).

    ``progress(done, total)`` is called with days simulated over all replicates.
    """
    sc_seed: int | None = None
    sc_reps: int | None = None
    if isinstance(what, (str, Path)):
        what = load_scenario(what)
    if not isinstance(what, Simulation):
        if isinstance(what, Scenario):
            sc_seed, sc_reps = what.seed, what.replicates
            what = what.build()
        else:
            raise TypeError(f"run() takes a Simulation, a Scenario or a path, not {type(what)}")
    s = seed if seed is not None else (sc_seed if sc_seed is not None else 0)
    r = replicates if replicates is not None else (sc_reps if sc_reps is not None else 1)
    return what.run(s, r, workers=workers, progress=progress, keep_agents=keep_agents)
