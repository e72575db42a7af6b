"""The Canada–US model as a :class:`roxham.sim.engine.Simulation`: network, cohorts, choice.

:func:`build_simulation` turns a scenario into an engine simulation; :func:`daily_counts`
reads one replicate's engine records back into the model's daily series (:data:`SERIES`).

How the model maps onto the engine:

- **Locations**: the four US origins; one location per crossing option (the six irregular
  crossings and ``hide_qc`` are ``irregular_crossing`` locations with their own interception
  probability; the four ports are ``port_of_entry`` locations, claim place ``land_poe``); two
  inland offices reached by unseen crossers, ``inland_early`` (claim place
  ``between_inland_early``) and ``inland_late`` (``between_inland_late``, after hiding past
  the protocol window); ``stay_us`` (outside option, absorbing); ``air_arrival`` →
  ``airport`` and ``inland_arrival`` → ``inland_office`` for the air and inland streams.
- **Links** (lengths in days, speed 1/day, ``strict_arrival``: a link of *n* days chosen on
  day *d* is reached on day *d + n*): origin → crossing (``ceil(road km / km_per_day)``),
  irregular crossing → ``inland_early`` (``evade_wait_days``), ``hide_qc`` → ``inland_late``
  (``max(hide_wait_days, protocol window)``), origin → ``stay_us``, arrival → airport/office
  (0 days: same day).
- **Options** at an origin: the 11 crossings (irregular crossings as a two-link path through
  the crossing to its inland office: intercepted → claim at the crossing; unseen → go on and
  claim inland) and staying in the US. Everybody picks exactly one option on the day they
  appear (the logit has no implicit "stay put"), so choice happens once; staying ends the
  journey (``stay_us`` absorbs).
- **Choice**: :class:`CanadaUSChoice` (see its docstring) reads the law row the engine hands
  it each day (``t − information_lag_days``) for the places an option leads to; it is built
  before the simulation and holds no handle on it.
- **Law**: :class:`~roxham.models.canada_us.law_oracle.CanadaUSLawOracle` is the engine's
  oracle; the engine counts claims decided per outcome code and location
  (``ReplicateResult.codes``), which gives STCA returns, directed-back and other outcomes.
- **Returns**: claim locations send a returned person back to the start of their route (their
  origin, ``return_to: @route_start``); land cohorts give up with ``1 − retry_after_return``
  and after their third return (``max_attempts = 2``); air and inland cohorts always give up.
  A person returned after an ineligible claim carries it (the oracle's
  ``profile_after_return``; the engine switches the agent's profile): IRPA s. 101(1)(c) bars
  any later referral; intercepted again, they are returned again; unseen, they stay in Canada
  without claiming (``stayed_ca_unclaimed``, not a claim).
- **Closures**: ``close_location`` / ``open_location`` events on the crossing (and any option
  at the same place). Deciders know of a closure at once; people already on the way are
  turned back at the closed crossing (the engine's bounce) and choose again the next day.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham import law
from roxham.models.canada_us.cohorts import Profile, profile_weights
from roxham.models.canada_us.demand import KIND_AIR, KIND_INLAND, KIND_LAND, Demand
from roxham.models.canada_us.geography import (
    CROSSINGS,
    ORIGINS,
    PLACES,
    route_km,
    route_places,
    travel_days,
)
from roxham.models.canada_us.law_oracle import (
    CODE_NAMES,
    DIRECTED_BACK,
    PENDING_REACHED,
    STAYED_UNCLAIMED,
    CanadaUSLawOracle,
)
from roxham.models.canada_us.scenario import ModelScenario
from roxham.sim.choice import DayContext, logit
from roxham.sim.engine import ROUTE_START, Cohort, Simulation, Spawn
from roxham.sim.kernel import SERIES as ENGINE_SERIES
from roxham.sim.network import Network, Options
from roxham.sim.results import ReplicateResult
from roxham.sim.timeline import Event

__all__ = [
    "PROVINCES",
    "SERIES",
    "STATE_NAMES",
    "CanadaUSChoice",
    "build_simulation",
    "claim_delays",
    "daily_counts",
    "irb_inflow",
    "protocol_window",
    "referred_by_location",
]

PROVINCES: tuple[str, ...] = ("QC", "MB", "BC", "ON", "other")

#: Daily series of one replicate (columns of :func:`daily_counts`' ``out``).
SERIES: tuple[str, ...] = (
    "spawned_land", "spawned_air", "spawned_inland", "decided_stay",
    "crossings_QC", "crossings_MB", "crossings_BC", "crossings_ON", "crossings_other",
    "intercepted_QC", "intercepted_MB", "intercepted_BC", "intercepted_ON", "intercepted_other",
    "claims_airport", "claims_land_poe", "claims_inland", "claims_rcmp",
    "stca_returns", "directed_back", "ineligible_other", "turned_away", "gave_up",
    "referred", "poe_arrivals", "hidden_claims", "stayed_ca_unclaimed",
    "referred_pending_2026_law", "ineligible_in_canada",
)  # fmt: skip

#: Final states counted per replicate (they add up to the agents created).
STATE_NAMES: tuple[str, ...] = (
    "deciding", "travelling", "hidden", "stayed_us", "referred", "gave_up", "stayed_ca_unclaimed",
)  # fmt: skip

INLAND_EARLY = "inland_early"
INLAND_LATE = "inland_late"
STAY = "stay_us"
AIR_ARRIVAL = "air_arrival"
INLAND_ARRIVAL = "inland_arrival"
AIRPORT = "airport"
INLAND_OFFICE = "inland_office"


def protocol_window(s: ModelScenario) -> int:
    """Days of the Additional Protocol's window under the scenario's reform, as the law
    tells it (:func:`roxham.law.protocol_window_days`)."""
    return law.protocol_window_days(s.law.reform)


def hide_delay(s: ModelScenario) -> int:
    """Days a hiding crosser waits before claiming: ``max(hide_wait_days, window)``."""
    return max(s.processing.hide_wait_days, protocol_window(s))


def claim_delays(s: ModelScenario) -> dict[str, int]:
    """Days from entry to claim of the places reached after crossing unseen, computed once:
    the network's link lengths to the inland offices and the law table's entry dates both
    read them (``between_inland_early``: ``evade_wait_days``; ``between_inland_late``:
    :func:`hide_delay`)."""
    return {
        "between_inland_early": int(s.processing.evade_wait_days),
        "between_inland_late": hide_delay(s),
    }


def irb_inflow(s: ModelScenario, out: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Daily net inflow of referred claims into the IRB inventory: the referrals of each day,
    less, on ``D_C12_RA``, ``processing.pending_notice_share`` of the claims referred before
    it that the 2026 law reaches (``referred_pending_2026_law``): those given a s. 104(1)(a)
    notice leave the inventory (all of them are taken as still pending: the RPD took about two
    years then).

    >>> import numpy as np
    >>> from roxham.models.canada_us.scenario import load_scenario
    >>> s = load_scenario("historical", {"start": "2026-03-24", "end": "2026-03-27",
    ...                                  "processing": {"pending_notice_share": 0.5}})
    >>> out = np.zeros((4, len(SERIES)), dtype=np.int64)
    >>> out[:, SERIES.index("referred")] = 10
    >>> out[:2, SERIES.index("referred_pending_2026_law")] = 4
    >>> irb_inflow(s, out).tolist()
    [10.0, 10.0, 6.0, 10.0]
    """
    col = {n: i for i, n in enumerate(SERIES)}
    flow = out[:, col["referred"]].astype(np.float64)
    ra = law.law_date("D_C12_RA", s.law.reform)
    share = s.processing.pending_notice_share
    if ra is not None and share > 0 and s.start <= ra <= s.end:
        i = (ra - s.start).days
        flow[i] -= share * float(out[:i, col["referred_pending_2026_law"]].sum())
    return flow


