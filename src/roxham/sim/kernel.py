"""The compiled daily kernel (Numba). Python never loops over agents; this module does.

One call of :func:`step_day` runs one simulated day over the agent arrays, in this order:

1. **spawn**: each spawn stream adds ``floor(x) + Bernoulli(frac(x))`` agents (``x`` = today's
   expected count), at the stream's location, with a choice group drawn from the cohort's
   group distribution (a group is a (cohort, fact profile) pair);
2. **agents** (one pass, in index order, over the **active agents**: those not in a terminal
   state (CLAIMANT, SETTLED or EXITED; agents never leave one, so they would be skipped
   anyway). The kernel keeps their indices, in order, from one day to the next (today's
   spawns appended, the agents that reached a terminal state dropped at the end of the day),
   so a day costs the agents still on the move instead of every agent created; results and
   random draws are unchanged. It also keeps the **watermark**, the lowest index not yet in a
   terminal state (:func:`advance_window`; reported as the active window's size). On a
   *dense day* (at least ``Settings.dense_from`` of the window active) it walks the window
   directly instead of the list, which is faster there and visits the same agents:

   - ``QUEUED`` agents whose FIFO ticket was served (``ticket < served[q]``) leave the queue:
     into the next queue, or to the queue's ``then`` location and state;
   - ``DECIDING`` agents draw one uniform and pick an option from the cumulative table of their
     group at their location (or stay); an option is a path of links;
   - ``TRAVELLING`` agents move for one day of time along their path at each link's speed
     (km/day); on reaching a location they trigger its **arrival action**: ``CROSSING``
     (intercepted with probability ``p_intercept[l]`` → claim there; otherwise evade and go on),
     ``CLAIM`` (the law table decides: referred → queue or claimant; not referred → returned to
     ``return_to[l]`` (:data:`RETURN_ROUTE_START`: the start of the agent's route) or the
     link's start, with the profile the law gives after such a return (``after_return``, e.g.
     a prior claim that bars the next one), then give up with the cohort's probability, or
     always after more than the cohort's ``max_attempts`` returns, or decide again; every
     claim is counted by outcome
     code and location in ``rec_code``), ``ABSORB`` (settled), ``NONE`` (go on). A closed
     link or location bounces the agent back to the link's start (Flee's rule).
3. **queues** serve up to their daily capacity, oldest arrivals first; waits are recorded.
4. the caller copies the incremental counters (population per location, agents per link,
   agents per state) into the day's records.

Randomness is counter-based: draw ``j`` of agent ``i`` on day ``d`` is
``splitmix64(key_d + (16 i + j) · γ)``, with ``key_d`` derived from the replicate's key. The
result does not depend on the order of evaluation, the number of workers or anything but the
seed, the replicate and the inputs.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from roxham.sim.agents import AgentState
from roxham.sim.network import ArrivalAction

__all__ = [
    "SERIES",
    "AgentArrays",
    "DayRecords",
    "LawTable",
    "NetworkArrays",
    "QueueArrays",
    "Records",
    "Settings",
    "SpawnArrays",
    "step_day",
    "step_days",
]

# agent states: the values of the one AgentState enum (Numba reads module ints as constants)
DECIDING = int(AgentState.DECIDING)
TRAVELLING = int(AgentState.TRAVELLING)
QUEUED = int(AgentState.QUEUED)
CLAIMANT = int(AgentState.CLAIMANT)
SETTLED = int(AgentState.SETTLED)
EXITED = int(AgentState.EXITED)
N_STATES = len(AgentState)

# arrival actions: the values of roxham.sim.network.ArrivalAction
ACT_NONE = int(ArrivalAction.NONE)
ACT_CROSSING = int(ArrivalAction.CROSSING)
ACT_CLAIM = int(ArrivalAction.CLAIM)
ACT_ABSORB = int(ArrivalAction.ABSORB)

# recorded series per location (index into the first axis of ``rec``)
SERIES = (
    "spawned",
    "arrivals",
    "departures",
    "crossings",
    "intercepted",
    "evaded",
    "claims",
    "referred",
    "returned",
    "gave_up",
    "settled",
    "bounced",
)
S_SPAWNED = 0
S_ARRIVALS = 1
S_DEPARTURES = 2
S_CROSSINGS = 3
S_INTERCEPTED = 4
S_EVADED = 5
S_CLAIMS = 6
S_REFERRED = 7
S_RETURNED = 8
S_GAVE_UP = 9
S_SETTLED = 10
S_BOUNCED = 11
N_SERIES = len(SERIES)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_SIXTEEN = np.uint64(16)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53

# draw slots (j in 16·i + j)
J_CHOICE = 0
J_CROSS = 1
J_GIVE_UP = 2
J_GROUP = 3
J_REDECIDE = 4  # 4..15 for successive same-day re-decisions
MAX_HOPS_PER_DAY = 10

#: ``loc_return`` value: send a returned claimant to the start of the route it was on
RETURN_ROUTE_START = -2


# ---------------------------------------------------------------------- what a day reads/writes
# Typed named tuples of arrays (Numba compiles attribute access on them to plain loads).

#: any integer dtype (the engine uses compact ones: int8 codes, int32 indices)
IntArray = npt.NDArray[np.integer[Any]]


class AgentArrays(NamedTuple):
    """The agent columns (:data:`roxham.sim.agents.AGENT_DTYPES`), whole (not sliced)."""

    loc: npt.NDArray[np.int32]
    link: npt.NDArray[np.int32]
    pos: npt.NDArray[np.float32]
    route: npt.NDArray[np.int32]
    group: npt.NDArray[np.int32]
    profile: npt.NDArray[np.int32]
    ticket: npt.NDArray[np.int32]
    queue: npt.NDArray[np.int16]
    cohort: npt.NDArray[np.int16]
    born: npt.NDArray[np.int16]
    t_cross: npt.NDArray[np.int16]
    t_claim: npt.NDArray[np.int16]
    hop: npt.NDArray[np.int8]
    state: npt.NDArray[np.int8]
    attempts: npt.NDArray[np.int8]


class SpawnArrays(NamedTuple):
    """The spawn streams and the choice groups (today's expected counts are an argument)."""

    stream_cohort: IntArray  # [stream]
    stream_loc: IntArray  # [stream]
    cohort_gptr: IntArray  # [cohort + 1], groups of cohort c: gptr[c]..gptr[c+1]
    group_cdf: npt.NDArray[np.float64]  # [group], cumulative share within its cohort
    group_profile: IntArray  # [group]


class NetworkArrays(NamedTuple):
    """Options, links and locations as they are today, and today's choice table."""

    opt_ptr: IntArray  # [loc + 1], options of location l: opt_ptr[l]..opt_ptr[l+1]
    path_ptr: IntArray  # [option + 1]
    path_links: IntArray
    link_src: IntArray
    link_dst: IntArray
    link_len: npt.NDArray[np.float64]
    link_speed: npt.NDArray[np.float64]  # today's
    link_open: npt.NDArray[np.bool_]  # today's
    loc_open: npt.NDArray[np.bool_]  # today's
    loc_action: IntArray  # ArrivalAction
    loc_place: IntArray  # claim place, -1 if none
    loc_queue: IntArray  # queue of a referred claim, -1 if none
    loc_return: IntArray  # where a returned claimant goes (RETURN_ROUTE_START…)
    loc_border: npt.NDArray[np.bool_]
    p_intercept: npt.NDArray[np.float64]  # today's
    choice_cum: npt.NDArray[np.float64]  # [group, option], cumulative per location, today's


class LawTable(NamedTuple):
    """The law by day (the kernel reads the row of today) and what a cohort does after a
    return."""

    codes: IntArray  # [lag_max + day, place, profile], outcome code
    lag_max: int  # row of day d: d + lag_max
    referred: npt.NDArray[np.bool_]  # [code]
    give_up: npt.NDArray[np.float64]  # [cohort], probability of giving up after a return
    max_attempts: IntArray  # [cohort], returns after which it always gives up
    after_return: IntArray  # [code, profile], profile after a return with that code


class QueueArrays(NamedTuple):
    """Processing queues (FIFO tickets, daily capacity, arrivals per day)."""

    capacity: npt.NDArray[np.float64]  # today's
    credit: npt.NDArray[np.float64]
    issued: IntArray
    served: IntArray
    next: IntArray
    then_loc: IntArray
    then_state: IntArray
    wait_loc: IntArray
    arrivals: IntArray  # [queue, day]
    head_day: IntArray
    head_taken: IntArray


class Records(NamedTuple):
    """Running counters, and the records by day (the kernel adds to the row of today)."""

    loc_count: IntArray
    link_count: IntArray
    state_count: IntArray
    series: IntArray  # [day, SERIES, loc]
    link_entered: IntArray  # [day, link]
    q_served: IntArray  # [day, queue]
    q_wait: IntArray  # [day, queue]
    codes: IntArray  # [day, code, loc]


class DayRecords(NamedTuple):
    """What :func:`step_days` copies out of the running counters at the end of each day, and
    the active agents (``window``, see :func:`step_day`)."""

    population: IntArray  # [day, loc]: loc_count at the end of the day
    on_link: IntArray  # [day, link]: link_count
    states: IntArray  # [day, state]: state_count
    queue_length: IntArray  # [day, queue]: issued − served
    n_alive: IntArray  # [day]: agents created so far
    n_window: IntArray  # [day]: agents in the active window at the end of the day
    window: IntArray  # [capacity + 2]: the active set (see step_day)


class Settings(NamedTuple):
    """Movement rules read by the kernel (see ``DEFAULT_PARAMS`` in :mod:`roxham.sim.engine`),
    and how it walks the agents (a speed choice only: results are the same either way)."""

    strict_arrival: bool
    redecide: int
    #: a day walks every agent of the window directly (a *dense day*) when at least this
    #: share of them is active, and the list of active agents otherwise (0: always dense;
    #: above 1: never)
    dense_from: float = 0.75


@njit(cache=True, inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """splitmix64's output function."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def day_key(key: np.uint64, day: int) -> np.uint64:
    """The key of one day of one replicate."""
    return mix64(key + np.uint64(day + 1) * _GOLDEN)


@njit(cache=True, inline="always")
def uniform(kd: np.uint64, i: int, j: int) -> float:
    """Uniform [0, 1) number ``j`` of counter ``i`` under day key ``kd``."""
    z = mix64(kd + (np.uint64(i) * _SIXTEEN + np.uint64(j)) * _GOLDEN)
    return float(z >> _S11) * _TO_UNIT


@njit(cache=True)
def uniforms(key: np.uint64, day: int, n: int, j: int) -> np.ndarray:
    """``n`` uniforms of counters ``0..n-1``, slot ``j`` (for tests of the generator)."""
    kd = day_key(key, day)
    out = np.empty(n)
    for i in range(n):
        out[i] = uniform(kd, i, j)
    return out


@njit(cache=True, inline="always")
def _claim(  # type: ignore[no-untyped-def]
    i, lc, day, kd, came_from, route_start,
    loc, link, route, ticket, queue, state, attempts, t_claim, profile, cohort,
    loc_place, loc_queue, loc_return, law_codes, referred, give_up, max_attempts,
    q_issued, q_arrivals, q_wait_loc,
    loc_count, state_count, rec, rec_code,
):  # fmt: skip
    """Agent ``i`` claims at location ``lc``; it has left its link (counts not yet placed).
    Returns the outcome code."""
    t_claim[i] = day
    rec[S_CLAIMS, lc] += 1
    place = loc_place[lc]
    code = 0
    if place >= 0:
        code = law_codes[place, profile[i]]
    rec_code[code, lc] += 1
    route[i] = -1
    link[i] = -1
    if referred[code]:
        rec[S_REFERRED, lc] += 1
        q = loc_queue[lc]
        if q >= 0:
            w = q_wait_loc[q]
            if w >= 0:
                lc = w
            ticket[i] = q_issued[q]
            q_issued[q] += 1
            q_arrivals[q, day] += 1
            queue[i] = q
            state[i] = QUEUED
            state_count[QUEUED] += 1
        else:
            state[i] = CLAIMANT
            state_count[CLAIMANT] += 1
        loc[i] = lc
        loc_count[lc] += 1
        return code
    # returned
    rec[S_RETURNED, lc] += 1
    if attempts[i] < 127:
        attempts[i] += 1
    dest = loc_return[lc]
    if dest == RETURN_ROUTE_START:
        dest = route_start
    elif dest < 0:
        dest = came_from
    if attempts[i] > max_attempts[cohort[i]] or uniform(kd, i, J_GIVE_UP) < give_up[cohort[i]]:
        rec[S_GAVE_UP, dest] += 1
        loc[i] = dest
        state[i] = EXITED
        state_count[EXITED] += 1
        return code
    loc[i] = dest
    state[i] = DECIDING
    state_count[DECIDING] += 1
    loc_count[dest] += 1
    return code


@njit(cache=True)
def advance_window(state, lo, n):  # type: ignore[no-untyped-def]
    """The first index ``>= lo`` below ``n`` whose agent is not in a terminal state."""
    while lo < n and state[lo] >= CLAIMANT:
        lo += 1
    return lo


@njit(cache=True)
def _step_window(  # type: ignore[no-untyped-def]
    day, key,
    # the fields of step_day's named tuples, in their order (see step_day for why flat)
    # agents
    loc, link, pos, route, group, profile, ticket, queue, cohort, born, t_cross, t_claim,
    hop, state, attempts, n_alive,
    # spawning
    spawn_expected, stream_cohort, stream_loc, cohort_gptr, group_cdf, group_profile,
    # network and options
    opt_ptr, path_ptr, path_links, link_src, link_dst, link_len, link_speed,
    link_open, loc_open, loc_action, loc_place, loc_queue, loc_return, loc_border,
    p_intercept, choice_cum,
    # law, cohorts
    law_codes, referred, give_up, max_attempts, after_return,
    # queues
    q_capacity, q_credit, q_issued, q_served, q_next, q_then_loc, q_then_state, q_wait_loc,
    q_arrivals, q_head_day, q_head_taken,
    # counters and records
    loc_count, link_count, state_count, rec, link_entered, q_served_today, q_wait_today,
    rec_code,
    # settings
    strict_arrival, redecide_mode, dense_from, base,
    # the agents not in a terminal state (agent numbers, ascending) and their number (-1:
    # not kept, see below)
    act_idx, act_count,
):  # fmt: skip
    """One day over agent arrays that are views starting at agent ``base``: row ``i`` is
    agent ``base + i`` and draws use counter ``base + i``. Only the agents not in a terminal
    state are visited, in index order (the others would be skipped anyway), either

    - from the list ``act_idx[:act_count[0]]`` (and today's spawns, appended to it), which is
      then pruned of the agents that reached a terminal state; or
    - on a *dense day*, when at least ``dense_from`` of the agents in the views (the active
      window: ``base`` is the watermark) are active, by walking the views directly: the
      indirection through the list costs more than skipping the few finished agents (~20 %
      on ``benchmarks/engine_bench.py``, where all agents stay active). The list is then not
      kept (``act_count[0] = -1``) and is rebuilt from the agents' states on the next day
      that uses it. (Views rather than whole arrays and an offset: measurably faster too.)

    Both walks visit the same agents in the same order, so the results are the same. Returns
    the new number of agents in the views."""
    kd = day_key(key, day)
    # uniform(ka, i, j) == uniform(kd, base + i, j): the window does not change any draw
    ka = kd + np.uint64(base) * _SIXTEEN * _GOLDEN
    # ---------------------------------------------------------------- spawn
    na = n_alive
    for s in range(spawn_expected.shape[0]):
        x = spawn_expected[s]
        if x <= 0.0:
            continue
        n_new = int(np.floor(x))
        frac = x - n_new
        if frac > 0.0 and uniform(kd, (1 << 40) + s, J_GROUP) < frac:
            n_new += 1
        c = stream_cohort[s]
        lo = cohort_gptr[c]
        hi = cohort_gptr[c + 1]
        l0 = stream_loc[s]
        for _ in range(n_new):
            if na >= loc.shape[0]:
                break  # never write past the arrays (the caller sizes them)
            i = na
            na += 1
            u = uniform(ka, i, J_GROUP)
            g = hi - 1
            for gg in range(lo, hi):
                if u < group_cdf[gg]:
                    g = gg
                    break
            loc[i] = l0
            link[i] = -1
            pos[i] = 0.0
            route[i] = -1
            group[i] = g
            profile[i] = group_profile[g]
            ticket[i] = -1
            queue[i] = -1
            cohort[i] = c
            born[i] = day
            t_cross[i] = -1
            t_claim[i] = -1
            hop[i] = 0
            state[i] = DECIDING
            attempts[i] = 0
            state_count[DECIDING] += 1
            loc_count[l0] += 1
            rec[S_SPAWNED, l0] += 1

    # ---------------------------------------------------------------- agents
    # the agents not in a terminal state, in index order: yesterday's plus today's spawns
    n_active = state_count[DECIDING] + state_count[TRAVELLING] + state_count[QUEUED]
    dense = n_active >= dense_from * na
    cnt = 0
    if not dense:
        cnt = act_count[0]
        if cnt < 0:  # not kept on the dense days before: rebuild it
            cnt = 0
            for i in range(n_alive):
                if state[i] < CLAIMANT:
                    act_idx[cnt] = base + i
                    cnt += 1
        for i in range(n_alive, na):
            act_idx[cnt] = base + i
            cnt += 1

    def visit(i):  # type: ignore[no-untyped-def]
        """Agent ``i``'s day (it is not in a terminal state)."""
        st = state[i]
        if st == QUEUED:
            q = queue[i]
            if ticket[i] >= q_served[q]:
                return
            nq = q_next[q]
            state_count[QUEUED] -= 1
            if nq >= 0:
                w = q_wait_loc[nq]
                if w >= 0 and w != loc[i]:
                    loc_count[loc[i]] -= 1
                    loc[i] = w
                    loc_count[w] += 1
                ticket[i] = q_issued[nq]
                q_issued[nq] += 1
                q_arrivals[nq, day] += 1
                queue[i] = nq
                state_count[QUEUED] += 1
                return
            dest = q_then_loc[q]
            if dest >= 0 and dest != loc[i]:
                loc_count[loc[i]] -= 1
                loc[i] = dest
                loc_count[dest] += 1
            queue[i] = -1
            ticket[i] = -1
            ns = q_then_state[q]
            state[i] = ns
            state_count[ns] += 1
            return

        time_left = 1.0
        n_dec = 0
        hops = 0
        while True:
            if state[i] == DECIDING:
                # -------------------------------------------------- choice
                lc = loc[i]
                o0 = opt_ptr[lc]
                o1 = opt_ptr[lc + 1]
                if o1 == o0:
                    break
                u = uniform(ka, i, J_CHOICE if n_dec == 0 else J_REDECIDE + min(n_dec, 11) - 1)
                n_dec += 1
                g = group[i]
                chosen = -1
                for o in range(o0, o1):
                    if u < choice_cum[g, o]:
                        chosen = o
                        break
                if chosen < 0:
                    break
                k = path_links[path_ptr[chosen]]
                if not link_open[k] or not loc_open[link_dst[k]]:
                    break  # the table should not offer it; never cross a closed link
                route[i] = chosen
                hop[i] = 0
                link[i] = k
                pos[i] = 0.0
                state[i] = TRAVELLING
                state_count[DECIDING] -= 1
                state_count[TRAVELLING] += 1
                loc_count[lc] -= 1
                link_count[k] += 1
                link_entered[k] += 1
                rec[S_DEPARTURES, lc] += 1
            if state[i] != TRAVELLING:
                break
            # ------------------------------------------------------ travel
            k = link[i]
            v = link_speed[k]
            remaining = link_len[k] - pos[i]
            reach = time_left * v
            arrive = reach > remaining if strict_arrival else reach >= remaining
            if not arrive:
                pos[i] = pos[i] + reach
                break
            time_left -= remaining / v if v > 0 else time_left
            if time_left < 0.0:
                time_left = 0.0
            hops += 1
            src = link_src[k]
            lc = link_dst[k]
            link_count[k] -= 1
            state_count[TRAVELLING] -= 1
            if not link_open[k] or not loc_open[lc]:
                # bounced back to the start of the link
                rec[S_BOUNCED, lc] += 1
                loc[i] = src
                link[i] = -1
                route[i] = -1
                pos[i] = 0.0
                state[i] = DECIDING
                state_count[DECIDING] += 1
                loc_count[src] += 1
                break
            rec[S_ARRIVALS, lc] += 1
            act = loc_action[lc]
            if loc_border[lc]:
                t_cross[i] = day
            if act == ACT_CROSSING:
                rec[S_CROSSINGS, lc] += 1
                if uniform(ka, i, J_CROSS) < p_intercept[lc]:
                    rec[S_INTERCEPTED, lc] += 1
                    act = ACT_CLAIM
                else:
                    rec[S_EVADED, lc] += 1
                    act = ACT_NONE
            if act == ACT_CLAIM:
                r0 = route[i]
                r_start = link_src[path_links[path_ptr[r0]]] if r0 >= 0 else src
                code = _claim(
                    i, lc, day, ka, src, r_start,
                    loc, link, route, ticket, queue, state, attempts, t_claim, profile, cohort,
                    loc_place, loc_queue, loc_return, law_codes, referred, give_up, max_attempts,
                    q_issued, q_arrivals, q_wait_loc,
                    loc_count, state_count, rec, rec_code,
                )  # fmt: skip
                if not referred[code]:  # the law remembers the claim (e.g. 101(1)(c))
                    profile[i] = after_return[code, profile[i]]
                break
            if act == ACT_ABSORB:
                rec[S_SETTLED, lc] += 1
                loc[i] = lc
                link[i] = -1
                route[i] = -1
                state[i] = SETTLED
                state_count[SETTLED] += 1
                loc_count[lc] += 1
                break
            # go on along the route, or stop here and decide
            r = route[i]
            h = hop[i] + 1
            loc[i] = lc
            if path_ptr[r] + h < path_ptr[r + 1]:
                k2 = path_links[path_ptr[r] + h]
                if link_open[k2] and loc_open[link_dst[k2]] and hops < MAX_HOPS_PER_DAY:
                    hop[i] = h
                    link[i] = k2
                    pos[i] = 0.0
                    state_count[TRAVELLING] += 1
                    link_count[k2] += 1
                    link_entered[k2] += 1
                    rec[S_DEPARTURES, lc] += 1
                    if time_left <= 0.0:
                        break
                    continue
            link[i] = -1
            route[i] = -1
            pos[i] = 0.0
            state[i] = DECIDING
            state_count[DECIDING] += 1
            loc_count[lc] += 1
            if redecide_mode == 0 or hops >= MAX_HOPS_PER_DAY:
                break
            if redecide_mode == 1:
                if time_left <= 0.0:
                    break
            else:
                if time_left <= 0.0:
                    break
                time_left = 1.0  # Flee 3.1: a new link is credited a full day's move
            # loop: decide again today
        return

    if dense:
        for i in range(na):
            if state[i] < CLAIMANT:
                visit(i)
    else:
        for t in range(cnt):
            i = act_idx[t] - base
            if state[i] < CLAIMANT:
                visit(i)

    # keep the agents still not in a terminal state (in order) for tomorrow
    if dense:
        act_count[0] = -1
    else:
        w = 0
        for t in range(cnt):
            i = act_idx[t]
            if state[i - base] < CLAIMANT:
                act_idx[w] = i
                w += 1
        act_count[0] = w

    # ---------------------------------------------------------------- queues
    for q in range(q_capacity.shape[0]):
        waiting = q_issued[q] - q_served[q]
        cap = q_capacity[q]
        if np.isinf(cap):
            budget = waiting
        else:
            q_credit[q] += cap
            b = int(np.floor(q_credit[q] + 1e-9))
            q_credit[q] -= b
            if q_credit[q] < 0.0:
                q_credit[q] = 0.0
            budget = min(b, waiting)
        served = 0
        wait_sum = 0
        while budget > 0 and q_head_day[q] <= day:
            hd = q_head_day[q]
            avail = q_arrivals[q, hd] - q_head_taken[q]
            if avail <= 0:
                q_head_day[q] = hd + 1
                q_head_taken[q] = 0
                continue
            take = min(avail, budget)
            served += take
            wait_sum += take * (day - hd)
            budget -= take
            q_head_taken[q] += take
        q_served[q] += served
        q_served_today[q] = served
        q_wait_today[q] = wait_sum
    return na


@njit(cache=True)
def step_day(  # type: ignore[no-untyped-def]
    day, key, agents, n_alive, spawn_today, spawn, net, law, queues, records, settings, window
):
    """Advance one day. Returns the new number of agents. See the module docstring.

    ``agents`` (:class:`AgentArrays`) are whole; ``n_alive`` of them exist. ``spawn_today``
    is today's expected count per spawn stream. ``spawn``, ``net``, ``law``, ``queues``,
    ``records`` and ``settings`` are the run's :class:`SpawnArrays`, :class:`NetworkArrays`,
    :class:`LawTable`, :class:`QueueArrays`, :class:`Records` and :class:`Settings` (a caller
    builds them once and again only when one of their arrays is replaced: per-day Python work
    is most of the cost of a run with few agents). ``window`` (int64, capacity + 2) holds the
    active set from one day to the next: ``window[0]`` the watermark (moved up here,
    :func:`advance_window`), ``window[1]`` the number of active agents and
    ``window[2:2 + window[1]]`` their agent numbers in order, or −1 after a dense day, which
    does not keep them (:func:`_step_window`); a new run passes zeros.

    The loop itself (:func:`_step_window`) takes the arrays one by one: Numba compiles that
    3–5% faster than the same loop reading the arrays out of the named tuples (measured with
    ``benchmarks/engine_bench.py``), so the unpacking is done once here.
    """
    a, sp, nt, qs, r = agents, spawn, net, queues, records
    lo = advance_window(a.state, window[0], n_alive)
    window[0] = lo
    return lo + _step_window(
        day, key,
        a.loc[lo:], a.link[lo:], a.pos[lo:], a.route[lo:], a.group[lo:], a.profile[lo:],
        a.ticket[lo:], a.queue[lo:], a.cohort[lo:], a.born[lo:], a.t_cross[lo:], a.t_claim[lo:],
        a.hop[lo:], a.state[lo:], a.attempts[lo:], n_alive - lo,
        spawn_today, sp.stream_cohort, sp.stream_loc, sp.cohort_gptr, sp.group_cdf,
        sp.group_profile,
        nt.opt_ptr, nt.path_ptr, nt.path_links, nt.link_src, nt.link_dst, nt.link_len,
        nt.link_speed, nt.link_open, nt.loc_open, nt.loc_action, nt.loc_place, nt.loc_queue,
        nt.loc_return, nt.loc_border, nt.p_intercept, nt.choice_cum,
        law.codes[day + law.lag_max], law.referred, law.give_up, law.max_attempts,
        law.after_return,
        qs.capacity, qs.credit, qs.issued, qs.served, qs.next, qs.then_loc, qs.then_state,
        qs.wait_loc, qs.arrivals, qs.head_day, qs.head_taken,
        r.loc_count, r.link_count, r.state_count, r.series[day], r.link_entered[day],
        r.q_served[day], r.q_wait[day], r.codes[day],
        settings.strict_arrival, settings.redecide, settings.dense_from, lo,
        window[2:], window[1:2],
    )  # fmt: skip


@njit(cache=True)
def step_days(  # type: ignore[no-untyped-def]
    days, key, agents, n_alive, spawn_by_day, spawn, net, law, queues, records, daily, settings
):
    """Advance the days ``days[0] .. days[1] − 1`` (:func:`step_day` on each, with the
    expected spawns of row ``d`` of ``spawn_by_day`` [day, stream]) and copy the counters
    into ``daily`` (:class:`DayRecords`) at the end of each day. Returns the new number of
    agents.

    The same days run one :func:`step_day` call at a time give the same result: this only
    saves the per-call cost of handing the arrays over (about 30 µs a day), for the stretches
    of days on which nothing the kernel reads changes from Python (no event, the same choice
    table; the engine decides, :meth:`roxham.sim.engine.Simulation.run`)."""
    na = n_alive
    for d in range(days[0], days[1]):
        na = step_day(
            d, key, agents, na, spawn_by_day[d], spawn, net, law, queues, records, settings,
            daily.window,
        )  # fmt: skip
        daily.population[d, :] = records.loc_count
        daily.on_link[d, :] = records.link_count
        daily.states[d, :] = records.state_count
        for q in range(queues.issued.shape[0]):
            daily.queue_length[d, q] = queues.issued[q] - queues.served[q]
        daily.n_alive[d] = na
        daily.n_window[d] = na - daily.window[0]
    return na
