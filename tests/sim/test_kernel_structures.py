"""The kernel's interface: a few typed structures, one agent-state enum."""

from __future__ import annotations

import inspect

import numpy as np

from roxham.models.flee import kernel as FK
from roxham.sim import kernel as K
from roxham.sim.agents import AGENT_DTYPES, Agents, AgentState
from roxham.sim.network import ArrivalAction


def test_step_day_takes_at_most_twelve_arguments() -> None:
    params = inspect.signature(K.step_day.py_func).parameters
    assert len(params) <= 12


def test_agent_arrays_are_the_agent_columns_in_order() -> None:
    assert K.AgentArrays._fields == tuple(AGENT_DTYPES)
    a = Agents.allocate(3)
    arr = a.arrays()
    for name in AGENT_DTYPES:
        assert getattr(arr, name) is getattr(a, name)  # views of the same memory, not copies
    a.ensure_capacity(10)
    assert a.arrays().state.shape == (10,)


def test_kernel_states_are_the_one_enum() -> None:
    for s in AgentState:
        assert getattr(K, s.name) == int(s)
    assert len(AgentState) == K.N_STATES
    for act in ArrivalAction:
        assert getattr(K, f"ACT_{act.name}") == int(act)
    # Flee's kernel uses the same values for the states it knows
    assert FK.AT_LOCATION == AgentState.DECIDING
    assert FK.TRAVELLING == AgentState.TRAVELLING
    assert FK.GONE == AgentState.EXITED


def test_state_counts_follow_the_enum() -> None:
    a = Agents.allocate(4)
    a.n_alive = 4
    a.state[:4] = [AgentState.EXITED, AgentState.DECIDING, AgentState.EXITED, AgentState.QUEUED]
    counts = a.state_counts()
    assert counts[AgentState.EXITED] == 2
    assert counts[AgentState.QUEUED] == 1
    assert counts[AgentState.TRAVELLING] == 0
    assert int(np.sum(counts)) == 4