def _network(s: ModelScenario) -> Network:
    p = s.processing
    delays = claim_delays(s)
    locs: list[tuple[str, str, dict[str, Any]]] = []
    for o in ORIGINS:
        locs.append((o, "origin", {"province": PLACES[o].province}))
    for c in CROSSINGS:
        attrs: dict[str, Any] = {"province": c.rcmp_geo, "return_to": ROUTE_START}
        if c.mode == "LAND_POE":
            locs.append((c.id, "port_of_entry", {**attrs, "place": "land_poe"}))
        else:
            pint = p.p_intercept_hide if c.hide else p.p_intercept_irregular
            locs.append((c.id, "irregular_crossing",
                         {**attrs, "place": "between_ports", "interception": pint}))
    locs += [
        (INLAND_EARLY, "inland_office",
         {"place": "between_inland_early", "return_to": ROUTE_START}),
        (INLAND_LATE, "inland_office",
         {"place": "between_inland_late", "return_to": ROUTE_START}),
        (STAY, "outside_option", {}),
        (AIR_ARRIVAL, "origin", {}),
        (AIRPORT, "airport", {"place": "airport"}),
        (INLAND_ARRIVAL, "origin", {}),
        (INLAND_OFFICE, "inland_office", {"place": "inland"}),
    ]
    links: list[tuple[str, str, float, dict[str, float]]] = []
    for o in ORIGINS:
        for c in CROSSINGS:
            km = route_km(o, c.place, s.network.circuity)
            links.append((o, c.id, float(travel_days(km, s.network.km_per_day)), {"road_km": km}))
        links.append((o, STAY, 0.0, {"road_km": 0.0}))
    for c in CROSSINGS:
        if c.mode == "LAND_POE":
            continue
        if c.hide:
            links.append((c.id, INLAND_LATE, float(delays["between_inland_late"]),
                          {"road_km": 0.0}))
        else:
            links.append((c.id, INLAND_EARLY, float(delays["between_inland_early"]),
                          {"road_km": 0.0}))
    links.append((AIR_ARRIVAL, AIRPORT, 0.0, {"road_km": 0.0}))
    links.append((INLAND_ARRIVAL, INLAND_OFFICE, 0.0, {"road_km": 0.0}))
    return Network.build(locs, links)


