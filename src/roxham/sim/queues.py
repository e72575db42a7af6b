"""Processing queues (CBSA screening, IRB hearings, appeals): FIFO cohort queues with a daily
capacity. The one queue of the package:

- :class:`QueueSpec` describes a queue for :class:`~roxham.sim.engine.Simulation`, where the
  compiled kernel (:mod:`roxham.sim.kernel`) moves agents through it one by one;
- :func:`fifo_queue` serves a queue of *counts* per arrival day (a cohort queue): the
  Canada–US model's IRB queues (:mod:`roxham.models.canada_us.processing`), and the reference
  the kernel's queue is tested against, day by day (``tests/sim/test_queues.py``).

**Rule.** First in, first out: each day the day's arrivals join, then up to the day's capacity
is served from the oldest arrival day (an arrival served the day it arrives waited 0 days).
Unused capacity is lost. Why FIFO: the IRB's Refugee Protection Division hears claims
"primarily in the order in which they were received" since 2018-02-20 (IRB notice, *The IRB
changes how refugee hearings are scheduled*, 2018-02-20; its *RPD approach to scheduling*,
https://irb.gc.ca/en/news/2021/Pages/rpd-scheduling-priorities.aspx, keeps the order of
referral with priority streams: vulnerable claimants, short hearings, file reviews). Those
priority streams are NOT represented.

Two ways to count capacity: *fluid* (default; counts and capacity are real numbers, a day
serves ``capacity[d]`` exactly) and *whole* (``whole=True``; the kernel's rule: people are
served whole, a fractional capacity accumulates as credit, 2.5/day serves 2, 3, 2, 3, …;
``inf`` = unlimited).

Little's law holds by construction: a claimant that waits ``w`` days is counted in the
end-of-day queue length on exactly ``w`` days.

>>> r = fifo_queue(np.array([4.0, 0.0, 0.0]), np.array([2.0, 2.0, 2.0]), 0.0,
...                np.array([0, 0, 0]), 1, 10)
>>> r.served.tolist(), r.pending.tolist(), r.wait_sum.tolist()
([2.0, 2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 2.0, 0.0])
>>> r.wait_hist[0, :3].tolist()     # 2 served the day they arrived, 2 a day later
[2.0, 2.0, 0.0]
>>> fifo_queue(np.array([20.0, 0, 0, 0]), np.full(4, 2.5), 0.0, np.zeros(4, int), 1,
...            whole=True).served.tolist()
[2.0, 3.0, 2.0, 3.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = [
    "MAX_EXTRA_DAYS",
    "MAX_WAIT_DAYS",
    "QueueResult",
    "QueueSpec",
    "fifo_queue",
    "hist_quantile",
]


@dataclass(frozen=True)
class QueueSpec:
    """A queue of the agent engine: its name, capacity per day (None = unlimited), where its
    agents wait and where they go when served. Served by the rule of :func:`fifo_queue` with
    ``whole=True``.

    Attributes:
        name: unique name (e.g. ``"cbsa_screening_qc"``).
        capacity: people served per day; None for unlimited.
        wait_at: location name where queued agents are counted (None: where they claimed).
        then_queue: name of the next queue (e.g. screening → IRB hearing), or None.
        then_location: location name the agent moves to when served (None: stays).
        then_state: ``"claimant"`` (default: done, no more decisions) or ``"deciding"``.
        at: locations whose referred claimants join this queue (a location joins at most one).
    """

    name: str
    capacity: float | None = None
    wait_at: str | None = None
    then_queue: str | None = None
    then_location: str | None = None
    then_state: str = "claimant"
    at: tuple[str, ...] = ()


#: Longest wait kept in the histogram (days); longer waits land in the last bin (overflow).
MAX_WAIT_DAYS = 20 * 366
#: Days served after the run's end (at the last capacity) to finish the run's claimants.
MAX_EXTRA_DAYS = 30 * 366


class QueueResult(NamedTuple):
    """One FIFO queue over ``n`` days.

    ``served[d]``/``pending[d]``: served on day ``d`` and waiting at its end;
    ``wait_sum[d]``: the summed waits (days) of the arrivals served on day ``d`` (the initial
    inventory's are not known and not counted);
    ``wait_hist[m, w]``: claimants that arrived in month ``m`` and were served after ``w``
    days (last bin: ``max_wait`` or more, or never, when capacity is zero);
    ``removed[d]``: left undecided on day ``d``.
    """

    served: npt.NDArray[np.float64]
    pending: npt.NDArray[np.float64]
    wait_hist: npt.NDArray[np.float64]
    removed: npt.NDArray[np.float64]
    wait_sum: npt.NDArray[np.float64]


@njit(cache=True)
def _due(
    b_day: npt.NDArray[np.int64],
    b_left: npt.NDArray[np.float64],
    head: int,
    tail: int,
    latest: float,
    budget: float,
) -> float:
    """The day's budget raised to cover every claim that arrived on or before ``latest``."""
    due = 0.0
    k = head
    while k < tail and b_day[k] <= latest:
        due += b_left[k]
        k += 1
    return due if due > budget else budget


@njit(cache=True)
def _whole_budget(cap: float, credit: npt.NDArray[np.float64]) -> float:
    """The kernel's rule: whole people; a fractional capacity accumulates in ``credit[0]``."""
    if math.isinf(cap):
        return cap
    credit[0] += cap
    b = math.floor(credit[0] + 1e-9)
    credit[0] -= b
    if credit[0] < 0.0:
        credit[0] = 0.0
    return float(b)


@njit(cache=True)
def _fifo(
    arrivals: npt.NDArray[np.float64],
    capacity: npt.NDArray[np.float64],
    removals: npt.NDArray[np.float64],
    target: npt.NDArray[np.float64],
    initial: float,
    month: npt.NDArray[np.int64],
    n_months: int,
    max_wait: int,
    max_extra: int,
    whole: bool,
) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64],
    npt.NDArray[np.float64], npt.NDArray[np.float64],
]:
    n = arrivals.shape[0]
    served = np.zeros(n)
    removed = np.zeros(n)
    pending = np.zeros(n)
    wait_sum = np.zeros(n)
    hist = np.zeros((n_months, max_wait + 1))
    credit = np.zeros(1)
    # buckets: arrival day (-1: the initial inventory) and remaining count, oldest first
    b_day = np.empty(n + 1, dtype=np.int64)
    b_left = np.empty(n + 1)
    head = 0
    tail = 0
    if initial > 0.0:
        b_day[0] = -1
        b_left[0] = initial
        tail = 1
    waiting = initial
    eps = 1e-9
    last_cap = capacity[n - 1] if n > 0 else 0.0
    last_target = target[n - 1] if n > 0 else 0.0
    d = 0
    while d < n + max_extra:
        if d < n:
            a = arrivals[d]
            if a > 0.0:
                b_day[tail] = d
                b_left[tail] = a
                tail += 1
                waiting += a
            # removals leave from the newest claims (no decision, no wait recorded)
            r = removals[d]
            k = tail - 1
            while r > eps and k >= head:
                take = min(r, b_left[k])
                b_left[k] -= take
                r -= take
                removed[d] += take
                k -= 1
            waiting -= removed[d]
            budget = _whole_budget(capacity[d], credit) if whole else capacity[d]
            if target[d] > 0.0:
                budget = _due(b_day, b_left, head, tail, d - target[d], budget)
        else:
            if head >= tail or (last_cap <= 0.0 and last_target <= 0.0):
                break
            budget = _whole_budget(last_cap, credit) if whole else last_cap
            if last_target > 0.0:
                budget = _due(b_day, b_left, head, tail, d - last_target, budget)
        out = 0.0
        wsum = 0.0
        while head < tail and budget > eps:
            take = min(budget, b_left[head])
            out += take
            budget -= take
            b_left[head] -= take
            ad = b_day[head]
            if ad >= 0:
                w = d - ad
                wsum += take * w
                if w > max_wait:
                    w = max_wait
                hist[month[ad], w] += take
            if b_left[head] <= eps:
                head += 1
        waiting -= out
        if waiting < 0.0 or head >= tail:
            waiting = 0.0  # no rounding residue once every bucket is served
        if d < n:
            served[d] = out
            pending[d] = waiting
            wait_sum[d] = wsum
        d += 1
    # claimants never served (zero capacity, or past max_extra): the overflow bin
    while head < tail:
        ad = b_day[head]
        if ad >= 0 and b_left[head] > eps:
            hist[month[ad], max_wait] += b_left[head]
        head += 1
    return served, pending, hist, removed, wait_sum


