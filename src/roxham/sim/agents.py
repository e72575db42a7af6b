"""Agents as a structure of arrays, with compact dtypes (41 bytes per agent).

Never one Python object per agent: an :class:`Agents` holds one NumPy array per attribute,
pre-allocated to a capacity; the first :attr:`Agents.n_alive` rows are in use (agents are never
deleted: an agent that leaves the system is marked :attr:`AgentState.EXITED`).

>>> a = Agents.allocate(4)
>>> a.n_alive, a.capacity, a.bytes_per_agent()
(0, 4, 41)
>>> a.ensure_capacity(10); a.capacity >= 10
True
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from roxham.sim.kernel import AgentArrays

__all__ = ["AGENT_DTYPES", "NEVER", "AgentState", "Agents"]

#: Day value meaning "has not happened" in the int16 day columns.
NEVER = -1


class AgentState(IntEnum):
    """Where an agent is in its journey."""

    #: at a location, choosing every day (``loc`` is the location)
    DECIDING = 0
    #: on a link (``link``, ``pos`` km travelled on it; ``loc`` is the link's start)
    TRAVELLING = 1
    #: waiting in a processing queue (``queue``, FIFO ``ticket``)
    QUEUED = 2
    #: claim referred and processed: stays at ``loc``, no more decisions
    CLAIMANT = 3
    #: stopped for good at an absorbing location (sink, outside option)
    SETTLED = 4
    #: left the system (gave up after a return, or removed)
    EXITED = 5


N_STATES = len(AgentState)

#: Column name → dtype. ``bytes_per_agent`` is the sum of their item sizes.
AGENT_DTYPES: dict[str, type[np.generic]] = {
    "loc": np.int32,  # current location (start of the link while travelling)
    "link": np.int32,  # current link, -1 if none
    "pos": np.float32,  # km (or days) travelled on the current link
    "route": np.int32,  # chosen option (path), -1 if none
    "group": np.int32,  # row of the choice-probability table
    "profile": np.int32,  # row of the facts-profile table (law oracle)
    "ticket": np.int32,  # FIFO ticket in the current queue
    "queue": np.int16,  # current queue, -1 if none
    "cohort": np.int16,  # cohort index
    "born": np.int16,  # day of spawn (offset from the start of the period)
    "t_cross": np.int16,  # day of the last border crossing, NEVER if none
    "t_claim": np.int16,  # day of the claim, NEVER if none
    "hop": np.int8,  # index of the current link within the route
    "state": np.int8,  # AgentState
    "attempts": np.int8,  # number of times returned after a claim
}


@dataclass(eq=False)
class Agents:
    """Structure of arrays; rows ``[0, n_alive)`` are agents.

    Attributes are the columns of :data:`AGENT_DTYPES`.
    """

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
    n_alive: int = 0

    @classmethod
    def allocate(cls, capacity: int) -> Agents:
        """Empty agent arrays with room for ``capacity`` agents."""
        cap = max(int(capacity), 1)
        cols = {name: np.zeros(cap, dtype=dt) for name, dt in AGENT_DTYPES.items()}
        return cls(**cols, n_alive=0)

    @property
    def capacity(self) -> int:
        """Rows allocated."""
        return len(self.state)

    def ensure_capacity(self, needed: int) -> None:
        """Grow (by doubling) so that ``needed`` agents fit; existing rows are kept."""
        if needed <= self.capacity:
            return
        new_cap = max(needed, 2 * self.capacity)
        for name in AGENT_DTYPES:
            old = getattr(self, name)
            arr = np.zeros(new_cap, dtype=old.dtype)
            arr[: self.n_alive] = old[: self.n_alive]
            setattr(self, name, arr)

    @staticmethod
    def bytes_per_agent() -> int:
        """Bytes of agent arrays per agent (sum of the column item sizes)."""
        return int(sum(np.dtype(dt).itemsize for dt in AGENT_DTYPES.values()))

    def arrays(self) -> AgentArrays:
        """The columns as the kernel's :class:`~roxham.sim.kernel.AgentArrays` (whole arrays,
        not copies; call again after :meth:`ensure_capacity`)."""
        from roxham.sim.kernel import AgentArrays

        return AgentArrays(*(getattr(self, name) for name in AGENT_DTYPES))

    def column(self, name: str) -> npt.NDArray[np.generic]:
        """The live part (``[:n_alive]``) of a column, as a view."""
        if name not in AGENT_DTYPES:
            raise KeyError(name)
        arr: npt.NDArray[np.generic] = getattr(self, name)
        return arr[: self.n_alive]

    def state_counts(self) -> npt.NDArray[np.int64]:
        """Number of agents in each :class:`AgentState`."""
        return np.bincount(self.state[: self.n_alive], minlength=N_STATES).astype(np.int64)