class CanadaUSChoice:
    """The model's logit, one choice per person at their origin (a ``ChoiceModel``).

    Utility of crossing option *k* for profile *p* from origin *o* on day *d*::

        asc[k] + beta_success · S(p, k) + beta_km_per_100 · road_km[o, k] / 100
               + nyc_ticket_utility[d]   (routes via Plattsburgh, New York origin only)
               + beta_wait_per_week · hide_delay / 7   (hide options only)

    and staying in the US ``asc_stay``. ``S`` is the probability that the claim is referred
    under the law as perceived (the engine's table of ``d − information_lag_days``): at a port
    ``ref(land_poe)``; between ports ``a · S_b(p) + (1 − a) · S_b(p₀)`` with ``S_b(p) = p_int
    · ref(between_ports) + (1 − p_int) · ref(between_inland_early | late)``, ``p₀`` the same
    nationality without family, minor or TRV facts (the general rule) and ``a`` =
    ``exception_awareness_between_ports``. Options elsewhere (the crossing → inland leg, the air
    and inland arrivals) have probability 1: people there just go on.

    A pure function of the scenario, the network and what the engine hands it each day
    (:attr:`~roxham.sim.choice.DayContext.perceived_referred`, the law row it already looks
    up): it is built before the :class:`~roxham.sim.engine.Simulation` and holds no handle on
    it. ``profiles`` are the law oracle's fact profiles, in its order.
    """

    def __init__(
        self,
        s: ModelScenario,
        net: Network,
        opt: Options,
        profiles: Sequence[Profile],
        demand: Demand,
    ) -> None:
        self.s = s
        n_o = opt.n_options
        ch = s.choice
        ids = [c.id for c in CROSSINGS]
        self.base = np.zeros(n_o)  # utility without the law and the day's ticket bonus
        self.is_decision = np.zeros(n_o, dtype=bool)  # an option of an origin's logit
        self.ticket = np.zeros(n_o, dtype=bool)  # gets the NYC ticket bonus
        # claim place (name) if intercepted / at port, and if unseen; indices into the day's
        # law row are resolved from DayContext.places
        self.place_a_name: list[str | None] = [None] * n_o
        self.place_b_name: list[str | None] = [None] * n_o
        self.place_a = np.full(n_o, -1, dtype=np.int64)
        self.place_b = np.full(n_o, -1, dtype=np.int64)
        self._places: tuple[str, ...] | None = None
        self.p_int = np.zeros(n_o)
        self.option_crossing = np.full(n_o, -1, dtype=np.int64)  # index into CROSSINGS
        hub = {c.id: "plattsburgh" in route_places("nyc", c.place) for c in CROSSINGS}
        origins = set(ORIGINS)
        p = s.processing
        for o in range(n_o):
            start = net.names[int(opt.origin[o])]
            if start not in origins:
                continue
            first = net.names[int(net.link_dst[opt.links_of(o)[0]])]
            self.is_decision[o] = True
            if first == STAY:
                self.base[o] = ch.asc_stay
                continue
            k = ids.index(first)
            c = CROSSINGS[k]
            self.option_crossing[o] = k
            km = route_km(start, c.place, s.network.circuity)
            self.base[o] = ch.asc.get(c.id, 0.0) + ch.beta_km_per_100 * km / 100.0
            if c.hide:
                self.base[o] += ch.beta_wait_per_week * hide_delay(s) / 7.0
            self.ticket[o] = start == "nyc" and hub[c.id]
            if c.mode == "LAND_POE":
                self.place_a_name[o] = "land_poe"
            else:
                self.place_a_name[o] = "between_ports"
                later = "between_inland_late" if c.hide else "between_inland_early"
                self.place_b_name[o] = later
                self.p_int[o] = p.p_intercept_hide if c.hide else p.p_intercept_irregular
        self.nyc_u = np.asarray(demand.nyc_ticket_utility, dtype=np.float64)
        # days on which the ticket bonus changes (and the first day past the array: 0 then)
        self._bonus_changes = np.append(np.flatnonzero(np.diff(self.nyc_u) != 0) + 1,
                                        len(self.nyc_u))
        # the general rule's profile of each profile (same nationality, no exception facts)
        profiles = list(profiles)
        index = {pr: i for i, pr in enumerate(profiles)}
        self.headline = np.asarray(
            [index[Profile(p.nat, "none", False, False)] for p in profiles], dtype=np.int64
        )
        self._key: tuple[Any, ...] | None = None
        self._last: npt.NDArray[np.float64] | None = None

    #: the table depends on the day, the scenario and the perceived law only, never on the
    #: run's state (the engine may then run days with the same table in one kernel call)
    reads_run_state = False

    def next_change(self, ctx: DayContext) -> int:
        """The first day after ``ctx.day`` whose table may differ with the same law and
        availability (the next change of the New York ticket bonus)."""
        k = int(np.searchsorted(self._bonus_changes, ctx.day, side="right"))
        return int(self._bonus_changes[k]) if k < len(self._bonus_changes) else 1 << 62

    def probabilities(self, ctx: DayContext) -> npt.NDArray[np.float64]:
        """``prob[g, o]`` of the day (the same array while nothing it depends on changes)."""
        bonus = float(self.nyc_u[ctx.day]) if ctx.day < len(self.nyc_u) else 0.0
        key = (ctx.versions, bonus)
        if self._last is not None and key == self._key and min(ctx.versions) >= 0:
            return self._last
        if ctx.places != self._places:
            self._resolve_places(ctx.places)
        ok = ctx.perceived_referred.astype(np.float64)  # [places, profiles], as perceived today
        prof = ctx.group_profile
        n_g = len(prof)
        succ = np.zeros((n_g, len(self.base)))
        a = self.place_a >= 0
        succ[:, a] = ok[self.place_a[a]][:, prof].T
        b = self.place_b >= 0
        pint = self.p_int[b]
        succ[:, b] = pint * succ[:, b] + (1.0 - pint) * ok[self.place_b[b]][:, prof].T
        aware = self.s.choice.exception_awareness_between_ports
        if aware < 1.0:
            h = self.headline[prof]
            general = (pint * ok[self.place_a[b]][:, h].T
                       + (1.0 - pint) * ok[self.place_b[b]][:, h].T)
            succ[:, b] = aware * succ[:, b] + (1.0 - aware) * general
        u = self.base + self.s.choice.beta_success * succ + np.where(self.ticket, bonus, 0.0)
        prob = logit(u, ctx.options.opt_ptr, available=ctx.available & self.is_decision)
        prob[:, ~self.is_decision] = 1.0  # single onward options: just go on
        self._key = key
        self._last = prob
        return prob

    def _resolve_places(self, places: tuple[str, ...]) -> None:
        """Indices of the options' claim places in the engine's law row."""
        for names, idx in ((self.place_a_name, self.place_a), (self.place_b_name, self.place_b)):
            for o, name in enumerate(names):
                if name is not None:
                    if name not in places:
                        raise ValueError(f"claim place {name!r} not among the run's {places}")
                    idx[o] = places.index(name)
        self._places = places


