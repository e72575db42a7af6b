"""Processing queues (CBSA screening, IRB hearings, shelters): FIFO with a daily capacity.

:class:`QueueSpec` describes a queue for :class:`~roxham.sim.engine.Simulation`; the compiled
kernel (:mod:`roxham.sim.kernel`) runs it. :class:`QueueSet` is the same queue in plain
Python, kept as the readable reference the kernel is tested against.

A queue is a list of cohort buckets ``[arrival_day, count]``, not one object per person.
Each day, after agents have moved, :meth:`QueueSet.advance` serves up to the day's capacity
from the oldest buckets (fractional capacities accumulate: 2.5/day serves 2, 3, 2, 3, …) and
records how many were served and the sum of their waits (days from arrival to service; an
agent arriving and served on the same day waited 0 days). Agents hold a FIFO *ticket*: the
queue has served a ticket once ``served > ticket``; the kernel moves such agents on (to the
next queue, or to a location as claimants) at the start of the next day.

Little's law holds by construction: an agent that waits ``w`` days is counted in the
end-of-day queue length on exactly ``w`` days.

>>> q = QueueSet([QueueSpec("screening", capacity=2.0)])
>>> q.issued[0] = 5; q.add_arrivals(day=0, arrivals=np.array([5]))
>>> q.advance(0); q.advance(1); q.advance(2)
>>> q.served.tolist(), q.length().tolist()
([5], [0])
>>> q.served_today.tolist(), q.wait_sum_today.tolist()   # day 2 served the last one (waited 2)
([1], [2])
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from roxham.errors import UserError

__all__ = ["QueueSet", "QueueSpec"]


@dataclass(frozen=True)
class QueueSpec:
    """A queue: its name, capacity per day (None = unlimited), where its agents wait and
    where they go when served.

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


class QueueSet:
    """The state of all queues of a run (arrays indexed by queue)."""

    def __init__(self, specs: Sequence[QueueSpec]) -> None:
        self.specs = tuple(specs)
        names = [s.name for s in self.specs]
        if len(set(names)) != len(names):
            raise UserError(f"queue names must be unique: {names}")
        self.index = {n: i for i, n in enumerate(names)}
        n = len(self.specs)
        for s in self.specs:
            if s.capacity is not None and (not math.isfinite(s.capacity) or s.capacity < 0):
                raise UserError(f"queue {s.name!r}: capacity must be >= 0, got {s.capacity}")
            if s.then_queue is not None and s.then_queue not in self.index:
                raise UserError(f"queue {s.name!r}: then_queue {s.then_queue!r} is not a queue")
            if s.then_state not in ("claimant", "deciding"):
                raise UserError(
                    f"queue {s.name!r}: then_state must be 'claimant' or 'deciding', "
                    f"got {s.then_state!r}"
                )
        #: capacity per day (inf = unlimited)
        self.capacity = np.array(
            [np.inf if s.capacity is None else float(s.capacity) for s in self.specs]
        )
        self.credit = np.zeros(n)
        #: tickets issued (cumulative arrivals) and served, per queue (the kernel writes issued)
        self.issued = np.zeros(n, dtype=np.int64)
        self.served = np.zeros(n, dtype=np.int64)
        self.served_today = np.zeros(n, dtype=np.int64)
        self.wait_sum_today = np.zeros(n, dtype=np.int64)
        self.next_queue = np.array(
            [-1 if s.then_queue is None else self.index[s.then_queue] for s in self.specs],
            dtype=np.int32,
        )
        self._buckets: list[deque[list[int]]] = [deque() for _ in range(n)]

    def __len__(self) -> int:
        return len(self.specs)

    def set_capacity(self, name: str, capacity: float | None) -> None:
        """Change a queue's daily capacity (timeline event ``set_capacity``)."""
        if name not in self.index:
            raise UserError(f"set_capacity: unknown queue {name!r}")
        if capacity is not None and capacity < 0:
            raise UserError(f"set_capacity {name!r}: capacity must be >= 0")
        self.capacity[self.index[name]] = np.inf if capacity is None else float(capacity)

    def add_arrivals(self, day: int, arrivals: npt.NDArray[np.integer]) -> None:
        """Append today's arrivals (count per queue) as buckets."""
        for q, n in enumerate(arrivals):
            if n > 0:
                b = self._buckets[q]
                if b and b[-1][0] == day:
                    b[-1][1] += int(n)
                else:
                    b.append([day, int(n)])

    def advance(self, day: int) -> None:
        """Serve up to today's capacity from the oldest buckets, FIFO."""
        self.served_today[:] = 0
        self.wait_sum_today[:] = 0
        for q, buckets in enumerate(self._buckets):
            cap = self.capacity[q]
            if np.isinf(cap):
                budget = 1 << 62
            else:
                self.credit[q] += cap
                budget = math.floor(self.credit[q] + 1e-9)
            served = 0
            wait = 0
            while buckets and budget > 0:
                b = buckets[0]
                take = min(budget, b[1])
                served += take
                wait += take * (day - b[0])
                b[1] -= take
                budget -= take
                if b[1] == 0:
                    buckets.popleft()
            if not np.isinf(cap):
                # unused capacity does not carry over; only the fractional remainder does
                self.credit[q] = max(self.credit[q] - math.floor(self.credit[q] + 1e-9), 0.0)
            self.served[q] += served
            self.served_today[q] = served
            self.wait_sum_today[q] = wait

    def length(self) -> npt.NDArray[np.int64]:
        """People waiting in each queue."""
        return self.issued - self.served
