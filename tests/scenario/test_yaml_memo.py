"""load_yaml remembers a parsed text: the same data as a fresh parse, never shared with an
earlier caller, and a changed text (or origin) is parsed afresh."""

from __future__ import annotations

import pytest

from roxham import scenario as S
from roxham.errors import UserError


def test_a_remembered_parse_is_a_fresh_copy() -> None:
    S._PARSED.clear()
    text = "name: a\nlist: [1, 2, {x: 3}]\nnested: {k: {v: 1.5}}\n"
    d1, l1 = S.load_yaml(text, "a.yaml")
    d1["nested"]["k"]["v"] = 99  # the caller owns its copy
    d1["list"].append(4)
    l1.clear()
    d2, l2 = S.load_yaml(text, "a.yaml")
    assert d2 == {"name": "a", "list": [1, 2, {"x": 3}], "nested": {"k": {"v": 1.5}}}
    assert l2 == S._parse_yaml(text, "a.yaml")[1] and l2[("nested", "k", "v")] == 3
    # a changed text is parsed, not served from memory
    d3, _ = S.load_yaml(text.replace("1.5", "2.5"), "a.yaml")
    assert d3["nested"]["k"]["v"] == 2.5


def test_errors_are_not_remembered() -> None:
    S._PARSED.clear()
    for _ in range(2):
        with pytest.raises(UserError, match=r"bad.yaml:\d+: invalid YAML"):
            S.load_yaml("a: [1, 2\n", "bad.yaml")
    assert not S._PARSED