def _cohorts_and_spawns(
    s: ModelScenario, profiles: list[Profile], demand: Demand
) -> tuple[list[Cohort], list[Spawn]]:
    c = s.cohorts
    retry = s.choice.retry_after_return
    cohorts: dict[str, Cohort] = {}
    spawns: list[Spawn] = []
    for j in range(len(demand.names)):
        kind = int(demand.kind[j])
        nat = demand.nat[j]
        label = {KIND_LAND: "land", KIND_AIR: "air", KIND_INLAND: "inland"}[kind]
        cname = f"{label}:{nat}"
        if cname not in cohorts:
            w = profile_weights(
                profiles, {nat: 1.0}, c.family, c.p_unaccompanied_minor, c.p_trv,
                p_prior_us_claim=c.p_prior_us_claim if kind == KIND_LAND else 0.0,
                inland_days=c.inland_days_since_entry if kind == KIND_INLAND else None,
            )
            # every cohort lists all profiles in the same order, so the engine's profile index
            # is the oracle's (zero shares are allowed and never drawn)
            rows = [({"profile": i}, float(x)) for i, x in enumerate(w)]
            if kind == KIND_LAND:
                cohorts[cname] = Cohort(cname, rows, give_up=1.0 - retry, max_attempts=2)
            else:
                cohorts[cname] = Cohort(cname, rows, give_up=1.0)
        where = (
            ORIGINS[int(demand.origin[j])] if kind == KIND_LAND
            else AIR_ARRIVAL if kind == KIND_AIR else INLAND_ARRIVAL
        )
        spawns.append(Spawn(cname, where, demand.rates[:, j]))
    return list(cohorts.values()), spawns


