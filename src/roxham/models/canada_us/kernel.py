"""The model's compiled daily kernel (Numba): agents as arrays, one pass per day.

A day, in order:

1. **spawn**: each stream adds ``Poisson(rate[d, s])`` agents with a fact profile drawn from
   the stream's distribution. Land agents **choose** at once (multinomial logit over the open
   crossing options and staying in the US); air and inland agents **claim** at once.
2. **active agents** whose event falls today:

   - a traveller reaching a crossing that is physically closed is turned away and chooses
     again (knowing it is closed); at a land port it claims on arrival; at a between-ports
     crossing it is intercepted by the RCMP with probability ``p_intercept`` (then claims on
     arrival) or goes unseen and claims at an inland office after a wait (``hide`` options wait
     past the protocol window);
   - the law table decides each claim: referred (counted by office type, enters the IRB
     inventory), returned under the STCA, directed back (COVID order), or ineligible on
     another ground. Returned people choose again with probability ``retry`` (knowing the law
     of the day), once or twice, else give up.

Choice utility of option *k* for profile *p* from origin *o* on day *d*::

    asc[k] + beta_success · P(referred | p, k, law of day d − lag) + beta_km · km[o, k] / 100
           + nyc_ticket_utility[d]  (routes via Plattsburgh, New York origin only)
           + beta_wait_per_week · hide_wait / 7  (hide options only)

where P(referred) combines interception and the law: at a land port the law at
``land_poe``; between ports ``p_int · ref(between_ports) + (1 − p_int) · ref(inland after
crossing)``. Staying in the US has utility ``asc_stay``. Physical closures are perceived with
the same lag.

Randomness: ``np.random`` inside Numba, seeded once per replicate; single-threaded, so a seed
gives exactly the same result on any machine count.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["SERIES", "STATE_NAMES", "run_kernel"]

# agent states
TRAVEL = 1
HIDDEN = 2
STAYED = 3
REFERRED = 4
RETURNED = 5
DIRECTED = 6
OTHER = 7
STATE_NAMES = ("unused", "travelling", "hidden", "stayed_us", "referred", "returned_stca",
               "directed_back", "ineligible_other")

# law places (order of the outcome table's place axis)
L_LAND = 0
L_BETWEEN = 1
L_IN_EARLY = 2
L_IN_LATE = 3
L_AIRPORT = 4
L_INLAND = 5
LAW_PLACE_ORDER = ("land_poe", "between_ports", "between_inland_early", "between_inland_late",
                   "airport", "inland")

# daily series (columns of ``out``)
SERIES = (
    "spawned_land", "spawned_air", "spawned_inland", "decided_stay",
    "crossings_QC", "crossings_MB", "crossings_BC", "crossings_ON", "crossings_other",
    "intercepted_QC", "intercepted_MB", "intercepted_BC", "intercepted_ON", "intercepted_other",
    "claims_airport", "claims_land_poe", "claims_inland", "claims_rcmp",
    "stca_returns", "directed_back", "ineligible_other", "turned_away", "gave_up",
    "referred", "poe_arrivals", "hidden_claims",
)
_S = {n: i for i, n in enumerate(SERIES)}
S_SP_LAND, S_SP_AIR, S_SP_INLAND, S_STAY = 0, 1, 2, 3
S_CROSS0, S_INT0 = 4, 9
S_C_AIR, S_C_POE, S_C_INLAND, S_C_RCMP = 14, 15, 16, 17
S_RET, S_DIR, S_OTH, S_TURN, S_GAVE, S_REF, S_POE, S_HIDC = 18, 19, 20, 21, 22, 23, 24, 25
N_SERIES = len(SERIES)

KIND_REFERRED = 0
KIND_STCA_RETURN = 1
KIND_DIRECTED_BACK = 2


@njit(cache=True)
def _choose(  # type: ignore[no-untyped-def]
            o, p, d, lag, lag_max, exclude, know_now, codes, code_kind, opt_is_poe,
            opt_is_hide, opt_asc, opt_via_hub, km, is_open, nyc_u, nyc_origin, beta_success,
            beta_km, asc_stay, p_int_irr, p_int_hide, hide_cost, util):  # pragma: no cover
    n_opt = opt_asc.shape[0]
    dl = d if know_now else d - lag
    row = dl + lag_max
    if row < 0:
        row = 0
    od = dl if dl >= 0 else 0
    best = asc_stay
    for k in range(n_opt):
        util[k] = -1e300
        if k == exclude:
            continue
        if not is_open[od, k]:
            continue
        if opt_is_poe[k]:
            s = 1.0 if code_kind[codes[row, L_LAND, p]] == KIND_REFERRED else 0.0
        else:
            pint = p_int_hide if opt_is_hide[k] else p_int_irr
            late = L_IN_LATE if opt_is_hide[k] else L_IN_EARLY
            r1 = 1.0 if code_kind[codes[row, L_BETWEEN, p]] == KIND_REFERRED else 0.0
            r2 = 1.0 if code_kind[codes[row, late, p]] == KIND_REFERRED else 0.0
            s = pint * r1 + (1.0 - pint) * r2
        u = opt_asc[k] + beta_success * s + beta_km * km[o, k] / 100.0
        if opt_is_hide[k]:
            u += hide_cost
        if o == nyc_origin and opt_via_hub[k]:
            u += nyc_u[d]
        util[k] = u
        if u > best:
            best = u
    tot = np.exp(asc_stay - best)
    for k in range(n_opt):
        if util[k] > -1e299:
            util[k] = np.exp(util[k] - best)
            tot += util[k]
        else:
            util[k] = 0.0
    x = np.random.random() * tot
    acc = np.exp(asc_stay - best)
    if x < acc:
        return -1
    for k in range(n_opt):
        acc += util[k]
        if x < acc and util[k] > 0.0:
            return k
    return -1


@njit(cache=True)
def _kernel(  # type: ignore[no-untyped-def]
            seed, rates, s_kind, s_origin, cdf, codes, code_kind, lag, lag_max,
            opt_is_poe, opt_is_hide, opt_prov, opt_asc, opt_via_hub, travel, km, is_open,
            nyc_u, nyc_origin, beta_success, beta_km, asc_stay, p_int_irr, p_int_hide,
            hide_wait, evade_wait, retry, hide_cost, cap, out, choice_out):  # pragma: no cover
    np.random.seed(seed)
    n_days, n_streams = rates.shape
    n_opt = opt_asc.shape[0]
    prof = np.zeros(cap, np.int32)
    orig = np.zeros(cap, np.int32)
    opt = np.zeros(cap, np.int32)
    state = np.zeros(cap, np.int8)
    t_ev = np.zeros(cap, np.int32)
    tries = np.zeros(cap, np.int8)
    act = np.zeros(cap, np.int64)
    act2 = np.zeros(cap, np.int64)
    util = np.zeros(n_opt, np.float64)
    n = 0
    n_act = 0
    overflow = 0
    agent_steps = 0
    for d in range(n_days):
        row = d + lag_max
        # ---- 1. spawn
        for s in range(n_streams):
            lam = rates[d, s]
            if lam <= 0.0:
                continue
            m = np.random.poisson(lam)
            for _ in range(m):
                if n >= cap:
                    overflow += 1
                    continue
                i = n
                n += 1
                u = np.random.random()
                p = np.searchsorted(cdf[s], u, side="right")
                if p >= cdf.shape[1]:
                    p = cdf.shape[1] - 1
                prof[i] = p
                kind = s_kind[s]
                if kind == 0:
                    out[d, S_SP_LAND] += 1
                    o = s_origin[s]
                    orig[i] = o
                    k = _choose(o, p, d, lag, lag_max, -1, False, codes, code_kind, opt_is_poe,
                                opt_is_hide, opt_asc, opt_via_hub, km, is_open, nyc_u,
                                nyc_origin, beta_success, beta_km, asc_stay, p_int_irr,
                                p_int_hide, hide_cost, util)
                    if k < 0:
                        state[i] = STAYED
                        out[d, S_STAY] += 1
                    else:
                        choice_out[d, k] += 1
                        state[i] = TRAVEL
                        opt[i] = k
                        t_ev[i] = d + travel[o, k]
                        act[n_act] = i
                        n_act += 1
                else:
                    orig[i] = -1
                    place = L_AIRPORT if kind == 1 else L_INLAND
                    out[d, S_SP_AIR if kind == 1 else S_SP_INLAND] += 1
                    ck = code_kind[codes[row, place, p]]
                    if ck == KIND_REFERRED:
                        state[i] = REFERRED
                        out[d, S_REF] += 1
                        out[d, S_C_AIR if kind == 1 else S_C_INLAND] += 1
                    else:
                        state[i] = OTHER
                        out[d, S_OTH] += 1
        # ---- 2. active agents
        n2 = 0
        for j in range(n_act):
            i = act[j]
            agent_steps += 1
            if t_ev[i] != d:
                act2[n2] = i
                n2 += 1
                continue
            p = prof[i]
            k = opt[i]
            o = orig[i]
            ck = -1
            office = -1
            if state[i] == TRAVEL:
                if not is_open[d, k]:
                    out[d, S_TURN] += 1
                    k2 = _choose(o, p, d, lag, lag_max, k, True, codes, code_kind, opt_is_poe,
                                 opt_is_hide, opt_asc, opt_via_hub, km, is_open, nyc_u,
                                 nyc_origin, beta_success, beta_km, asc_stay, p_int_irr,
                                 p_int_hide, hide_cost, util)
                    if k2 < 0:
                        state[i] = STAYED
                        out[d, S_GAVE] += 1
                    else:
                        choice_out[d, k2] += 1
                        opt[i] = k2
                        t_ev[i] = d + travel[o, k2]
                        act2[n2] = i
                        n2 += 1
                    continue
                if opt_is_poe[k]:
                    out[d, S_POE] += 1
                    ck = code_kind[codes[row, L_LAND, p]]
                    office = S_C_POE
                else:
                    out[d, S_CROSS0 + opt_prov[k]] += 1
                    pint = p_int_hide if opt_is_hide[k] else p_int_irr
                    if np.random.random() < pint:
                        out[d, S_INT0 + opt_prov[k]] += 1
                        ck = code_kind[codes[row, L_BETWEEN, p]]
                        office = S_C_RCMP
                    else:
                        state[i] = HIDDEN
                        t_ev[i] = d + (hide_wait if opt_is_hide[k] else evade_wait)
                        act2[n2] = i
                        n2 += 1
                        continue
            elif state[i] == HIDDEN:
                place = L_IN_LATE if opt_is_hide[k] else L_IN_EARLY
                ck = code_kind[codes[row, place, p]]
                office = S_C_INLAND
                out[d, S_HIDC] += 1
            else:
                continue
            # ---- the law decides
            if ck == KIND_REFERRED:
                state[i] = REFERRED
                out[d, S_REF] += 1
                out[d, office] += 1
            elif ck == KIND_STCA_RETURN or ck == KIND_DIRECTED_BACK:
                out[d, S_RET if ck == KIND_STCA_RETURN else S_DIR] += 1
                again = -1
                if tries[i] < 2 and np.random.random() < retry:
                    tries[i] += 1
                    again = _choose(o, p, d, lag, lag_max, k, True, codes, code_kind,
                                    opt_is_poe, opt_is_hide, opt_asc, opt_via_hub, km, is_open,
                                    nyc_u, nyc_origin, beta_success, beta_km, asc_stay,
                                    p_int_irr, p_int_hide, hide_cost, util)
                if again >= 0:
                    choice_out[d, again] += 1
                    state[i] = TRAVEL
                    opt[i] = again
                    t_ev[i] = d + travel[o, again]
                    act2[n2] = i
                    n2 += 1
                else:
                    state[i] = RETURNED if ck == KIND_STCA_RETURN else DIRECTED
                    out[d, S_GAVE] += 1
            else:
                state[i] = OTHER
                out[d, S_OTH] += 1
        act, act2 = act2, act
        n_act = n2
    counts = np.zeros(8, np.int64)
    for i in range(n):
        counts[state[i]] += 1
    return n, overflow, agent_steps, counts


def run_kernel(
    seed: int,
    rates: npt.NDArray[np.float64],
    s_kind: npt.NDArray[np.int32],
    s_origin: npt.NDArray[np.int32],
    cdf: npt.NDArray[np.float64],
    codes: npt.NDArray[np.int8],
    code_kind: npt.NDArray[np.int8],
    lag: int,
    lag_max: int,
    opt_is_poe: npt.NDArray[np.bool_],
    opt_is_hide: npt.NDArray[np.bool_],
    opt_prov: npt.NDArray[np.int32],
    opt_asc: npt.NDArray[np.float64],
    opt_via_hub: npt.NDArray[np.bool_],
    travel: npt.NDArray[np.int32],
    km: npt.NDArray[np.float64],
    is_open: npt.NDArray[np.bool_],
    nyc_u: npt.NDArray[np.float64],
    nyc_origin: int,
    beta_success: float,
    beta_km: float,
    asc_stay: float,
    p_int_irr: float,
    p_int_hide: float,
    hide_wait: int,
    evade_wait: int,
    retry: float,
    hide_cost: float = 0.0,
) -> dict[str, object]:
    """Run one replicate; returns daily counters ``out[n_days, len(SERIES)]``, option choices
    ``choices[n_days, n_options]``, final agent state counts and agent totals."""
    n_days = rates.shape[0]
    total = float(rates.sum())
    cap = int(total + 10.0 * np.sqrt(total) + 1000)
    out = np.zeros((n_days, N_SERIES), np.int64)
    choices = np.zeros((n_days, opt_asc.shape[0]), np.int64)
    n, overflow, steps, counts = _kernel(
        np.int64(seed), rates, s_kind, s_origin, cdf, codes, code_kind, np.int64(lag),
        np.int64(lag_max), opt_is_poe, opt_is_hide, opt_prov, opt_asc, opt_via_hub, travel, km,
        is_open, nyc_u, np.int64(nyc_origin), float(beta_success), float(beta_km),
        float(asc_stay), float(p_int_irr), float(p_int_hide), np.int64(hide_wait),
        np.int64(evade_wait), float(retry), float(hide_cost), np.int64(cap), out, choices,
    )
    if overflow:
        raise RuntimeError(f"agent capacity {cap} exceeded by {overflow}")
    return {
        "out": out,
        "choices": choices,
        "n_agents": int(n),
        "agent_steps": int(steps) + int(n),
        "state_counts": counts,
    }
