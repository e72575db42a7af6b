"""A Flee scenario built into arrays, and its daily loop (docs/flee/ALGORITHM.md §§2–7).

>>> from roxham.models.flee import scenario_dirs
>>> inp, val = scenario_dirs("mali")
>>> model = FleeModel.load(inp, val)
>>> res = model.run(seed=1, days=5)
>>> res.camp_sim.shape, res.days
((1, 5, 7), 5)

Where Flee 3.1 has a documented bug (docs/flee/ALGORITHM.md §10) this model does the intended thing:

* ``link`` closures close both directions of the link (Flee's do nothing when read from CSV).
* ``forced_redirection = 1`` does not duplicate the route's links.
* A conflict zone ends whenever its intensity drops to 0 (3.1: only from exactly 1.0), and a
  change between two positive intensities sets the new intensity (3.1 ignores it); the time of
  the conflict (for ``conflict_spawn_decay``) is kept.
* ``awareness_level`` 0 is refused (it freezes every agent in Flee); -1 means 1.
* ``camps_are_sinks`` (or Flee's spelling ``camps_are_sicks``): deactivated agents also leave
  the camp's count (Flee keeps counting them).
* Conflict-driven spawning: ``poisson`` works and the totals count every zone.
* An agent on a link that was closed and reopened while it travelled arrives normally (Flee
  keeps the original link object closed for ever and sends it back).

Other differences: Flee's per-agent Python objects become arrays; random numbers come from a
xoshiro256+ generator in the kernel, with per-location geometric skips for small move chances
(results agree with Flee statistically, not draw by draw); spawn weights use the current day
for ``conflict_spawn_decay`` (Flee's lag one day, which only matters on the days the decay
steps). Kept as Flee does it, so that validation targets are identical: the merge of extra
validation files (``AddCSVTables``), interpolation truncated to int, registration corrections,
spawning from refugees.csv by default (3.1's ``SumFromCamps=False``) with Flee's debt rule.
Settings of rules not implemented here (demographic rules, ``stay_close_to_home``, flood and
HEAD-only features) are refused with an error rather than ignored.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from roxham.errors import UserError
from roxham.models.flee import kernel as K
from roxham.models.flee.io import FleeInput, Validation, read_input_dir, read_validation_dir
from roxham.models.flee.settings import FleeSettings, read_settings
from roxham.sim.agents import Agents
from roxham.sim.network import LocationKind, Network, Options

__all__ = ["FleeModel", "FleeResult", "replicate_seed"]

_KIND = {
    "conflict": LocationKind.CONFLICT_ZONE,
    "town": LocationKind.TOWN,
    "camp": LocationKind.CAMP,
    "idpcamp": LocationKind.CAMP,
    "forward": LocationKind.HUB,
    "marker": LocationKind.HUB,
}


def replicate_seed(seed: int, replicate: int) -> int:
    """The kernel seed of one replicate: Roxham's one seed scheme,
    :func:`roxham.store.identity.replicate_seeds` (``SeedSequence(seed).spawn(R)[r]``, 32 bits),
    so replicate ``r`` gets the same seed whatever the number of replicates or workers.

    >>> from roxham.store.identity import replicate_seeds
    >>> replicate_seed(3, 1) == replicate_seeds(3, 2)[1]
    True
    """
    from roxham.store.identity import replicate_seeds

    return replicate_seeds(int(seed), int(replicate) + 1)[int(replicate)]


@dataclass
class FleeResult:
    """Per-replicate daily series of one run (``R`` replicates, ``T`` days, ``C`` camps)."""

    start_date: dt.date
    camps: list[str]
    #: ``int64[R, T, C]``: agents at each camp after day t
    camp_sim: npt.NDArray[np.int64]
    #: ``int64[T, C]``: UNHCR data (interpolated, corrected), as Flee's ``<camp> data``
    camp_data: npt.NDArray[np.int64]
    #: ``int64[R, T]``: agents ever spawned (Flee's "total refugees (simulation)")
    total_agents: npt.NDArray[np.int64]
    #: ``int64[R, T]``: cumulative spawn total from the data ("raw UNHCR refugee count")
    refugees_raw: npt.NDArray[np.int64]
    #: ``int64[R, T]``: agents owed because the data total went down
    refugee_debt: npt.NDArray[np.int64]
    #: ``int64[R]``: Σ over days of agents alive when the day's step starts
    agent_steps: npt.NDArray[np.int64]
    #: ``float64[R]``: seconds spent in the daily loop per replicate (wall clock)
    loop_seconds: npt.NDArray[np.float64]
    #: ``float64[R]``: CPU seconds of this process in the daily loop per replicate
    loop_cpu_seconds: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    #: location names (all locations, locations.csv order)
    locations: list[str] = field(default_factory=list)
    #: ``int64[R, T, L]``: agents at every location after day t (not counting those on links)
    loc_counts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 0, 0), np.int64))
    seeds: list[int] = field(default_factory=list)
    #: the agents of the last replicate at the end of the run (``route`` = option index)
    agents: Agents | None = None

    @property
    def days(self) -> int:
        """Number of simulated days."""
        return int(self.camp_data.shape[0])

    @property
    def replicates(self) -> int:
        """Number of replicates."""
        return int(self.camp_sim.shape[0])

    def ard_rescaled(self) -> npt.NDArray[np.float64]:
        """``float64[R, T]``: Flee's rescaled averaged relative difference per day
        (docs/flee/VALIDATION.md §3): ``Σ_c |s_c·U/S − d_c| / max(U, 1)`` with ``U = Σ d``,
        ``S = Σ s`` (s = 0 if S = 0)."""
        d = self.camp_data.astype(np.float64)
        u = np.trunc(d.sum(axis=1))  # Flee's int(sum(data))
        s = self.camp_sim.astype(np.float64)
        stot = s.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(stot > 0, u[None, :] / stot, 0.0)
        resc = s * scale[:, :, None]
        return np.abs(resc - d[None, :, :]).sum(axis=2) / np.maximum(u, 1.0)[None, :]

    def ard(self) -> npt.NDArray[np.float64]:
        """``float64[R, T]``: the averaged relative difference without rescaling."""
        d = self.camp_data.astype(np.float64)
        u = np.trunc(d.sum(axis=1))
        return np.abs(self.camp_sim - d[None, :, :]).sum(axis=2) / np.maximum(u, 1.0)[None, :]

    def scores(self) -> npt.NDArray[np.float64]:
        """``float64[R]``: the validation score per replicate (mean over days of
        :meth:`ard_rescaled`, FabFlee's "Error (rescaled)")."""
        return self.ard_rescaled().mean(axis=1)

    def agent_steps_per_s(self, cpu: bool = False) -> float:
        """Agent-steps per second of daily loop (wall clock, or CPU time with ``cpu=True``:
        the fairer measure on a shared machine), over all replicates."""
        secs = float((self.loop_cpu_seconds if cpu else self.loop_seconds).sum())
        return float(self.agent_steps.sum()) / secs if secs > 0 else float("nan")


@dataclass
class _State:
    """Per-replicate mutable location and link state."""

    movechance: npt.NDArray[np.float64]
    town: npt.NDArray[np.bool_]
    is_camp: npt.NDArray[np.bool_]
    conflict: npt.NDArray[np.float64]
    time_of_conflict: npt.NDArray[np.int64]
    pop: npt.NDArray[np.float64]
    num_agents: npt.NDArray[np.int64]
    link_open: npt.NDArray[np.bool_]
    opt_open: npt.NDArray[np.bool_]


class FleeModel:
    """A Flee scenario as arrays, ready to run with Flee 3.1's rules.

    Build with :meth:`load` (directories) or :meth:`from_inputs` (parsed objects).
    """

    def __init__(
        self, inp: FleeInput, val: Validation, settings: FleeSettings | None = None
    ) -> None:
        self.input = inp
        self.validation = val
        self.settings = s = settings or FleeSettings()
        locs = inp.locations
        n = len(locs)
        self.names = [loc.name for loc in locs]
        self._index = {name: i for i, name in enumerate(self.names)}
        home = inp.home_country
        self.country = [loc.country for loc in locs]
        self.foreign = np.array([c != home for c in self.country], dtype=bool)
        self.marker = np.array([loc.type == "marker" for loc in locs], dtype=bool)
        h = s.hasten
        popcol = np.array([loc.population // h for loc in locs], dtype=np.float64)
        camp0 = np.array([loc.type in ("camp", "idpcamp") for loc in locs], dtype=bool)
        self.idp = np.array([loc.type == "idpcamp" for loc in locs], dtype=bool)
        # move chances by type (§1); a non-camp with move chance < 0.005 becomes a camp
        mc = np.empty(n, dtype=np.float64)
        town = np.zeros(n, dtype=bool)
        conflict = np.full(n, -1.0)
        for i, loc in enumerate(locs):
            if loc.type == "camp":
                mc[i] = s.camp_movechance
            elif loc.type == "idpcamp":
                mc[i] = s.idpcamp_movechance
            elif loc.type == "conflict" and loc.conflict_at_start:
                mc[i] = s.conflict_movechance
                conflict[i] = _float_attr(loc.attributes.get("conflict_intensity"), 1.0)
            elif loc.type in ("forward", "marker"):
                mc[i] = 1.0
            else:  # town, or a conflict location whose conflict starts later
                mc[i] = s.default_movechance
                town[i] = True
        auto = (mc < 0.005) & ~camp0
        camp0 |= auto
        town &= ~auto
        self.camp0 = camp0
        self.mc0, self.town0, self.conflict0 = mc, town, conflict
        # capacity for camps (≤ 0 = unlimited), population for the others
        self.capacity = np.where(camp0 & ~auto, popcol * s.capacity_scaling, -1.0).astype(
            np.float64
        )
        self.pop0 = np.where(camp0 & ~auto, 0.0, popcol)
        self.deact_prob = np.array(
            [_float_attr(loc.attributes.get("deactivation_probability"), 0.0) for loc in locs]
        )
        # links: both directions of every route (Flee's linkUp), via roxham.sim.Network
        net_links = []
        for r in inp.routes:
            attrs: dict[str, float] = {}
            if "max_move_speed" in r.attributes:
                attrs["speed"] = float(r.attributes["max_move_speed"])
            if "walk_probability" in r.attributes:
                attrs["walk_probability"] = float(r.attributes["walk_probability"])
            net_links.append((r.a, r.b, r.km, attrs))
        self.net = Network.build(
            [(loc.name, _KIND[loc.type]) for loc in locs], net_links, two_way=True
        )
        wp = self.net.link_attrs.get("walk_probability")
        self.link_walk = (
            np.nan_to_num(wp, nan=0.0) if wp is not None else np.zeros(self.net.n_links)
        ).astype(np.float64)
        self.link_km = self.net.link_km.astype(np.float64)
        self.link_speed = self.net.link_speed.astype(np.float64)
        self.opts = Options.from_paths(
            self.net, max_hops=s.awareness_level, pass_through=self.marker
        )
        self.camps = [self.names[i] for i in np.flatnonzero(camp0)]
        self.camp_idx = np.flatnonzero(camp0)
        missing = [c for c in self.camps if c not in val.series]
        if missing:
            raise UserError(
                f"{val.path / 'data_layout.csv'}: no validation data for camp(s) "
                f"{', '.join(repr(m) for m in missing)} (every camp needs a row)"
            )
        # conflicts.csv columns as location indices
        self.conf_idx = np.array([self._index[c] for c in inp.conflict_names], dtype=np.int64)
        self.days_total = inp.length
        t = np.arange(inp.length, dtype=np.int64)
        self.camp_data = (
            np.stack([val.values(c, t) for c in self.camps], axis=1)
            if self.camps
            else (np.zeros((inp.length, 0), dtype=np.int64))
        )
        self.prm = np.zeros(K.N_PARAMS, dtype=np.float64)
        self.prm[K.P_MAX_SPEED] = s.max_move_speed
        self.prm[K.P_WALK_SPEED] = s.max_walk_speed
        self.prm[K.P_START_ON_FOOT] = float(s.start_on_foot)
        self.prm[K.P_AVOID_SHORT] = float(s.avoid_short_stints)
        self.prm[K.P_SOFTENING] = s.softening
        self.prm[K.P_WEIGHT_SOFTENING] = s.weight_softening
        self.prm[K.P_DISTANCE_POWER] = s.distance_power
        self.prm[K.P_WEIGHT_POWER] = s.weight_power
        self.prm[K.P_CAP_BUFFER] = s.capacity_buffer
        self.prm[K.P_MC_POP_BASE] = s.movechance_pop_base
        self.prm[K.P_MC_POP_SCALE] = s.movechance_pop_scale_factor
        self.prm[K.P_SINKS] = float(s.camps_are_sinks)
        # link ends by country, for country closures
        self._link_src_country = np.array(
            [self.country[i] for i in self.net.link_src], dtype=object
        )
        self._link_dst_country = np.array(
            [self.country[i] for i in self.net.link_dst], dtype=object
        )

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(
        cls,
        input_dir: str | Path,
        validation_dir: str | Path,
        settings: str | Path | FleeSettings | None = None,
    ) -> FleeModel:
        """Read the directories (and optional ``simsetting.yml``) and build the model."""
        s = settings if isinstance(settings, FleeSettings) else read_settings(settings)
        inp = read_input_dir(input_dir)
        val = read_validation_dir(
            validation_dir, inp.start_date, inp.registration_corrections, hasten=s.hasten
        )
        return cls(inp, val, s)

    def index(self, name: str) -> int:
        """Location index by name."""
        try:
            return self._index[name]
        except KeyError:
            raise UserError(f"unknown location {name!r}") from None

    # ------------------------------------------------------------------ daily rules
    def _decay(self, elapsed: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        dec = self.settings.conflict_spawn_decay
        if not dec:
            return np.ones(len(elapsed))
        k = np.minimum(elapsed // self.settings.conflict_spawn_decay_interval, len(dec) - 1)
        return np.asarray(dec, dtype=np.float64)[np.maximum(k, 0)]

    def scores(self, st: _State, t: int) -> npt.NDArray[np.float64]:
        """Location scores S (§4.1) on day ``t``."""
        s = self.settings
        score = np.ones(len(self.names))
        score[self.foreign] *= s.foreign_weight
        score[st.is_camp] *= s.camp_weight
        c = st.conflict > 0.0
        if c.any():
            dec = self._decay(t - st.time_of_conflict[c])
            score[c] *= s.conflict_weight ** (dec * st.conflict[c])
        return score

    def spawn_weights(self, st: _State, t: int) -> npt.NDArray[np.float64]:
        """Spawn weight per location (§6.2): pop × intensity × decay in conflict zones."""
        # non-conflict locations get weight 0 whether or not conflict_zone_spawning_only is set
        # (in Flee 3.1 that switch changes nothing for UNHCR-driven spawning)
        w = np.zeros(len(self.names))
        c = st.conflict > 0.0
        if c.any():
            w[c] = st.pop[c] * st.conflict[c] * self._decay(t - st.time_of_conflict[c])
        return w

    def _apply_conflicts(self, st: _State, t: int) -> None:
        s = self.settings
        if len(self.conf_idx) == 0:
            return
        now = self.input.conflicts[t]
        prev = self.input.conflicts[t - 1] if t > 0 else np.zeros_like(now)
        for j, loc in enumerate(self.conf_idx):
            v, p = now[j], prev[j]
            if v > 1e-6 and (t == 0 or p < 1e-6):
                st.movechance[loc] = s.conflict_movechance
                st.conflict[loc] = v
                st.town[loc] = False
                st.time_of_conflict[loc] = t
            elif v > 1e-6 and p > 1e-6 and v != p:
                st.conflict[loc] = v  # intended: a new intensity (3.1 ignores it)
            elif v < 1e-6 and t > 0 and p > 1e-6:
                st.movechance[loc] = s.default_movechance
                st.conflict[loc] = -1.0
                st.town[loc] = True

    def _apply_closures(self, st: _State, t: int) -> bool:
        """Closures/reopenings scheduled for day ``t``; True if link states changed."""
        s = self.settings
        changed = False
        for c in self.input.closures:
            for when, is_open in ((c.start, False), (c.end, True)):
                if t != when:
                    continue
                if c.kind == "country":
                    m = (
                        (self._link_src_country == c.name1) & (self._link_dst_country == c.name2)
                    ) | ((self._link_src_country == c.name2) & (self._link_dst_country == c.name1))
                    st.link_open[m] = is_open
                    changed = True
                elif c.kind == "location":
                    i = self.index(c.name1)
                    m = (self.net.link_src == i) | (self.net.link_dst == i)
                    st.link_open[m] = is_open
                    changed = True
                elif c.kind == "link":
                    a, b = self.index(c.name1), self.index(c.name2)
                    m = ((self.net.link_src == a) & (self.net.link_dst == b)) | (
                        (self.net.link_src == b) & (self.net.link_dst == a)
                    )
                    st.link_open[m] = is_open
                    changed = True
                elif c.kind in ("camp", "idpcamp"):
                    i = self.index(c.name1)
                    st.conflict[i] = -1.0
                    if is_open:  # open_camp
                        st.is_camp[i] = True
                        st.town[i] = False
                        st.movechance[i] = (
                            s.idpcamp_movechance if c.kind == "idpcamp" else s.camp_movechance
                        )
                    else:  # close_camp: the camp becomes a town
                        st.is_camp[i] = False
                        st.town[i] = True
                        st.movechance[i] = s.default_movechance
                # remove_forced_redirection: Flee toggles a flag no rule reads
        return changed

    def _new_state(self) -> _State:
        n = len(self.names)
        return _State(
            movechance=self.mc0.copy(),
            town=self.town0.copy(),
            is_camp=self.camp0.copy(),
            conflict=self.conflict0.copy(),
            time_of_conflict=np.full(n, -1, dtype=np.int64),
            pop=self.pop0.copy(),
            num_agents=np.zeros(n, dtype=np.int64),
            link_open=np.ones(self.net.n_links, dtype=bool),
            opt_open=np.ones(self.opts.n_options, dtype=bool),
        )

    # ------------------------------------------------------------------ running
    def run(
        self,
        seed: int = 0,
        replicates: int = 1,
        days: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        initial: dict[str, int] | None = None,
    ) -> FleeResult:
        """Run ``replicates`` replicates (replicate r uses :func:`replicate_seed(seed, r)`).

        ``initial`` puts that many agents at named locations before day 0 (like Flee's
        ``Ecosystem.addAgent`` before the first step, or HEAD's ``initial_idps``)."""
        init = np.zeros(len(self.names), dtype=np.int64)
        for name, count in (initial or {}).items():
            if count < 0:
                raise UserError(f"initial agents at {name!r} must be >= 0, got {count}")
            init[self.index(name)] += int(count)
        if replicates < 1:
            raise UserError(f"replicates must be >= 1, got {replicates}")
        T = self.days_total if days is None or days <= 0 else min(days, self.days_total)
        R, C = replicates, len(self.camps)
        camp_sim = np.zeros((R, T, C), dtype=np.int64)
        total = np.zeros((R, T), dtype=np.int64)
        raw = np.zeros((R, T), dtype=np.int64)
        debt_out = np.zeros((R, T), dtype=np.int64)
        steps = np.zeros(R, dtype=np.int64)
        secs = np.zeros(R, dtype=np.float64)
        cpu = np.zeros(R, dtype=np.float64)
        loc_counts = np.zeros((R, T, len(self.names)), dtype=np.int64)
        seeds = []
        last: Agents | None = None
        self.warm_up()
        for r in range(R):
            sd = replicate_seed(seed, r)
            seeds.append(sd)
            t0 = time.perf_counter()
            c0 = time.process_time()
            last = self._run_one(
                sd, T, camp_sim[r], total[r], raw[r], debt_out[r], steps, r, loc_counts[r], init
            )
            secs[r] = time.perf_counter() - t0
            cpu[r] = time.process_time() - c0
            if progress is not None:
                progress(r + 1, R)
        return FleeResult(
            start_date=self.input.start_date,
            camps=list(self.camps),
            camp_sim=camp_sim,
            camp_data=self.camp_data[:T].copy(),
            total_agents=total,
            refugees_raw=raw,
            refugee_debt=debt_out,
            agent_steps=steps,
            loop_seconds=secs,
            loop_cpu_seconds=cpu,
            locations=list(self.names),
            loc_counts=loc_counts,
            seeds=seeds,
            agents=last,
        )

    def warm_up(self) -> float:
        """Compile (or load from Numba's cache) the kernels with this model's array types, so
        that run timings exclude compilation; returns the seconds it took."""
        t0 = time.perf_counter()
        st = self._new_state()
        ag = Agents.allocate(1)
        z8 = np.zeros(1, dtype=np.uint8)
        zf = np.zeros(1)
        rng = K.new_rng(0)
        base_w = np.zeros(self.opts.n_options)
        K.option_base_weights(
            self.opts.dest, self.opts.km, np.ones(len(self.names)), self.prm, base_w
        )
        K.spawn_at(
            np.zeros(len(self.names), dtype=np.int64), 0, 0, st.num_agents, ag.loc, ag.link,
            ag.pos, ag.route, ag.hop, ag.state, ag.born,
        )  # fmt: skip
        K.spawn_weighted(
            0, 0, 0, np.ones(len(self.names)), False, st.conflict, st.pop, st.num_agents,
            ag.loc, ag.link, ag.pos, ag.route, ag.hop, ag.state, ag.born, rng,
        )  # fmt: skip
        K.evolve_day(
            0, ag.loc, ag.link, ag.pos, ag.route, ag.hop, ag.state, z8, zf, st.movechance,
            st.town, st.is_camp, self.capacity, st.pop, st.num_agents, self.deact_prob,
            self.net.link_src, self.net.link_dst, self.link_km, self.link_speed, self.link_walk,
            st.link_open, self.opts.opt_ptr, self.opts.dest, st.opt_open, base_w,
            self.opts.path_ptr, self.opts.path_links, self.prm, rng,
            np.zeros(len(self.names), dtype=np.int64), np.full(len(self.names), -1.0),
            np.zeros(len(self.names)),
        )  # fmt: skip
        return time.perf_counter() - t0

    def _daily_totals(self, T: int) -> npt.NDArray[np.int64]:
        """D(t): the data total used for spawning (refugees.csv, or the sum of the camps)."""
        t = np.arange(T, dtype=np.int64)
        val = self.validation
        if self.settings.sum_from_camps:
            out = np.zeros(T, dtype=np.int64)
            for name in val.names[1:]:
                out += val.values(name, t)
            return out
        return val.values(val.total_name, t)

    def _run_one(
        self,
        sd: int,
        T: int,
        camp_sim: npt.NDArray[np.int64],
        total: npt.NDArray[np.int64],
        raw: npt.NDArray[np.int64],
        debt_out: npt.NDArray[np.int64],
        steps: npt.NDArray[np.int64],
        r: int,
        loc_counts: npt.NDArray[np.int64],
        init: npt.NDArray[np.int64],
    ) -> Agents:
        s = self.settings
        rng = K.new_rng(sd)
        gen = np.random.default_rng(sd)  # Poisson counts of conflict-driven spawning only
        st = self._new_state()
        skip = np.zeros(len(self.names), dtype=np.int64)
        skip_p = np.full(len(self.names), -1.0)
        skip_lq = np.zeros(len(self.names))
        D = self._daily_totals(T)
        # capacity guess: data total + day-0 camp populations (+ growth)
        guess = int(D.max(initial=0)) + int(self.camp_data[0].sum() if len(self.camps) else 0)
        guess += int(init.sum())
        ag = Agents.allocate(max(1024, guess + 1024))
        arrived = np.zeros(ag.capacity, dtype=np.uint8)
        recent = np.zeros(ag.capacity, dtype=np.float64)
        n_alive = 0
        # day 0: camps pre-filled with their day-0 data (insert_day0)
        if s.insert_day0 and len(self.camps):
            counts = np.zeros(len(self.names), dtype=np.int64)
            counts[self.camp_idx] = self.camp_data[0]
            n_alive = self._spawn_at(ag, counts, n_alive, 0, st)
        if init.any():
            n_alive = self._spawn_at(ag, init, n_alive, 0, st)
        base_w = np.empty(self.opts.n_options, dtype=np.float64)
        debt = 0
        raw_sum = 0
        opts = self.opts
        for t in range(T):
            self._apply_conflicts(st, t)
            # spawning (§6)
            if s.conflict_spawn_mode is None:
                diff = int(D[0]) if t == 0 else int(D[t] - D[t - 1])
                raw_sum += diff
                new = 0 if (t == 0 and s.insert_day0) else diff - debt
                if new < 0:
                    debt = -new
                    new = 0
                elif debt > 0:
                    debt = 0
                if new > 0:
                    w = self.spawn_weights(st, t)
                    if not (w.sum() > 0):
                        raise UserError(
                            f"day {t}: {new} people to spawn but no conflict zone with "
                            "population (every spawn weight is 0)"
                        )
                    n_alive = self._spawn_weighted(ag, new, n_alive, t, w, st, rng)
            else:
                counts = self._conflict_driven_counts(st, gen)
                raw_sum += int(counts.sum())
                n_alive = self._spawn_at(ag, counts, n_alive, t, st)
            if self._apply_closures(st, t) or t == 0:
                st.opt_open = opts.available(
                    st.link_open, np.ones(len(self.names), dtype=bool), self.net
                )
            # evolve (§2.5)
            if len(arrived) < ag.capacity:
                arrived = np.concatenate([arrived, np.zeros(ag.capacity - len(arrived), np.uint8)])
                recent = np.concatenate([recent, np.zeros(ag.capacity - len(recent))])
            steps[r] += n_alive
            score = self.scores(st, t)
            K.option_base_weights(opts.dest, opts.km, score, self.prm, base_w)
            K.evolve_day(
                n_alive, ag.loc, ag.link, ag.pos, ag.route, ag.hop, ag.state, arrived, recent,
                st.movechance, st.town, st.is_camp, self.capacity, st.pop, st.num_agents,
                self.deact_prob, self.net.link_src, self.net.link_dst, self.link_km,
                self.link_speed, self.link_walk, st.link_open, opts.opt_ptr, opts.dest,
                st.opt_open, base_w, opts.path_ptr, opts.path_links, self.prm, rng, skip,
                skip_p, skip_lq,
            )  # fmt: skip
            camp_sim[t] = st.num_agents[self.camp_idx]
            loc_counts[t] = st.num_agents
            total[t] = n_alive
            raw[t] = raw_sum
            debt_out[t] = debt
        ag.n_alive = n_alive
        return ag

    def _conflict_driven_counts(
        self, st: _State, gen: np.random.Generator
    ) -> npt.NDArray[np.int64]:
        s = self.settings
        c = np.where(st.conflict > 0.0, st.conflict, 0.0)
        rate = s.displaced_per_conflict_day
        if s.conflict_spawn_mode == "constant":
            return np.floor(rate * c).astype(np.int64)
        if s.conflict_spawn_mode == "pop_ratio":
            return np.floor(rate * st.pop * c).astype(np.int64)
        return gen.poisson(rate * c).astype(np.int64)

    def _grow(self, ag: Agents, needed: int) -> None:
        ag.ensure_capacity(needed)

    def _spawn_at(
        self, ag: Agents, counts: npt.NDArray[np.int64], n_alive: int, t: int, st: _State
    ) -> int:
        need = n_alive + int(counts.sum())
        ag.n_alive = n_alive
        self._grow(ag, need)
        return int(
            K.spawn_at(
                counts.astype(np.int64), n_alive, t, st.num_agents, ag.loc, ag.link,
                ag.pos, ag.route, ag.hop, ag.state, ag.born,
            )
        )  # fmt: skip

    def _spawn_weighted(
        self,
        ag: Agents,
        new: int,
        n_alive: int,
        t: int,
        w: npt.NDArray[np.float64],
        st: _State,
        rng: npt.NDArray[np.uint64],
    ) -> int:
        ag.n_alive = n_alive
        self._grow(ag, n_alive + new)
        return int(
            K.spawn_weighted(
                new, n_alive, t, w, self.settings.take_from_population, st.conflict, st.pop,
                st.num_agents, ag.loc, ag.link, ag.pos, ag.route, ag.hop, ag.state, ag.born, rng,
            )
        )  # fmt: skip


def _float_attr(text: str | None, default: float) -> float:
    if text is None or not str(text).strip():
        return default
    try:
        return float(text)
    except ValueError:
        raise UserError(f"location attribute must be a number, got {text!r}") from None