def _closures(s: ModelScenario) -> list[Event]:
    events: list[Event] = []
    ids = [c.id for c in CROSSINGS]
    for cl in s.network.closures:
        if cl.crossing not in ids:
            from roxham.errors import UserError

            raise UserError(
                f"network.closures: unknown crossing {cl.crossing!r}; known: {', '.join(ids)}"
            )
        place = CROSSINGS[ids.index(cl.crossing)].place
        same = [c.id for c in CROSSINGS if c.place == place]  # a hide option closes with it
        for cid in same:
            events.append(Event(cl.start, "close_location", cid, label=f"closed: {cl.crossing}"))
            if cl.end is not None:
                events.append(Event(cl.end, "open_location", cid))
    return events


def build_simulation(
    s: ModelScenario,
    profiles: list[Profile],
    oracle: CanadaUSLawOracle,
    demand: Demand,
) -> Simulation:
    """The engine simulation of scenario ``s`` (its law table is built by the engine on first
    use unless the caller sets a cached one: ``sim.set_outcome_table``)."""
    net = _network(s)
    mask = np.zeros(net.n_locations, dtype=bool)
    for c in CROSSINGS:
        if c.mode != "LAND_POE":
            mask[net.index(c.id)] = True
    options = Options.from_paths(net, max_hops=1, pass_through=mask)
    cohorts, spawns = _cohorts_and_spawns(s, profiles, demand)
    choice = CanadaUSChoice(s, net, options, oracle.profiles, demand)
    return Simulation(
        net,
        s.start,
        s.end,
        cohorts=cohorts,
        spawns=spawns,
        options=options,
        timeline=_closures(s),
        oracle=oracle,
        params={"info_lag_days": s.law.information_lag_days, "strict_arrival": True},
        name=f"canada_us:{s.name}",
        choice=choice,
    )


def referred_by_location(sim: Simulation, rep: ReplicateResult) -> npt.NDArray[np.float64]:
    """``[n_days, n_locations]``: referred claims per day and location, from the engine's
    records, without the people barred by IRPA s. 101(1)(c) who stay unseen without claiming
    (the engine ends their journey like a referral; they are no claim)."""
    from roxham.sim.kernel import SERIES as ENGINE_SERIES

    referred = rep.series[:, ENGINE_SERIES.index("referred"), :].astype(np.float64)
    if rep.codes is not None:
        referred = referred - rep.codes[:, CODE_NAMES.index(STAYED_UNCLAIMED), :]
    return referred


