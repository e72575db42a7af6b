"""No scenario input crashes the loader or the builder: bad input is a UserError."""

import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from roxham.errors import UserError
from roxham.sim import parse_scenario

#: Hypothesis examples per property: 50 in CI (``CI`` set), 10 in development.
PROFILE = settings(max_examples=50 if os.environ.get("CI") else 10, deadline=None)

BASE = yaml.safe_load((Path(__file__).parent / "data" / "tiny.yaml").read_text())

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(-1e4, 1e4),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e300, 1e12]),
    st.sampled_from(["", "A", "X", "B", "Q", "2024-02-30", "2024-01-10", "A->X", "logit"]),
    st.lists(st.integers(-1, 3), max_size=3),
    st.dictionaries(st.sampled_from(["name", "kind", "x"]), st.integers(0, 2), max_size=2),
)


def paths(d: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(d, dict):
        for k, v in d.items():
            out += paths(v, (*prefix, k))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            out += paths(v, (*prefix, i))
    return out


ALL_PATHS = paths(BASE)


def mutate(path: tuple[Any, ...], value: Any, delete: bool) -> dict[str, Any]:
    doc = yaml.safe_load(yaml.safe_dump(BASE))
    node = doc
    for p in path[:-1]:
        node = node[p]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


@settings(PROFILE)
@given(st.sampled_from(ALL_PATHS), values, st.booleans())
def test_mutated_scenarios_fail_cleanly(path: tuple[Any, ...], value: Any, delete: bool) -> None:
    text = yaml.safe_dump(mutate(path, value, delete))
    try:
        sc = parse_scenario(text, "fuzz.yaml")
        sim = sc.build()
        sim.run(seed=1)
    except UserError as e:
        msg = str(e)
        assert msg.startswith("fuzz.yaml") or "event" in msg or "spawn" in msg or msg
        assert "\n" not in msg
