"""The examples in roxham.law's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "roxham.law",
    "roxham.law.batch",
    "roxham.law.changes",
    "roxham.law.determine",
    "roxham.law.explain",
    "roxham.law.facts",
    "roxham.law.household",
    "roxham.law.overlay",
    "roxham.law.reform",
    "roxham.law.registry",
    "roxham.law.plain",
    "roxham.law.rules",
    "roxham.law.steps",
    "roxham.law.visas",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
