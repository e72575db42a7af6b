"""Invariants of the law over many generated people (fixed seed), through evaluate_batch."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pyarrow as pa
import pytest
from law_strategies import build_facts
from pydantic import ValidationError

from roxham.law import (
    EXCEPTION_IDS,
    GROUND_IDS,
    Facts,
    Reform,
    columns_from_facts,
    evaluate_batch,
)

E_BIT = 1 << GROUND_IDS.index("101(1)(e)")


@pytest.fixture(scope="module")
def population() -> tuple[dict[str, np.ndarray], np.ndarray]:
    rng = random.Random(20230325)
    facts: list[Facts] = []
    days: list[dt.date] = []
    while len(facts) < 4000:
        d, as_of = build_facts(rng)
        try:
            facts.append(Facts.model_validate(d))
        except ValidationError:
            continue
        days.append(as_of)
    return columns_from_facts(facts), np.array(days, dtype="datetime64[D]")


@pytest.mark.parametrize("exc", [*EXCEPTION_IDS, "IRPR 159.5(b)"])
def test_removing_an_exception_never_helps(population, exc: str) -> None:  # type: ignore[no-untyped-def]
    cols, days = population
    base = evaluate_batch(cols, days)
    cut = evaluate_batch(cols, days, Reform(remove_exceptions=(exc,)))
    assert not np.any(cut.eligible & ~base.eligible)
    changed = cut.result_code != base.result_code
    assert np.all(base.stca_status[changed] == 2)  # only people who relied on an exception


def test_no_protocol_changes_only_crossings_between_ports(population) -> None:  # type: ignore[no-untyped-def]
    cols, days = population
    base = evaluate_batch(cols, days)
    nop = evaluate_batch(cols, days, Reform(no_protocol=True))
    changed = nop.result_code != base.result_code
    assert np.all(cols["entry_mode"][changed] == 1)  # BETWEEN_POE
    assert not np.any(nop.eligible & ~base.eligible & (cols["entry_mode"] != 1))
    assert changed.any()


def test_wider_window_changes_only_crossings_between_ports(population) -> None:  # type: ignore[no-untyped-def]
    cols, days = population
    base = evaluate_batch(cols, days)
    wide = evaluate_batch(cols, days, Reform(protocol_window_days=30))
    changed = wide.result_code != base.result_code
    assert np.all(cols["entry_mode"][changed] == 1)


def test_suspension_removes_only_the_stca_ground(population) -> None:  # type: ignore[no-untyped-def]
    cols, days = population
    base = evaluate_batch(cols, days)
    sus = evaluate_batch(cols, days, Reform(stca_suspended=True))
    assert not np.any(sus.grounds & E_BIT)
    assert np.array_equal(sus.grounds, base.grounds & ~E_BIT)
    assert np.all(sus.stca_status == 0)


def test_arrow_columns_give_the_same_answers(population) -> None:  # type: ignore[no-untyped-def]
    cols, days = population
    arrow = {k: pa.array(v) for k, v in cols.items() if v.ndim == 1}
    arrow["entry_date"] = pa.array(cols["entry_date"].astype("datetime64[D]"), type=pa.date32())
    arrow["entries"] = cols["entries"]  # 2-D: stays NumPy
    a = evaluate_batch(arrow, pa.array(days, type=pa.date32()))
    b = evaluate_batch(cols, days)
    assert np.array_equal(a.result_code, b.result_code)
    assert np.array_equal(a.grounds, b.grounds) and np.array_equal(a.exceptions, b.exceptions)


def test_determination_date_only_moves_forward_in_law(population) -> None:  # type: ignore[no-untyped-def]
    """Before 2004-12-29 nobody is ineligible under the STCA, whatever the facts."""
    cols, days = population
    res = evaluate_batch(cols, days)
    early = days < np.datetime64(dt.date(2004, 12, 29))
    assert not np.any(res.grounds[early] & E_BIT)
