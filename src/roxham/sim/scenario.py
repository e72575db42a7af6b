"""Scenario files: YAML, validated by Pydantic, errors that name the key and the line.

A scenario is data: the period, the seed and replicates, the network, the people (cohorts and
spawns), the choice model, queues, parameters and the dated policy events.

.. code-block:: yaml

    name: tiny
    period: {start: 2024-01-01, end: 2024-03-31}
    seed: 1
    replicates: 2
    parameters: {info_lag_days: 7}          # engine parameters (DEFAULT_PARAMS) and others
    network:
      max_hops: 1                           # options: paths of 1..max_hops links
      locations:
        - {name: A, kind: origin}
        - {name: X, kind: irregular_crossing, interception: 0.9, return_to: A}
        - {name: B, kind: destination}
      links:
        - {from: A, to: X, days: 2}         # days, or km (with parameters.speed_km_per_day)
        - {from: X, to: B, km: 60, speed: 60, two_way: true}
    cohorts:
      - name: people
        give_up: 0.5
        profiles: [{share: 1.0, facts: {nat: HT}}]
    spawns:
      - {cohort: people, location: A, daily: 10}           # or a list, one value per day
      - {cohort: people, location: A, daily: 5, start: 2024-02-01, end: 2024-02-10}
    choice: {kind: logit, coefficients: {km: -0.01}, law: 2.0, stay_utility: 0.0}
    queues:
      - {name: screening, capacity: 10, at: [X]}
    events:
      - {date: 2024-02-01, kind: close_link, target: [A, X]}
      - {date: 2024-03-01, kind: set_capacity, target: screening, value: 20}

The YAML is read by a :class:`yaml.SafeLoader` (that is, what ``yaml.safe_load`` does) that
keeps dates as text, so a bad date is reported by the validator with its key and line rather
than crashing the parser.

>>> sc = parse_scenario('''
... period: {start: 2024-01-01, end: 2024-01-10}
... network:
...   locations: [{name: A, kind: origin}, {name: B, kind: destination}]
...   links: [{from: A, to: B, days: 2}]
... cohorts: [{name: c}]
... spawns: [{cohort: c, location: A, daily: 10}]
... choice: {kind: fixed, probabilities: {"A->B": 1.0}}
... ''')
>>> int(sc.build().run(seed=1).at("arrivals", "B").sum())
90
>>> parse_scenario("period: {start: 2024-01-01, end: 2024-01-10}\\nnetwork: {locations: []}\\n"
...                "cohorts: [{name: c}]\\ncolour: red\\n", origin="s.yaml")
Traceback (most recent call last):
...
roxham.errors.UserError: s.yaml:4: colour: unknown key
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, Field, PrivateAttr, ValidationError, model_validator

from roxham.errors import UserError
from roxham.scenario import (
    KeyPath,
    ScenarioModel,
    deep_merge,
    dotted,
    line_of,
    load_yaml,
    read_scenario_text,
    resolve,
)
from roxham.scenario import user_error_from_validation as _user_error
from roxham.sim.choice import ChoiceModel, FixedChoice, LogitChoice
from roxham.sim.engine import Cohort, RunState, Simulation, Spawn, check_param
from roxham.sim.network import Network, Options
from roxham.sim.oracle import LawOracle
from roxham.sim.queues import QueueSpec
from roxham.sim.timeline import ENGINE_EVENT_KINDS, Event, Timeline

__all__ = [
    "Scenario",
    "load_scenario",
    "load_yaml",
    "parse_scenario",
    "user_error_from_validation",
]

Path_ = KeyPath


def user_error_from_validation(
    err: ValidationError, lines: Mapping[Path_, int], origin: str
) -> UserError:
    """One line naming the first bad key and its line (values are not echoed)."""
    return _user_error(err, lines, origin, _FIELD_NAMES)


class _Strict(ScenarioModel, BaseModel):  # BaseModel named for linters (RUF012)
    """Unknown keys refused, numbers finite, dates within 1900..2100 (the scenario core)."""


class Period(_Strict):
    """The simulated days, both ends included."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _order(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class LocationIn(_Strict):
    """A location of the network."""

    name: str = Field(min_length=1)
    kind: str
    interception: float | None = Field(default=None, ge=0.0, le=1.0)
    place: str | None = None
    return_to: str | None = None
    action: Literal["none", "crossing", "claim", "absorb"] | None = None
    attrs: dict[str, float | str] = Field(default_factory=dict)