def fifo_queue(
    arrivals: npt.NDArray[np.float64],
    capacity: npt.NDArray[np.float64],
    initial: float,
    month: npt.NDArray[np.int64],
    n_months: int,
    max_wait: int = MAX_WAIT_DAYS,
    max_extra: int = MAX_EXTRA_DAYS,
    removals: npt.NDArray[np.float64] | None = None,
    target_days: npt.NDArray[np.float64] | None = None,
    whole: bool = False,
) -> QueueResult:
    """Serve a FIFO cohort queue: each day, arrivals join, then up to ``capacity[d]`` leave,
    oldest first (an arrival served the day it arrives waited 0 days); unused capacity is lost.

    ``month[d]`` (< ``n_months``) groups arrival days for :attr:`QueueResult.wait_hist`.
    ``initial`` claimants wait at the start (older than every arrival; their waits are not
    recorded). After the last day the queue is served on at ``capacity[-1]`` (at most
    ``max_extra`` days) so that every arrival's wait is known. ``removals[d]`` claimants leave
    on day ``d`` (after the day's arrivals, before service) from the newest buckets, undecided
    (as many as are waiting at most; :attr:`QueueResult.removed`). ``target_days[d] > 0``
    is a processing-time target: the day's capacity is raised as needed to decide every claim
    that has waited ``target_days[d]`` days or more (0: no target). ``whole``: capacity counts
    whole people, a fraction accumulating as credit (the engine's rule; ``inf`` unlimited).
    """
    arr = np.ascontiguousarray(arrivals, dtype=np.float64)
    cap = np.ascontiguousarray(capacity, dtype=np.float64)
    if arr.shape != cap.shape:
        raise ValueError("arrivals and capacity differ in length")
    if (arr < 0).any() or (cap < 0).any() or initial < 0:
        raise ValueError("arrivals, capacity and initial must be >= 0")
    if not whole and np.isinf(cap).any():
        raise ValueError("an unlimited (inf) capacity needs whole=True")
    rem = np.zeros_like(arr) if removals is None else np.ascontiguousarray(removals, np.float64)
    if rem.shape != arr.shape or (rem < 0).any():
        raise ValueError("removals must be >= 0, one per day")
    tgt = np.zeros_like(arr) if target_days is None else np.ascontiguousarray(
        target_days, np.float64)
    if tgt.shape != arr.shape or (tgt < 0).any():
        raise ValueError("target_days must be >= 0, one per day")
    m = np.ascontiguousarray(month, dtype=np.int64)
    s, p, h, r, w = _fifo(arr, cap, rem, tgt, float(initial), m, int(n_months), int(max_wait),
                          int(max_extra), bool(whole))
    return QueueResult(s, p, h, r, w)


def hist_quantile(hist: npt.NDArray[np.float64], q: float) -> npt.NDArray[np.float64]:
    """The ``q`` quantile (lower: the smallest wait ``w`` with at least ``q`` of the cohort
    served within ``w`` days) of each row's wait histogram; NaN for an empty row or one whose
    quantile falls in the overflow bin (never served).

    >>> hist_quantile(np.array([[1.0, 1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]]), 0.5).tolist()
    [1.0, nan]
    """
    out = np.full(hist.shape[0], np.nan)
    tot = hist.sum(axis=1)
    last = hist.shape[1] - 1
    # the running sums stop changing after the last non-empty bin (of any row): sum up to it
    # only (the histograms are ~7,300 bins wide and mostly empty); a quantile not reached
    # there is not reached at all (NaN, as beyond the last bin)
    nz = np.flatnonzero(hist.any(axis=0))
    width = int(nz[-1]) + 1 if nz.size else 0
    cum = np.cumsum(hist[:, :width], axis=1)
    for i in range(hist.shape[0]):
        if tot[i] <= 0:
            continue
        w = int(np.searchsorted(cum[i], q * tot[i] - 1e-9 * tot[i], side="left"))
        if w < last and w < width:
            out[i] = float(w)
    return out
