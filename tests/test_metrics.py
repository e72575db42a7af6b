"""sMAPE, shared by the fit reports and calibration: hand-computed values and its bounds."""

from __future__ import annotations

import doctest

import pytest

import roxham.metrics
from roxham.metrics import smape


def test_docstring_examples() -> None:
    res = doctest.testmod(roxham.metrics)
    assert res.failed == 0 and res.attempted > 0


def test_hand_computed_values() -> None:
    assert smape([10.0, 20.0], [10.0, 20.0]) == 0.0
    assert smape([0.0], [5.0]) == 200.0  # worst
    assert smape([0.0, 0.0], [0.0, 0.0]) == 0.0  # 0/0 counts as agreement
    assert smape([30.0], [10.0]) == pytest.approx(100.0)  # 2·20/40
    assert smape([30.0], [10.0], floor=40.0) == pytest.approx(50.0)  # 2·20/80


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError):
        smape([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        smape([], [])