class LinkIn(_Strict):
    """A directed link (``two_way`` adds the reverse); give ``km`` and/or ``days``."""

    from_: str = Field(alias="from")
    to: str
    km: float | None = Field(default=None, ge=0.0, le=1e9)
    days: float | None = Field(default=None, ge=0.0, le=1e6)
    speed: float | None = Field(default=None, gt=0.0, le=1e9)
    two_way: bool = False

    @model_validator(mode="after")
    def _length(self) -> LinkIn:
        if self.km is None and self.days is None:
            raise ValueError("a link needs km or days")
        if self.days is not None and self.km is not None and self.speed is not None:
            raise ValueError("give at most two of km, days and speed")
        return self

    def length_and_speed(self) -> tuple[float, float]:
        """(length, speed); speed 0 means the run's ``speed_km_per_day``."""
        if self.km is None:
            return float(self.days or 0.0), 1.0
        if self.days is not None:
            return self.km, (self.km / self.days) if self.days > 0 else 1e9
        return self.km, float(self.speed or 0.0)


class NetworkIn(_Strict):
    """Locations, links and how many links an option may chain."""

    locations: list[LocationIn]
    links: list[LinkIn] = Field(default_factory=list)
    max_hops: int = Field(default=1, ge=1, le=6)


class ProfileIn(_Strict):
    """A fact profile (what the law reads) and its share within the cohort."""

    share: float = Field(default=1.0, ge=0.0)
    facts: dict[str, Any] = Field(default_factory=dict)


class CohortIn(_Strict):
    """A kind of people."""

    name: str = Field(min_length=1)
    give_up: float = Field(default=0.0, ge=0.0, le=1.0)
    profiles: list[ProfileIn] = Field(default_factory=list)


class SpawnIn(_Strict):
    """Expected new agents per day: a number, or a list with one value per day."""

    cohort: str
    location: str
    daily: float | list[float]
    start: dt.date | None = None
    end: dt.date | None = None


class ChoiceIn(_Strict):
    """``logit`` (coefficients of features, the law, a stay utility) or ``fixed``."""

    kind: Literal["logit", "fixed"] = "logit"
    coefficients: dict[str, float] = Field(default_factory=dict)
    law: float = 0.0
    stay_utility: float | None = 0.0
    asc: dict[str, float] = Field(default_factory=dict)
    probabilities: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=dict
    )


class QueueIn(_Strict):
    """A FIFO queue with a daily capacity (null: unlimited)."""

    name: str = Field(min_length=1)
    capacity: float | None = Field(default=None, ge=0.0)
    at: list[str] = Field(default_factory=list)
    wait_at: str | None = None
    then_queue: str | None = None
    then_location: str | None = None
    then_state: Literal["claimant", "deciding"] = "claimant"


class EventIn(_Strict):
    """A dated policy event (kinds: see :mod:`roxham.sim.timeline`)."""

    date: dt.date
    kind: str
    target: str | list[str] | None = None
    value: Any = None
    label: str = ""


_FIELD_NAMES: set[str] = set()
for _m in (Period, LocationIn, LinkIn, NetworkIn, ProfileIn, CohortIn, SpawnIn, ChoiceIn,
           QueueIn, EventIn):  # fmt: skip
    for _n, _f in _m.model_fields.items():
        _FIELD_NAMES.add(_f.alias or _n)