def daily_counts(
    sim: Simulation, rep: ReplicateResult
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[int]]:
    """``out[n_days, len(SERIES)]``, route choices ``[n_days, len(CROSSINGS)]`` and the final
    state counts (:data:`STATE_NAMES`) of one replicate, from the engine's records."""
    net = sim.network
    n_days = sim.n_days
    ser = rep.series.astype(np.int64)  # [d, series, loc]
    si = {n: i for i, n in enumerate(ENGINE_SERIES)}
    out = np.zeros((n_days, len(SERIES)), dtype=np.int64)
    col = {n: i for i, n in enumerate(SERIES)}

    def at(series: str, names: list[str]) -> npt.NDArray[np.int64]:
        idx = [net.index(x) for x in names]
        return ser[:, si[series], idx].sum(axis=1)

    land_origins = list(ORIGINS)
    irr = [c.id for c in CROSSINGS if c.mode != "LAND_POE"]
    poe = [c.id for c in CROSSINGS if c.mode == "LAND_POE"]
    out[:, col["spawned_land"]] = at("spawned", land_origins)
    out[:, col["spawned_air"]] = at("spawned", [AIR_ARRIVAL])
    out[:, col["spawned_inland"]] = at("spawned", [INLAND_ARRIVAL])
    out[:, col["decided_stay"]] = at("settled", [STAY])
    for prov in PROVINCES:
        cs = [c.id for c in CROSSINGS if c.mode != "LAND_POE" and c.rcmp_geo == prov]
        if cs:
            out[:, col[f"crossings_{prov}"]] = at("crossings", cs)
            out[:, col[f"intercepted_{prov}"]] = at("intercepted", cs)
    assert rep.codes is not None
    # people barred by 101(1)(c) who got in unseen and stay without claiming: the engine ends
    # their journey at the inland office like a referral; they are no claim
    unclaimed = rep.codes[:, CODE_NAMES.index(STAYED_UNCLAIMED), :].astype(np.int64)
    unseen = [net.index(INLAND_EARLY), net.index(INLAND_LATE)]
    stayed = unclaimed[:, unseen].sum(axis=1)
    out[:, col["claims_airport"]] = at("referred", [AIRPORT])
    out[:, col["claims_land_poe"]] = at("referred", poe)
    out[:, col["claims_inland"]] = (
        at("referred", [INLAND_EARLY, INLAND_LATE, INLAND_OFFICE]) - stayed
    )
    out[:, col["claims_rcmp"]] = at("referred", irr)
    codes = rep.codes.astype(np.int64).sum(axis=2)  # [d, code]
    stca = CODE_NAMES.index("INELIGIBLE/STCA")
    back = CODE_NAMES.index(DIRECTED_BACK)
    referred = np.asarray(sim.oracle.referred, dtype=bool)
    other = [i for i in range(len(CODE_NAMES)) if not referred[i] and i not in (stca, back)]
    out[:, col["stca_returns"]] = codes[:, stca]
    out[:, col["directed_back"]] = codes[:, back]
    out[:, col["ineligible_other"]] = codes[:, other].sum(axis=1)
    # of those, the ones found ineligible inside Canada (airport, inland offices): they may ask
    # for a PRRA (IRPA s. 112(1)); at a land crossing the engine returns them to the US
    inside = [net.index(n) for n in (AIRPORT, INLAND_EARLY, INLAND_LATE, INLAND_OFFICE)]
    out[:, col["ineligible_in_canada"]] = rep.codes[:, other, :][:, :, inside].astype(
        np.int64).sum(axis=(1, 2))
    out[:, col["turned_away"]] = ser[:, si["bounced"], :].sum(axis=1)
    out[:, col["gave_up"]] = ser[:, si["gave_up"], :].sum(axis=1)
    out[:, col["referred"]] = ser[:, si["referred"], :].sum(axis=1) - unclaimed.sum(axis=1)
    out[:, col["poe_arrivals"]] = at("claims", poe)
    out[:, col["hidden_claims"]] = at("claims", [INLAND_EARLY, INLAND_LATE]) - stayed
    out[:, col["stayed_ca_unclaimed"]] = unclaimed.sum(axis=1)
    out[:, col["referred_pending_2026_law"]] = codes[:, CODE_NAMES.index(PENDING_REACHED)]
    # route choices: entries into the first link of each crossing option
    ids = [c.id for c in CROSSINGS]
    choices = np.zeros((n_days, len(CROSSINGS)), dtype=np.int64)
    origin_idx = {net.index(o) for o in ORIGINS}
    to_inland = []
    for k in range(net.n_links):
        a, b = int(net.link_src[k]), int(net.link_dst[k])
        if a in origin_idx and net.names[b] in ids:
            choices[:, ids.index(net.names[b])] += rep.entered[:, k]
        if net.names[b] in (INLAND_EARLY, INLAND_LATE):
            to_inland.append(k)
    # final states
    last = rep.states[-1]
    on_link = rep.on_link[-1]
    hidden = int(on_link[to_inland].sum())
    from roxham.sim.agents import AgentState as A

    states = [
        int(last[A.DECIDING] + last[A.QUEUED]),
        int(last[A.TRAVELLING]) - hidden,
        hidden,
        int(last[A.SETTLED]),
        int(last[A.CLAIMANT]) - int(unclaimed.sum()),
        int(last[A.EXITED]),
        int(unclaimed.sum()),
    ]
    return out, choices, states
