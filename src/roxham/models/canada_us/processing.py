"""Processing after a claim: eligibility front end, IRB refugee division (RPD) queue with a
dated capacity, outcomes, appeals (RAD) and the ineligible stream to a pre-removal risk
assessment (PRRA).

What it models (docs: MODEL.md § Processing and capacity):

1. **Eligibility front end.** Every claim the law refers (``referred`` of
   :func:`~roxham.models.canada_us.engine_model.daily_counts`) waits
   ``processing.referral_delay_days`` days (A), then a share ``irb_referral_share`` (C) is
   referred to the RPD; the rest leave before referral (withdrawn, found ineligible later).
2. **RPD queue.** One national FIFO queue (first referred, first finalised: the IRB schedules
   mostly by age of the claim, with priority streams that this model does NOT represent). It
   starts with ``irb_pending_initial`` claims and serves at most the day's capacity:
   ``irb_finalised_per_year`` of the day's year / days of that year (nearest year where none),
   × the factor of ``irb_capacity_factor`` in force that day (a dated lever).
3. **Outcomes.** Finalisations split into accepted / rejected / abandoned-or-withdrawn by the
   IRB's shares of the year (``irb_outcomes``; nearest year where none).
4. **RAD.** A share ``rad_appeal_share`` (A) of rejections is appealed the day of the
   rejection into a second FIFO queue with ``rad_finalised_per_year`` as capacity.
5. **PRRA.** Claims the law finds ineligible on grounds other than the STCA (IRPA
   s. 101(1), incl. the Bill C-12 grounds (b.1)/(b.2) where they are in force) may ask for a
   PRRA (IRPA s. 112(1)); ``prra_apply_share`` (A) of them do, the day of the decision.

The queues are *fluid* cohort queues (claimants are counts per arrival day, fractions allowed
because shares split them), compiled with numba. Because the queue is FIFO, a claimant's wait
depends only on those ahead of it and the capacity, so the wait of every claimant referred in
the run is known exactly by serving on after the run's end at the last day's capacity (an
assumption stated with the output): nothing is censored. Waits are kept as a histogram of
whole days per referral month (:func:`fifo_queue`), from which ``wait_days_p50``/``p90``
come.

>>> import numpy as np
>>> r = fifo_queue(np.array([4.0, 0.0, 0.0]), np.array([2.0, 2.0, 2.0]), 0.0,
...                np.array([0, 0, 0]), 1, 10)
>>> r.served.tolist(), r.pending.tolist()
([2.0, 2.0, 0.0], [2.0, 0.0, 0.0])
>>> r.wait_hist[0, :3].tolist()     # 2 served the day they arrived, 2 a day later
[2.0, 2.0, 0.0]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from roxham.models.canada_us.scenario import IrbOutcomes, ProcessingSection

__all__ = [
    "OUTPUT_SERIES",
    "QueueResult",
    "daily_capacity",
    "fifo_queue",
    "hist_quantile",
    "run_processing",
]

#: Monthly series this module adds (geography ``CA``), in order.
OUTPUT_SERIES: tuple[str, ...] = (
    "irb_pending", "irb_referred", "irb_finalised", "wait_days_p50", "wait_days_p90",
    "prra_applications", "irb_accepted", "irb_rejected", "irb_abandoned_withdrawn",
    "rad_pending", "rad_finalised", "irb_removed",
)  # fmt: skip

#: Longest wait kept in the histogram (days); longer waits land in the last bin (overflow).
MAX_WAIT_DAYS = 20 * 366
#: Days served after the run's end (at the last capacity) to finish the run's claimants.
MAX_EXTRA_DAYS = 30 * 366


class QueueResult(NamedTuple):
    """One FIFO queue over ``n`` days.

    ``served[d]``/``pending[d]``: finalised on day ``d`` and waiting at its end;
    ``wait_hist[m, w]``: claimants that arrived in month ``m`` and were served after ``w``
    days (last bin: ``MAX_WAIT_DAYS`` or more, or never, when capacity is zero);
    ``removed[d]``: left undecided on day ``d``.
    """

    served: npt.NDArray[np.float64]
    pending: npt.NDArray[np.float64]
    wait_hist: npt.NDArray[np.float64]
    removed: npt.NDArray[np.float64]


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
) -> tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64],
    npt.NDArray[np.float64],
]:
    n = arrivals.shape[0]
    served = np.zeros(n)
    removed = np.zeros(n)
    pending = np.zeros(n)
    hist = np.zeros((n_months, max_wait + 1))
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
            budget = capacity[d]
            if target[d] > 0.0:
                budget = _due(b_day, b_left, head, tail, d - target[d], budget)
        else:
            if head >= tail or (last_cap <= 0.0 and last_target <= 0.0):
                break
            budget = last_cap
            if last_target > 0.0:
                budget = _due(b_day, b_left, head, tail, d - last_target, budget)
        out = 0.0
        while head < tail and budget > eps:
            take = min(budget, b_left[head])
            out += take
            budget -= take
            b_left[head] -= take
            ad = b_day[head]
            if ad >= 0:
                w = d - ad
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
        d += 1
    # claimants never served (zero capacity, or past max_extra): the overflow bin
    while head < tail:
        ad = b_day[head]
        if ad >= 0 and b_left[head] > eps:
            hist[month[ad], max_wait] += b_left[head]
        head += 1
    return served, pending, hist, removed


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
) -> QueueResult:
    """Serve a FIFO fluid queue: each day, arrivals join, then up to ``capacity[d]`` leave,
    oldest first (an arrival served the day it arrives waited 0 days); unused capacity is lost.

    ``initial`` claimants wait at the start (older than every arrival; their waits are not
    recorded). After the last day the queue is served on at ``capacity[-1]`` (at most
    ``max_extra`` days) so that every arrival's wait is known. ``removals[d]`` claimants leave
    on day ``d`` (after the day's arrivals, before service) from the newest buckets, undecided
    (as many as are waiting at most; :attr:`QueueResult.removed`). ``target_days[d] > 0``
    is a processing-time target: the day's capacity is raised as needed to decide every claim
    that has waited ``target_days[d]`` days or more (0: no target).
    """
    arr = np.ascontiguousarray(arrivals, dtype=np.float64)
    cap = np.ascontiguousarray(capacity, dtype=np.float64)
    if arr.shape != cap.shape:
        raise ValueError("arrivals and capacity differ in length")
    if (arr < 0).any() or (cap < 0).any() or initial < 0:
        raise ValueError("arrivals, capacity and initial must be >= 0")
    rem = np.zeros_like(arr) if removals is None else np.ascontiguousarray(removals, np.float64)
    if rem.shape != arr.shape or (rem < 0).any():
        raise ValueError("removals must be >= 0, one per day")
    tgt = np.zeros_like(arr) if target_days is None else np.ascontiguousarray(
        target_days, np.float64)
    if tgt.shape != arr.shape or (tgt < 0).any():
        raise ValueError("target_days must be >= 0, one per day")
    m = np.ascontiguousarray(month, dtype=np.int64)
    s, p, h, r = _fifo(arr, cap, rem, tgt, float(initial), m, int(n_months), int(max_wait),
                       int(max_extra))
    return QueueResult(s, p, h, r)


def hist_quantile(hist: npt.NDArray[np.float64], q: float) -> npt.NDArray[np.float64]:
    """The ``q`` quantile (lower: the smallest wait ``w`` with at least ``q`` of the cohort
    served within ``w`` days) of each row's wait histogram; NaN for an empty row or one whose
    quantile falls in the overflow bin (never served).

    >>> hist_quantile(np.array([[1.0, 1.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]]), 0.5).tolist()
    [1.0, nan]
    """
    out = np.full(hist.shape[0], np.nan)
    tot = hist.sum(axis=1)
    cum = np.cumsum(hist, axis=1)
    last = hist.shape[1] - 1
    for i in range(hist.shape[0]):
        if tot[i] <= 0:
            continue
        w = int(np.searchsorted(cum[i], q * tot[i] - 1e-9 * tot[i], side="left"))
        if w < last:
            out[i] = float(w)
    return out


def _year_len(y: int) -> int:
    return 366 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 365


def _nearest(table: Mapping[int, object], year: int) -> int:
    return year if year in table else min(table, key=lambda k: (abs(k - year), k))


def daily_capacity(
    start: dt.date,
    n_days: int,
    per_year: Mapping[int, float],
    factors: Mapping[dt.date, float] | None = None,
    lag_years: int = 0,
) -> npt.NDArray[np.float64]:
    """Decisions per day: the figure of the year ``lag_years`` before the day's (the nearest
    year's where that year has none; ``processing.irb_capacity_lag_years``, 1 by default, so
    that no official figure of a simulated year enters the run) / days in the day's year, ×
    the factor of the latest ``factors`` date on or before the day.

    >>> d = daily_capacity(dt.date(2019, 12, 30), 4, {2019: 365.0, 2020: 732.0},
    ...                    {dt.date(2020, 1, 1): 1.5})
    >>> d.tolist()
    [1.0, 1.0, 3.0, 3.0]
    """
    if not per_year:
        raise ValueError("no decisions per year")
    # the same period and figures in every replicate and calibration draw: computed once
    key = (start, n_days, tuple(sorted(per_year.items())),
           tuple(sorted((factors or {}).items())), int(lag_years))
    hit = _PERIOD_CACHE.get(("capacity", key))
    if hit is None:
        hit = _daily_capacity(start, n_days, per_year, factors, int(lag_years))
        _remember(("capacity", key), hit)
    return hit.copy()


#: per-period arrays of :func:`daily_capacity` and :func:`_outcome_share` (speed14: a
#: calibration runs the same period thousands of times; pure functions of their arguments)
_PERIOD_CACHE: dict[Any, npt.NDArray[np.float64]] = {}


def _remember(key: Any, value: npt.NDArray[np.float64]) -> None:
    if len(_PERIOD_CACHE) >= 64:
        _PERIOD_CACHE.clear()
    _PERIOD_CACHE[key] = value


def _daily_capacity(
    start: dt.date,
    n_days: int,
    per_year: Mapping[int, float],
    factors: Mapping[dt.date, float] | None = None,
    lag_years: int = 0,
) -> npt.NDArray[np.float64]:
    out = np.empty(n_days)
    steps = sorted((factors or {}).items())
    for i in range(n_days):
        d = start + dt.timedelta(days=i)
        y = _nearest(per_year, d.year - lag_years)
        f = 1.0
        for when, fac in steps:
            if when <= d:
                f = fac
        out[i] = float(per_year[y]) / _year_len(d.year) * f
    return out


def _outcome_share(
    start: dt.date, n_days: int, table: Mapping[int, IrbOutcomes], key: str
) -> npt.NDArray[np.float64]:
    """Daily share of RPD finalisations with outcome ``key`` (the nearest year's shares)."""
    ck = ("share", start, n_days, key, tuple(sorted(
        (y, float(getattr(r, key)), float(r.accepted + r.rejected + r.abandoned_withdrawn))
        for y, r in table.items())))
    hit = _PERIOD_CACHE.get(ck)
    if hit is None:
        hit = _outcome_share_of(start, n_days, table, key)
        _remember(ck, hit)
    return hit.copy()


def _outcome_share_of(
    start: dt.date, n_days: int, table: Mapping[int, IrbOutcomes], key: str
) -> npt.NDArray[np.float64]:
    out = np.empty(n_days)
    for i in range(n_days):
        y = (start + dt.timedelta(days=i)).year
        row = table[_nearest(table, y)]
        total = row.accepted + row.rejected + row.abandoned_withdrawn
        out[i] = float(getattr(row, key)) / float(total)
    return out


def run_processing(
    p: ProcessingSection,
    start: dt.date,
    referred_daily: npt.NDArray[np.float64],
    ineligible_daily: npt.NDArray[np.float64],
    midx: npt.NDArray[np.int64],
    n_months: int,
    removed_daily: npt.NDArray[np.float64] | None = None,
) -> dict[str, npt.NDArray[np.float64]]:
    """Monthly series (:data:`OUTPUT_SERIES`) of one replicate.

    ``p`` is the scenario's ``processing`` section; ``referred_daily`` the claims the law
    refers per day, ``ineligible_daily`` those found ineligible on grounds other than the
    STCA; ``midx`` the month index of each day; ``removed_daily`` referred claims that leave
    the inventory undecided that day (× ``irb_referral_share``, from the newest: the
    s. 104(1)(a) notices of :func:`~roxham.models.canada_us.engine_model.irb_inflow`).
    Levels (pending) are month-end values; flows are month sums; waits are days from RPD
    referral to RPD finalisation of the claims referred that month (NaN in a month with no
    referral).
    """
    n = int(referred_daily.shape[0])
    delay = int(p.referral_delay_days)
    share = float(p.irb_referral_share)
    to_rpd = np.zeros(n)
    if delay < n:
        to_rpd[delay:] = referred_daily[: n - delay].astype(np.float64) * share
    month = np.asarray(midx, dtype=np.int64)
    cap = daily_capacity(start, n, p.irb_finalised_per_year,
                         p.irb_capacity_factor, p.irb_capacity_lag_years)
    rem = None if removed_daily is None else np.asarray(removed_daily, np.float64) * share
    target = np.zeros(n)
    for when, days in sorted(p.irb_wait_target_days.items()):
        i0 = (when - start).days
        target[max(i0, 0):] = float(days)
    rpd = fifo_queue(to_rpd, cap, float(p.irb_pending_initial), month, n_months,
                     removals=rem, target_days=target)
    outcomes = p.irb_outcomes
    acc = rpd.served * _outcome_share(start, n, outcomes, "accepted")
    rej = rpd.served * _outcome_share(start, n, outcomes, "rejected")
    aw = rpd.served - acc - rej
    rad_in = rej * float(p.rad_appeal_share)
    rad_cap = daily_capacity(start, n, p.rad_finalised_per_year, None, p.irb_capacity_lag_years)
    rad = fifo_queue(rad_in, rad_cap, float(p.rad_pending_initial),
                     month, n_months)
    prra = ineligible_daily.astype(np.float64) * float(p.prra_apply_share)

    def msum(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        o = np.zeros(n_months)
        np.add.at(o, month, x)
        return o

    month_end = np.array([int(np.max(np.nonzero(month == m)[0])) for m in range(n_months)])
    return {
        "irb_pending": rpd.pending[month_end],
        "irb_referred": msum(to_rpd),
        "irb_finalised": msum(rpd.served),
        "wait_days_p50": hist_quantile(rpd.wait_hist, 0.5),
        "wait_days_p90": hist_quantile(rpd.wait_hist, 0.9),
        "prra_applications": msum(prra),
        "irb_accepted": msum(acc),
        "irb_rejected": msum(rej),
        "irb_abandoned_withdrawn": msum(aw),
        "rad_pending": rad.pending[month_end],
        "rad_finalised": msum(rad.served),
        "irb_removed": msum(rpd.removed),
    }
