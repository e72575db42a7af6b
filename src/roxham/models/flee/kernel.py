"""Flee 3.1's daily movement rules as Numba kernels over agent and location arrays.

This is not the engine's kernel (:mod:`roxham.sim.kernel`): what the two share is the agent
arrays and :class:`roxham.sim.agents.AgentState` (Flee uses three of its states), and the model
builds its graph and paths with :class:`roxham.sim.network.Network` and ``Options``; the daily
step, the random numbers, spawning and placement are Flee's own, below.

No Python object per agent: agents are the columns of :class:`roxham.sim.agents.Agents`
(``loc``, ``link``, ``pos``, ``route``, ``hop``, ``state``, ``born``) plus two columns of this
model (``arrived``: the agent has finished at least one link, for ``start_on_foot``;
``recent``: Flee's ``recent_travel_distance``, for ``avoid_short_stints``).

One day (docs/flee/ALGORITHM.md §2, after conflicts, spawning and closures have been applied):

1. **decision pass** — every agent at a location, in agent order: leave with the location's
   move chance (§3); without a route, choose one of the open paths of 1..awareness hops with
   probability ∝ ``((weight_softening + S(X)) / (softening + km)**distance_power · C(X))
   **weight_power`` (§4.1, C = capacity multiplier §4.2, with the counts as they are at that
   moment); drop the route if its final destination is a camp with C < 0.5 or its next link is
   closed; otherwise step onto the next link.
2. **travel pass** — every agent on a link, in agent order: advance ``v`` km (link speed, or
   ``max_move_speed``; walking speed on the first link with ``start_on_foot`` or with the
   link's ``walk_probability``); past the end (strictly) it arrives (back at the start if the
   link was closed meanwhile); if the distance moved today is still below ``v`` it decides
   again at once and, if it leaves, travels a full ``v`` on the next link (§4.3).
3. bookkeeping (``recent``) and, with ``camps_are_sinks``, deactivation at camps (§9).

Random numbers come from a xoshiro256+ generator whose 4-word state is an array owned by the
caller (:func:`new_rng`); a run is a fixed sequence of kernel calls, so a seed fixes the result
exactly, whatever else runs in the process. Move-chance trials use per-location geometric skips
(:func:`bernoulli_at`), so agents that stay put (most of them, in camps) cost no draw.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from roxham.sim.agents import AgentState

# agent states: Flee's three, as values of the engine's one AgentState enum
AT_LOCATION = int(AgentState.DECIDING)
TRAVELLING = int(AgentState.TRAVELLING)
GONE = int(AgentState.EXITED)

# indices into the float64 parameter vector ``prm``
P_MAX_SPEED = 0
P_WALK_SPEED = 1
P_START_ON_FOOT = 2
P_AVOID_SHORT = 3
P_SOFTENING = 4
P_WEIGHT_SOFTENING = 5
P_DISTANCE_POWER = 6
P_WEIGHT_POWER = 7
P_CAP_BUFFER = 8
P_MC_POP_BASE = 9
P_MC_POP_SCALE = 10
P_SINKS = 11
N_PARAMS = 12

#: move chances below this use per-location geometric skips (camps: 0.001); above, one draw
SKIP_BELOW = 0.05


_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U45 = np.uint64(45)
_U19 = np.uint64(19)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


def new_rng(seed: int) -> np.ndarray:
    """State of the kernels' generator (xoshiro256+, 4 × uint64) from a seed.

    >>> new_rng(1).dtype, new_rng(1).shape
    (dtype('uint64'), (4,))
    """
    st = np.random.SeedSequence(int(seed)).generate_state(4, dtype=np.uint64)
    if not st.any():  # pragma: no cover - probability 2**-256
        st[0] = 1
    return st


@njit(cache=True, inline="always")
def rand(s: np.ndarray) -> float:
    """Uniform in [0, 1) from the xoshiro256+ state ``s`` (advanced in place)."""
    result = s[0] + s[3]
    t = s[1] << _U17
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = (s[3] << _U45) | (s[3] >> _U19)
    return float(np.int64(result >> _U11)) * _INV53


@njit(cache=True, inline="always")
def _next(s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64) -> tuple:
    """xoshiro256+ on scalars: (uniform in [0, 1), new s0, s1, s2, s3)."""
    result = s0 + s3
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << _U45) | (s3 >> _U19)
    return float(np.int64(result >> _U11)) * _INV53, s0, s1, s2, s3


@njit(cache=True, inline="always")
def geometric(s: np.ndarray, p: float) -> int:
    """Failures before the first success of Bernoulli(p) trials, 0 < p < 1."""
    u = 1.0 - rand(s)  # (0, 1]
    return int(min(np.floor(np.log(u) / np.log1p(-p)), 4e18))


@njit(cache=True, inline="always")
def bernoulli_at(loc: int, p: float, skip: np.ndarray, skip_p: np.ndarray, rng: np.ndarray) -> bool:
    """One Bernoulli(p) trial of an agent at ``loc``.

    Trials at a location form one i.i.d. sequence whatever agent takes each, so instead of a
    uniform draw per trial we keep, per location, the number of failures before its next
    success (a geometric draw, redrawn when ``p`` changes): idle agents cost no random draw.
    """
    if p >= 1.0:
        return True
    if p <= 0.0:
        return False
    if skip_p[loc] != p:
        skip_p[loc] = p
        skip[loc] = geometric(rng, p)
    if skip[loc] > 0:
        skip[loc] -= 1
        return False
    skip[loc] = geometric(rng, p)
    return True


@njit(cache=True, inline="always")
def cap_multiplier(n_here: float, cap: float, buffer: float) -> float:
    """Flee's capacity multiplier (§4.2): 1 below ``buffer·cap``, 0 at/above ``cap``, linear
    in between; 1 when ``cap < 1`` (unlimited)."""
    if cap < 1.0:
        return 1.0
    if n_here <= buffer * cap:
        return 1.0
    if n_here >= cap:
        return 0.0
    return 1.0 - (n_here - buffer * cap) / (cap * (1.0 - buffer))


@njit(cache=True)
def option_base_weights(
    opt_dest: np.ndarray,
    opt_km: np.ndarray,
    score: np.ndarray,
    prm: np.ndarray,
    out: np.ndarray,
) -> None:
    """``(weight_softening + S(dest)) / (softening + km)**distance_power`` per option."""
    ws = prm[P_WEIGHT_SOFTENING]
    soft = prm[P_SOFTENING]
    dp = prm[P_DISTANCE_POWER]
    for o in range(opt_dest.shape[0]):
        out[o] = (ws + score[opt_dest[o]]) / (soft + opt_km[o]) ** dp


@njit(cache=True)
def evolve_day(
    n_alive: int,
    a_loc: np.ndarray,
    a_link: np.ndarray,
    a_pos: np.ndarray,
    a_route: np.ndarray,
    a_hop: np.ndarray,
    a_state: np.ndarray,
    a_arrived: np.ndarray,
    a_recent: np.ndarray,
    movechance: np.ndarray,
    town: np.ndarray,
    is_camp: np.ndarray,
    capacity: np.ndarray,
    pop: np.ndarray,
    num_agents: np.ndarray,
    deact_prob: np.ndarray,
    link_src: np.ndarray,
    link_dst: np.ndarray,
    link_km: np.ndarray,
    link_speed: np.ndarray,
    link_walk: np.ndarray,
    link_open: np.ndarray,
    opt_ptr: np.ndarray,
    opt_dest: np.ndarray,
    opt_open: np.ndarray,
    base_w: np.ndarray,
    path_ptr: np.ndarray,
    path_links: np.ndarray,
    prm: np.ndarray,
    rng: np.ndarray,
    skip: np.ndarray,
    skip_p: np.ndarray,
    skip_lq: np.ndarray,
) -> int:
    """One day's decision pass (phase 0), travel pass (phase 1) and bookkeeping; returns the
    number of link entries made today.

    The decision and travel code is written once, inside the agent loop (helpers that take
    arrays would cost reference counting per agent): phase 0 runs "decide" for agents at a
    location and stops once they are on a link; phase 1 runs "travel" for agents on a link and,
    after an arrival with distance to spare, "decide" and "travel" again (Flee's evolve-more).
    """
    n_loc = opt_ptr.shape[0] - 1
    max_deg = 1
    for loc in range(n_loc):
        max_deg = max(max_deg, opt_ptr[loc + 1] - opt_ptr[loc])
    buf = np.empty(max_deg, dtype=np.float64)
    vmax = prm[P_MAX_SPEED]
    walk = prm[P_WALK_SPEED]
    on_foot = prm[P_START_ON_FOOT] != 0.0
    avoid_short = prm[P_AVOID_SHORT] != 0.0
    mc_scale = prm[P_MC_POP_SCALE]
    mc_base = prm[P_MC_POP_BASE]
    wp = prm[P_WEIGHT_POWER]
    cap_buf = prm[P_CAP_BUFFER]
    # the generator's state lives in locals during the day (no array traffic per draw)
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]
    moves = 0
    for phase in range(2):
        for i in range(n_alive):
            st = a_state[i]
            moved = 0.0
            v = vmax
            force = False
            if phase == 0:
                if st != AT_LOCATION:
                    continue
                decide = True
            else:
                if st != TRAVELLING:
                    if avoid_short and st == AT_LOCATION:
                        a_recent[i] = a_recent[i] / 2.0
                    continue
                decide = False
            while True:
                if decide:
                    # ---- Flee's Person.evolve: move-chance trial (§3)
                    loc = a_loc[i]
                    if force and town[loc]:
                        p = 1.0
                    else:
                        p = movechance[loc]
                        if mc_scale != 0.0:
                            p *= (max(pop[loc], capacity[loc]) / mc_base) ** mc_scale
                    if p >= 1.0:
                        go = True
                    elif p <= 0.0:
                        go = False
                    elif p >= SKIP_BELOW:  # a plain uniform draw is cheaper than a log
                        u, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                        go = u < p
                    else:  # small p: per-location geometric skips, see bernoulli_at
                        if skip_p[loc] != p:  # new p: restart the skip count
                            skip_p[loc] = p
                            skip_lq[loc] = np.log1p(-p)
                            u, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                            skip[loc] = int(min(np.floor(np.log(1.0 - u) / skip_lq[loc]), 4e18))
                        if skip[loc] > 0:
                            skip[loc] -= 1
                            go = False
                        else:
                            u, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                            skip[loc] = int(min(np.floor(np.log(1.0 - u) / skip_lq[loc]), 4e18))
                            go = True
                    if not go:
                        break
                    # ---- route choice (§4.1) if the agent has no route
                    o = a_route[i]
                    if o < 0:
                        a = opt_ptr[loc]
                        b = opt_ptr[loc + 1]
                        total = 0.0
                        n_open = 0
                        for q in range(a, b):
                            if not opt_open[q]:
                                buf[q - a] = 0.0
                                continue
                            n_open += 1
                            d = opt_dest[q]
                            w = base_w[q] * cap_multiplier(
                                float(num_agents[d]), capacity[d], cap_buf
                            )
                            if wp != 1.0:
                                w = w**wp
                            buf[q - a] = w
                            total += w
                        if n_open == 0:
                            break
                        if total > 0.0:
                            u, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                            r = u * total
                            acc = 0.0
                            for q in range(a, b):
                                w = buf[q - a]
                                if w > 0.0:
                                    acc += w
                                    o = q
                                    if r < acc:
                                        break
                        else:  # all weights zero: uniform over the open options
                            u, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                            kk = int(u * n_open)
                            for q in range(a, b):
                                if opt_open[q]:
                                    o = q
                                    if kk == 0:
                                        break
                                    kk -= 1
                        a_route[i] = o
                        a_hop[i] = 0
                    # ---- take the next step: full final camp or closed link drop the route
                    d = opt_dest[o]
                    if (
                        is_camp[d]
                        and cap_multiplier(float(num_agents[d]), capacity[d], cap_buf) < 0.5
                    ):
                        a_route[i] = -1
                        break
                    k = path_links[path_ptr[o] + a_hop[i]]
                    if not link_open[k]:
                        a_route[i] = -1
                        break
                    num_agents[loc] -= 1
                    a_link[i] = k
                    a_pos[i] = 0.0
                    a_state[i] = TRAVELLING
                    a_hop[i] += 1
                    if path_ptr[o] + a_hop[i] >= path_ptr[o + 1]:
                        a_route[i] = -1  # last hop taken (Flee pops the route as it goes)
                    moves += 1
                    if phase == 0:
                        break  # the travel pass moves it
                # ---- Flee's Person.finish_travel (§4.3)
                k = a_link[i]
                v = link_speed[k] if link_speed[k] > 0.0 else vmax
                if on_foot and a_arrived[i] == 0:
                    v = walk
                if link_walk[k] > 0.0:
                    u, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                    if u < link_walk[k]:
                        v = walk
                a_pos[i] += v
                moved += v
                if not (a_pos[i] > link_km[k]):
                    break  # still on the link tomorrow
                moved -= a_pos[i] - link_km[k]
                a_arrived[i] = 1
                a_state[i] = AT_LOCATION
                a_link[i] = -1
                a_pos[i] = 0.0
                if not link_open[k]:
                    # the link closed while the agent was on it: back to its start
                    a_loc[i] = link_src[k]
                    num_agents[link_src[k]] += 1
                    a_route[i] = -1
                    break
                a_loc[i] = link_dst[k]
                num_agents[link_dst[k]] += 1
                if not (moved < v):
                    break
                decide = True  # evolve more, at the new location
                if avoid_short:
                    force = (a_recent[i] + moved / vmax) / 2.0 < 0.5
            if phase == 1 and avoid_short:
                a_recent[i] = (a_recent[i] + moved / vmax) / 2.0
    # camps as sinks (§9)
    if prm[P_SINKS] != 0.0:
        for i in range(n_alive):
            if a_state[i] == AT_LOCATION:
                loc = a_loc[i]
                if is_camp[loc] and deact_prob[loc] > 0.0:
                    u, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                    if u < deact_prob[loc]:
                        a_state[i] = GONE
                        num_agents[loc] -= 1
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3
    return moves


@njit(cache=True)
def spawn_weighted(
    n_new: int,
    n_alive: int,
    day: int,
    weights: np.ndarray,
    take_from_pop: bool,
    conflict: np.ndarray,
    pop: np.ndarray,
    num_agents: np.ndarray,
    a_loc: np.ndarray,
    a_link: np.ndarray,
    a_pos: np.ndarray,
    a_route: np.ndarray,
    a_hop: np.ndarray,
    a_state: np.ndarray,
    a_born: np.ndarray,
    rng: np.ndarray,
) -> int:
    """Add ``n_new`` agents at locations drawn ∝ ``weights`` (fixed for the call, as Flee's
    daily weights); returns the new ``n_alive``."""
    n = weights.shape[0]
    cum = np.empty(n, dtype=np.float64)
    acc = 0.0
    for j in range(n):
        acc += weights[j]
        cum[j] = acc
    for _ in range(n_new):
        r = rand(rng) * acc
        lo = 0
        hi = n - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] > r:
                hi = mid
            else:
                lo = mid + 1
        _place(n_alive, lo, day, num_agents, a_loc, a_link, a_pos, a_route, a_hop, a_state, a_born)
        if take_from_pop and conflict[lo] > 0.0 and pop[lo] > 0.0:
            pop[lo] -= 1.0
        n_alive += 1
    return n_alive


@njit(cache=True)
def spawn_at(
    counts: np.ndarray,
    n_alive: int,
    day: int,
    num_agents: np.ndarray,
    a_loc: np.ndarray,
    a_link: np.ndarray,
    a_pos: np.ndarray,
    a_route: np.ndarray,
    a_hop: np.ndarray,
    a_state: np.ndarray,
    a_born: np.ndarray,
) -> int:
    """Add ``counts[l]`` agents at each location ``l``; returns the new ``n_alive``."""
    for loc in range(counts.shape[0]):
        for _ in range(counts[loc]):
            _place(
                n_alive, loc, day, num_agents, a_loc, a_link, a_pos, a_route, a_hop, a_state, a_born
            )
            n_alive += 1
    return n_alive


@njit(cache=True)
def _place(
    i: int,
    loc: int,
    day: int,
    num_agents: np.ndarray,
    a_loc: np.ndarray,
    a_link: np.ndarray,
    a_pos: np.ndarray,
    a_route: np.ndarray,
    a_hop: np.ndarray,
    a_state: np.ndarray,
    a_born: np.ndarray,
) -> None:
    a_loc[i] = loc
    a_link[i] = -1
    a_pos[i] = 0.0
    a_route[i] = -1
    a_hop[i] = 0
    a_state[i] = AT_LOCATION
    a_born[i] = day
    num_agents[loc] += 1
