"""Property-based fuzzing (issue 18): generated facts, scenario files, command lines and API
requests, mostly hostile, are answered or refused in one line / a 4xx, never a crash.

Profiles: ``fuzz-ci`` (default, small) and ``fuzz-large`` (``ROXHAM_FUZZ=large``); the
100,000-input run is ``benchmarks/fuzz.py``."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import pytest
from fuzz_targets import (
    _dumps,
    api_target,
    cli_target,
    facts_case,
    law_target,
    make_api_client,
    mutate,
    scenario_target,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_COMMON: dict[str, Any] = {"deadline": None, "database": None,
                           "suppress_health_check": list(HealthCheck)}
_LARGE = os.environ.get("ROXHAM_FUZZ") == "large"


def _n(ci: int, large: int) -> int:
    return large if _LARGE else ci


randoms = st.randoms(use_true_random=False)


@settings(max_examples=_n(300, 20_000), **_COMMON)
@given(randoms)
def test_law_never_crashes(r: random.Random) -> None:
    law_target(r)


@settings(max_examples=_n(80, 5_000), **_COMMON)
@given(randoms)
def test_scenarios_never_crash(tmp_path_factory: pytest.TempPathFactory, r: random.Random
                               ) -> None:
    scenario_target(r, tmp_path_factory.mktemp("scen"))


@settings(max_examples=_n(40, 2_000), **_COMMON)
@given(randoms)
def test_cli_never_crashes(tmp_path_factory: pytest.TempPathFactory, r: random.Random) -> None:
    cli_target(r, tmp_path_factory.mktemp("cli"))


@pytest.fixture(scope="module")
def api_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    client = make_api_client(tmp_path_factory.mktemp("api"))
    yield client
    client.__exit__(None, None, None)


@settings(max_examples=_n(120, 10_000), **_COMMON)
@given(randoms)
def test_api_never_crashes(api_client: Any, r: random.Random) -> None:
    api_target(r, api_client)


def test_mutations_are_hostile() -> None:
    # the generator really produces the values the issue names (a self-check of the suite)
    r = random.Random(5)
    seen: set[str] = set()
    for _ in range(3000):
        facts, day = facts_case(r)
        text = _dumps(mutate(r, facts))
        for tag, needle in (("nan", "NaN"), ("inf", "Infinity"), ("edge-date", "9999-12-31"),
                            ("bigint", "9" * 4400), ("deep", "[" * 2000)):
            if needle in text or needle in day:
                seen.add(tag)
    assert seen == {"nan", "inf", "edge-date", "bigint", "deep"}
