"""The examples in the engine's docstrings run and give what they show."""

import doctest
import importlib

import pytest

MODULES = [
    "roxham.sim.agents",
    "roxham.sim.choice",
    "roxham.sim.engine",
    "roxham.sim.network",
    "roxham.sim.oracle",
    "roxham.sim.progress",
    "roxham.sim.queues",
    "roxham.sim.scenario",
    "roxham.sim.timeline",
    "roxham.sim.engine",
    "roxham.store.rundir",
    "roxham.store.result",
    "roxham.store.identity",
]


@pytest.mark.parametrize("name", sorted(set(MODULES)))
def test_docstring_examples(name: str) -> None:
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
