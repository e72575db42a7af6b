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
   starts with ``irb_pending_initial`` claims and serves at most the day's capacity, from
   one of two sources (``irb_capacity_source``): ``finalised``, the IRB's finalisations of the
   year ``irb_capacity_lag_years`` before the day's / days of the day's year (nearest year
   where none); or ``funded`` (historical.yaml), the funded / planned finalisations a year of
   the latest ``irb_funded_capacity`` entry in force (each known on or before its start) ×
   the ``irb_hearing_disruption`` factor of the day (the 2020 COVID-19 suspension). Either is
   × the factor of ``irb_capacity_factor`` in force that day (a dated lever).
3. **Outcomes.** Finalisations split into accepted / rejected / abandoned-or-withdrawn by the
   IRB's shares of the year (``irb_outcomes``; nearest year where none).
4. **RAD.** A share ``rad_appeal_share`` (A) of rejections is appealed the day of the
   rejection into a second FIFO queue with ``rad_finalised_per_year`` as capacity.
5. **PRRA.** Claimants the law finds ineligible on grounds other than the STCA *inside
   Canada* (airport and inland offices: IRPA s. 101(1), in practice the Bill C-12 grounds
   (b.1)/(b.2) from ``D_C12_RA``, the (c.1) ground where a profile carries it) may ask for a
   PRRA (IRPA s. 112(1); s. 112(2)(b) bars only the STCA's s. 101(1)(e)); a share
   ``prra_apply_share`` (A, 0.9, range 0.7–1.0) of them do, the day of the decision. Those
   refused at a land crossing (STCA, or s. 101(1)(c) after a first return) are returned to the
   US by the engine and make no PRRA application in the model. Failed RPD/RAD claimants' PRRAs
   (after the 12-month bar of s. 112(2)(b.1)) are not modelled.

The queues are the engine's FIFO cohort queue (:func:`roxham.sim.queues.fifo_queue`, the one
queue of the package, compiled with numba; why FIFO: the IRB hears claims primarily in the
order received, see :mod:`roxham.sim.queues`), *fluid*: claimants are counts per arrival day,
fractions allowed because shares split them. Because the queue is FIFO, a claimant's wait
depends only on those ahead of it and the capacity, so the wait of every claimant referred in
the run is known exactly by serving on after the run's end at the last day's capacity (an
assumption stated with the output): nothing is censored. Waits are kept as a histogram of
whole days per referral month, from which ``wait_days_p50``/``p90`` come.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from roxham.models.canada_us.scenario import FundedCapacity, IrbOutcomes, ProcessingSection
from roxham.sim.queues import fifo_queue, hist_quantile

__all__ = [
    "OUTPUT_SERIES",
    "daily_capacity",
    "funded_capacity",
    "rpd_capacity",
    "run_processing",
]

#: Monthly series this module adds (geography ``CA``), in order.
OUTPUT_SERIES: tuple[str, ...] = (
    "irb_pending", "irb_referred", "irb_finalised", "wait_days_p50", "wait_days_p90",
    "prra_applications", "irb_accepted", "irb_rejected", "irb_abandoned_withdrawn",
    "rad_pending", "rad_finalised", "irb_removed",
)  # fmt: skip


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


def _step(start: dt.date, n_days: int, steps: Mapping[dt.date, float],
          before: float) -> npt.NDArray[np.float64]:
    """Daily value of a step function: the value of the latest date on or before each day,
    ``before`` before the first date."""
    out = np.full(n_days, float(before))
    for when, v in sorted(steps.items()):
        out[max((when - start).days, 0):] = float(v)
    return out


def funded_capacity(
    start: dt.date,
    n_days: int,
    entries: Sequence[FundedCapacity],
    disruption: Mapping[dt.date, float] | None = None,
    factors: Mapping[dt.date, float] | None = None,
) -> npt.NDArray[np.float64]:
    """Decisions per day from funded / planned figures: ``per_year`` of the latest entry whose
    ``start`` is on or before the day (the earliest entry's before the first) / days in the
    day's year, × the ``disruption`` factor and the ``factors`` lever in force that day (1
    before their first dates). It reads no finalisation figure: each entry was known on or
    before its start (:class:`~roxham.models.canada_us.scenario.FundedCapacity`).

    >>> from roxham.models.canada_us.scenario import FundedCapacity as F
    >>> e = [F(start=dt.date(2020, 1, 2), per_year=732.0, known=dt.date(2019, 6, 1)),
    ...      F(start=dt.date(2019, 1, 1), per_year=365.0, known=dt.date(2018, 3, 1))]
    >>> d = funded_capacity(dt.date(2019, 12, 31), 4, e, {dt.date(2020, 1, 3): 0.5})
    >>> [round(x, 4) for x in d.tolist()]  # 365/365, 365/366, 732/366, 732/366 × 0.5
    [1.0, 0.9973, 2.0, 1.0]
    """
    if not entries:
        raise ValueError("no funded capacity")
    key = ("funded", start, n_days,
           tuple(sorted((e.start, float(e.per_year)) for e in entries)),
           tuple(sorted((disruption or {}).items())), tuple(sorted((factors or {}).items())))
    hit = _PERIOD_CACHE.get(key)
    if hit is None:
        first = min(entries, key=lambda e: e.start)
        per_year = _step(start, n_days, {e.start: float(e.per_year) for e in entries},
                         float(first.per_year))
        days = np.array([_year_len((start + dt.timedelta(days=i)).year)
                         for i in range(n_days)], dtype=np.float64)
        hit = (per_year / days * _step(start, n_days, dict(disruption or {}), 1.0)
               * _step(start, n_days, dict(factors or {}), 1.0))
        _remember(key, hit)
    return hit.copy()


def rpd_capacity(p: ProcessingSection, start: dt.date, n_days: int) -> npt.NDArray[np.float64]:
    """The RPD's decisions per day under the scenario's ``irb_capacity_source``."""
    if p.irb_capacity_source == "funded":
        return funded_capacity(start, n_days, p.irb_funded_capacity, p.irb_hearing_disruption,
                               p.irb_capacity_factor)
    return daily_capacity(start, n_days, p.irb_finalised_per_year, p.irb_capacity_factor,
                          p.irb_capacity_lag_years)


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
    refers per day, ``ineligible_daily`` those found ineligible inside Canada on grounds other
    than the STCA (``engine_model`` series ``ineligible_in_canada``); ``midx`` the month
    index of each day; ``removed_daily`` referred claims that leave
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
    cap = rpd_capacity(p, start, n)
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