class Scenario(_Strict):
    """A whole engine scenario (see the module docstring)."""

    name: str = "scenario"
    description: str = ""
    period: Period
    seed: int = 0
    replicates: int = Field(default=1, ge=1, le=10_000)
    parameters: dict[str, Any] = Field(default_factory=dict)
    network: NetworkIn
    cohorts: list[CohortIn] = Field(min_length=1)
    spawns: list[SpawnIn] = Field(default_factory=list)
    choice: ChoiceIn = Field(default_factory=ChoiceIn)
    queues: list[QueueIn] = Field(default_factory=list)
    events: list[EventIn] = Field(default_factory=list)

    _origin: str = PrivateAttr(default="<scenario>")
    _lines: dict[Path_, int] = PrivateAttr(default_factory=dict)

    # ------------------------------------------------------------------ checks
    def _fail(self, path: Sequence[str | int], msg: str) -> UserError:
        line = line_of(path, self._lines)
        where = f"{self._origin}:{line}" if line else self._origin
        return UserError(f"{where}: {dotted(path)}: {msg}")

    def check_references(self, event_kinds: Sequence[str] = ()) -> None:
        """Names used in links, spawns, queues and events must exist (UserError otherwise)."""
        locs = [x.name for x in self.network.locations]
        seen: set[str] = set()
        for i, x in enumerate(self.network.locations):
            if x.name in seen:
                raise self._fail(("network", "locations", i, "name"), f"duplicate {x.name!r}")
            seen.add(x.name)
            if x.return_to is not None and x.return_to not in seen | set(locs):
                raise self._fail(
                    ("network", "locations", i, "return_to"), f"unknown location {x.return_to!r}"
                )
        for i, lk in enumerate(self.network.links):
            for key, val in (("from", lk.from_), ("to", lk.to)):
                if val not in seen:
                    raise self._fail(("network", "links", i, key), f"unknown location {val!r}")
        cohorts = {c.name for c in self.cohorts}
        for i, s in enumerate(self.spawns):
            if s.cohort not in cohorts:
                raise self._fail(("spawns", i, "cohort"), f"unknown cohort {s.cohort!r}")
            if s.location not in seen:
                raise self._fail(("spawns", i, "location"), f"unknown location {s.location!r}")
            if isinstance(s.daily, list) and len(s.daily) != self.n_days:
                raise self._fail(
                    ("spawns", i, "daily"),
                    f"{len(s.daily)} values for a period of {self.n_days} days",
                )
        queues = {q.name for q in self.queues}
        for i, q in enumerate(self.queues):
            for j, a in enumerate(q.at):
                if a not in seen:
                    raise self._fail(("queues", i, "at", j), f"unknown location {a!r}")
            for key in ("wait_at", "then_location"):
                v = getattr(q, key)
                if v is not None and v not in seen:
                    raise self._fail(("queues", i, key), f"unknown location {v!r}")
            if q.then_queue is not None and q.then_queue not in queues:
                raise self._fail(("queues", i, "then_queue"), f"unknown queue {q.then_queue!r}")
        links = {(lk.from_, lk.to) for lk in self.network.links}
        links |= {(lk.to, lk.from_) for lk in self.network.links if lk.two_way}
        kinds = set(ENGINE_EVENT_KINDS) | set(event_kinds)
        for i, e in enumerate(self.events):
            path: tuple[str | int, ...] = ("events", i)
            if e.kind not in kinds:
                raise self._fail((*path, "kind"), f"unknown event kind {e.kind!r}")
            t = e.target
            if e.kind in ("close_location", "open_location", "set_interception") and (
                not isinstance(t, str) or t not in seen
            ):
                raise self._fail((*path, "target"), f"unknown location {t!r}")
            if e.kind in ("close_link", "open_link"):
                pair = tuple(t.split("->", 1)) if isinstance(t, str) else tuple(t or ())
                if len(pair) != 2 or (pair[0].strip(), pair[1].strip()) not in links:
                    raise self._fail((*path, "target"), f"unknown link {t!r}")
            elif e.kind == "set_capacity":
                if not isinstance(t, str) or t not in queues:
                    raise self._fail((*path, "target"), f"unknown queue {t!r}")
                if e.value is not None and not _is_number(e.value, 0.0, float("inf")):
                    raise self._fail((*path, "value"), "a capacity is a number >= 0 or null")
            elif e.kind == "set_interception":
                if not _is_number(e.value, 0.0, 1.0):
                    raise self._fail((*path, "value"), "an interception is a number in [0, 1]")
            elif e.kind == "set_parameter":
                if not isinstance(t, str):
                    raise self._fail((*path, "target"), "set_parameter needs a parameter name")
                try:
                    check_param(t, e.value)
                except UserError as err:
                    raise self._fail((*path, "value"), str(err).split(": ", 1)[-1]) from None
        for key, val in self.parameters.items():
            try:
                check_param(key, val)
            except UserError as err:
                raise self._fail(("parameters", key), str(err).split(": ", 1)[-1]) from None
        for key in self.choice.probabilities:
            self._check_option_name(("choice", "probabilities", key), key, links)
        for key in self.choice.asc:
            self._check_option_name(("choice", "asc", key), key, links)

    def _check_option_name(
        self, path: tuple[str | int, ...], key: str, links: set[tuple[str, str]]
    ) -> None:
        names = [n.strip() for n in key.split("->")]
        if len(names) < 2 or any((a, b) not in links for a, b in itertools.pairwise(names)):
            raise self._fail(path, f"unknown option {key!r} (expected 'A->B' along links)")

    @property
    def n_days(self) -> int:
        """Days in the period."""
        return (self.period.end - self.period.start).days + 1

    # ------------------------------------------------------------------ build
    def build_network(self) -> Network:
        """The :class:`Network` of the scenario."""
        locs: list[tuple[str, str, dict[str, Any]]] = []
        for x in self.network.locations:
            extra: dict[str, Any] = dict(x.attrs)
            if x.interception is not None:
                extra["interception"] = x.interception
            if x.place is not None:
                extra["place"] = x.place
            if x.return_to is not None:
                extra["return_to"] = x.return_to
            if x.action is not None:
                extra["action"] = x.action
            locs.append((x.name, x.kind, extra))
        links: list[tuple[str, str, float, dict[str, Any]]] = []
        for lk in self.network.links:
            length, speed = lk.length_and_speed()
            attrs = {"speed": speed} if speed > 0 else {}
            links.append((lk.from_, lk.to, length, attrs))
            if lk.two_way:
                links.append((lk.to, lk.from_, length, attrs))
        return Network.build(locs, links)

    def build(
        self,
        *,
        oracle: LawOracle | None = None,
        choice: ChoiceModel | None = None,
        on_event: Callable[[RunState, Event], bool] | None = None,
    ) -> Simulation:
        """A :class:`Simulation` (a model may supply the law oracle and its own choice)."""
        net = self.build_network()
        opts = Options.from_paths(net, max_hops=self.network.max_hops)
        names = [opts.describe(o, net) for o in range(opts.n_options)]
        if choice is None:
            choice = self._choice(net, opts, names)
        cohorts = [
            Cohort(c.name, [(p.facts, p.share) for p in c.profiles], c.give_up)
            for c in self.cohorts
        ]
        spawns = [
            Spawn(s.cohort, s.location, np.asarray(s.daily, dtype=np.float64), s.start, s.end)
            for s in self.spawns
        ]
        queues = [
            QueueSpec(
                q.name, q.capacity, q.wait_at, q.then_queue, q.then_location, q.then_state,
                tuple(q.at),
            )
            for q in self.queues
        ]  # fmt: skip
        events = [
            Event(
                e.date,
                e.kind,
                tuple(e.target) if isinstance(e.target, list) else e.target,  # type: ignore[arg-type]
                e.value,
                e.label,
                origin=f"{self._origin}:{line_of(('events', i), self._lines) or '?'}",
            )
            for i, e in enumerate(self.events)
        ]
        sim = Simulation(
            net,
            self.period.start,
            self.period.end,
            cohorts=cohorts,
            spawns=spawns,
            choice=choice,
            options=opts,
            queues=queues,
            timeline=Timeline(events),
            oracle=oracle,
            params=self.parameters,
            on_event=on_event,
            name=self.name,
        )
        sim.metadata["scenario"] = self.model_dump(mode="json", by_alias=True)
        return sim

    def _choice(self, net: Network, opts: Options, names: list[str]) -> ChoiceModel:
        norm = {n.replace(" ", ""): i for i, n in enumerate(names)}

        def index(key: str, path: tuple[str | int, ...]) -> int:
            k = key.replace(" ", "")
            if k not in norm:
                raise self._fail(path, f"{key!r} is not an option (max_hops too small?)")
            return norm[k]

        if self.choice.kind == "fixed":
            p = np.zeros(opts.n_options)
            for key, val in self.choice.probabilities.items():
                p[index(key, ("choice", "probabilities", key))] = val
            for loc in range(net.n_locations):
                total = p[opts.options_at(loc).start : opts.options_at(loc).stop].sum()
                if total > 1.0 + 1e-9:
                    raise self._fail(
                        ("choice", "probabilities"),
                        f"the options of {net.names[loc]!r} sum to {total:g} (more than 1)",
                    )
            return FixedChoice(p)
        asc = np.zeros(opts.n_options)
        for key, val in self.choice.asc.items():
            asc[index(key, ("choice", "asc", key))] = val
        return LogitChoice(
            self.choice.coefficients,
            law=self.choice.law,
            asc=asc,
            stay_utility=self.choice.stay_utility,
        )


def _is_number(value: Any, lo: float, hi: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return lo <= float(value) <= hi


def parse_scenario(
    text: str, origin: str = "<scenario>", *, event_kinds: Sequence[str] = (),
    base_dir: Path | None = None,
) -> Scenario:
    """Validate a scenario from YAML text (errors: :class:`UserError` with file and line).

    ``extends: other.yaml`` (a path, relative to ``base_dir``) deep-merges this text over
    that file, as every model's scenarios do (:func:`roxham.scenario.resolve`; the parent's
    ``name`` and ``description`` are not inherited)."""
    data, lines = load_yaml(text, origin)
    if not isinstance(data, dict):
        raise UserError(f"{origin}: a scenario is a mapping of keys (name, period, network, ...)")
    parent = data.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str) or not (parent.endswith((".yaml", ".yml"))
                                               or "/" in parent):
            raise UserError(f"{origin}:{lines.get(('extends',), 1)}: 'extends' must be the "
                            "path of a .yaml scenario file")
        pdata, _, _ = resolve(parent, builtin=lambda _name: None, builtin_names=list,
                              base_dir=base_dir, _seen=(origin,))
        for k in ("name", "description", "extends"):
            pdata.pop(k, None)
        data = deep_merge(pdata, data)
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as err:
        raise user_error_from_validation(err, lines, origin) from None
    sc._origin = origin
    sc._lines = lines
    sc.check_references(event_kinds)
    return sc


def load_scenario(path: str | Path, *, event_kinds: Sequence[str] = ()) -> Scenario:
    """Read and validate a scenario file."""
    p = Path(path)
    return parse_scenario(read_scenario_text(p), str(p), event_kinds=event_kinds,
                          base_dir=p.parent)
