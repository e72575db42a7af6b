"""Generic calibration core: priors, distance, executors, determinism, checkpoint/resume."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roxham.calibrate import (
    LocalExecutor,
    Param,
    ParameterSpace,
    calibrate,
    distance,
    smape,
    task_seed,
)
from roxham.calibrate.distance import Observed, month_range
from roxham.calibrate.executor import Executor
from roxham.calibrate.fit import Calibration
from roxham.calibrate.space import get_path
from roxham.calibrate.toy import ToyModel, toy_observed
from roxham.errors import UserError

#: Hypothesis examples per property: 300 in CI (``CI`` set), 30 in development.
PROFILE = settings(max_examples=300 if os.environ.get("CI") else 30, deadline=None)

TRUE = {"level": 200.0, "amp": 0.5, "peak": 7.0}


# --- priors -------------------------------------------------------------------------------
@settings(PROFILE)
@given(st.floats(0.0, 1.0))
def test_from_unit_stays_in_bounds_and_is_monotone(u: float) -> None:
    for p in (Param("a", "a", 2.0, 50.0, "loguniform"), Param("b", "b", -1.0, 3.0),
              Param("c", "c", 1, 12, "int")):
        v = p.from_unit(u)
        assert p.low <= v <= p.high
        assert p.from_unit(min(1.0, u + 0.01)) >= v
        if p.prior == "int":
            assert v == int(v)


def test_prior_quantiles_by_hand() -> None:
    # log-uniform on [1, 100]: median 10; uniform on [-1, 3]: quarter point 0; int 1..12: 12
    # equal cells, u = 0.5 falls in the 7th.
    assert Param("a", "a", 1.0, 100.0, "loguniform").from_unit(0.5) == pytest.approx(10.0)
    assert Param("b", "b", -1.0, 3.0).from_unit(0.25) == pytest.approx(0.0)
    assert Param("c", "c", 1, 12, "int").from_unit(0.5) == 7.0
    assert Param("c", "c", 1, 12, "int").from_unit(1.0) == 12.0


def test_apply_writes_paths_through_named_list_elements() -> None:
    space = ParameterSpace((Param("m", "demand.shocks.b.multiplier", 0, 9),
                            Param("k", "choice.asc.x", -5, 5),
                            Param("n", "demand.n", 1, 9, "int")))
    base: dict[str, Any] = {"demand": {"n": 3, "shocks": [{"name": "a", "multiplier": 1.0},
                                          {"name": "b", "multiplier": 2.0}]},
            "choice": {"asc": {"x": 0.0}}}
    out = space.apply(base, {"m": 4.5, "k": -1.0, "n": 6.6})
    assert get_path(out, "demand.shocks.b.multiplier") == 4.5
    assert get_path(out, "demand.shocks.a.multiplier") == 1.0
    assert out["choice"]["asc"]["x"] == -1.0
    assert out["demand"]["n"] == 7 and isinstance(out["demand"]["n"], int)
    assert base["demand"]["shocks"][1]["multiplier"] == 2.0  # base untouched
    with pytest.raises(UserError, match="no list element named 'zz'"):
        ParameterSpace((Param("z", "demand.shocks.zz.multiplier", 0, 1),)).apply(base, {"z": 1})
    with pytest.raises(UserError, match="unknown parameter"):
        space.apply(base, {"nope": 1.0})


def test_canada_us_space_paths_exist_and_start_from_the_current_scenario() -> None:
    from roxham.calibrate import CanadaUSModel
    from roxham.calibrate.priors import CANADA_US_SPACE
    from roxham.models.canada_us.scenario import load_scenario

    base = load_scenario("historical").model_dump(mode="json")
    space = CanadaUSModel().space
    assert space.names == CANADA_US_SPACE.names
    for p in space.params:
        assert p.hand is not None, p.name
        assert get_path(base, p.path) == pytest.approx(p.hand), p.name
        assert p.low <= p.hand <= p.high, p.name


# --- distance -----------------------------------------------------------------------------
def test_smape_by_hand() -> None:
    # |110-100|*2/210 = 0.095238; |0-0| = 0; |50-100|*2/150 = 0.666667 → mean*100 = 25.397
    assert smape([110.0, 0.0, 50.0], [100.0, 0.0, 100.0]) == pytest.approx(25.3968, abs=1e-3)


def test_floor_softens_official_zeros_only() -> None:
    # 2|4-0|/(4+0+10) = 0.5714; 2|110-100|/(210+10) = 0.0909 → mean 33.1 %
    assert smape([4.0, 110.0], [0.0, 100.0], floor=10.0) == pytest.approx(
        100 * (8 / 14 + 20 / 220) / 2)
    assert smape([4.0], [0.0]) == 200.0


def test_distance_skips_and_counts_missing_months_and_weights_series() -> None:
    obs = Observed(
        {"a/X": ({"2020-01": 100.0, "2020-03": 100.0}, 1),
         "b/X": ({"2020-02": 10.0}, 2),
         "c/X": ({"2019-01": 5.0}, 0)},
        {"a/X": 3.0, "b/X": 1.0, "c/X": 1.0},
    )
    sim = {"a/X": {"2020-01": 100.0, "2020-02": 999.0, "2020-03": 50.0},
           "b/X": {"2020-01": 1.0, "2020-02": 30.0}}
    r = distance(sim, obs, "2020-01", "2020-03")
    a = 100 * (0 + 100 / 150) / 2  # 33.33: 2020-02 has no official figure, skipped
    b = 100 * 40 / 40              # 2|30-10|/(40) = 1
    assert r.per_series["a/X"].smape == pytest.approx(a)
    assert (r.per_series["a/X"].n, r.per_series["a/X"].missing) == (2, 1)
    assert (r.per_series["b/X"].n, r.per_series["b/X"].missing) == (1, 2)
    assert r.per_series["c/X"].n == 0 and math.isnan(r.per_series["c/X"].smape)
    assert r.value == pytest.approx((3 * a + b) / 4)


def test_month_range_and_bad_month() -> None:
    assert len(month_range("2017-01", "2022-12")) == 72
    with pytest.raises(UserError, match="YYYY-MM"):
        month_range("2017-13", "2018-01")


def test_official_targets_load_with_sources() -> None:
    from roxham.calibrate import load_observed
    from roxham.calibrate.priors import CANADA_US_TARGETS

    obs = load_observed(CANADA_US_TARGETS)
    qc, _ = obs.window("rcmp_interceptions/QC", "2017-01", "2017-12")
    # IRCC monthly RCMP interceptions, Quebec, 2017 total 18,836 (IRCC asylum claimants
    # processed by RCMP; the 2017 figure cited throughout the literature).
    assert sum(qc.values()) == pytest.approx(18836, rel=0.01)
    assert obs.sources["rcmp_interceptions/QC"].startswith("http")


# --- executors and determinism ------------------------------------------------------------
def _square(x: int) -> int:
    return x * x


def test_local_executor_keeps_item_order_with_two_processes() -> None:
    ex = LocalExecutor(2)
    try:
        assert ex.map(_square, list(range(7))) == [i * i for i in range(7)]
    finally:
        ex.close()


def test_task_seeds_are_distinct_and_depend_on_run_seed() -> None:
    seeds = {task_seed(1, i) for i in range(1000)}
    assert len(seeds) == 1000
    assert task_seed(2, 0) != task_seed(1, 0)


def _toy_cal(executor: Executor, **kw: Any) -> Calibration:
    obs = toy_observed(TRUE, "2018-12", missing=("2017-05",))
    return calibrate(ToyModel(), budget=24, seed=5, train_end="2018-12", batch=6,
                     executor=executor, observed=obs, refine=2, refine_seeds=2,
                     **kw)


def test_toy_calibration_recovers_parameters_and_ignores_worker_count() -> None:
    one = _toy_cal(LocalExecutor(1))
    ex2 = LocalExecutor(2)
    try:
        two = _toy_cal(ex2)
    finally:
        ex2.close()
    assert one.trials == [dict(t, wall_s=o["wall_s"]) for t, o in zip(two.trials, one.trials,
                                                                          strict=True)]
    assert one.best == two.best
    assert one.best_distance == two.best_distance
    # 24 simulations find the level within 30% (Poisson noise, sMAPE distance)
    assert one.best["level"] == pytest.approx(TRUE["level"], rel=0.3)
    assert one.skipped_months["toy/X"] == 1
    w = one.posterior_weights
    assert len(w) >= 10 and sum(w) == pytest.approx(1.0)
    assert one.posterior_distances == sorted(one.posterior_distances)


def test_dask_local_cluster_gives_the_local_result() -> None:
    from distributed import Client, LocalCluster

    from roxham.calibrate import DaskExecutor

    local = _toy_cal(LocalExecutor(1))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        ex = DaskExecutor(client)
        assert ex.workers == 2
        dask = _toy_cal(ex)
    strip = [{k: v for k, v in t.items() if k != "wall_s"} for t in local.trials]
    assert [{k: v for k, v in t.items() if k != "wall_s"} for t in dask.trials] == strip
    assert dask.best == local.best and dask.posterior_samples == local.posterior_samples


def test_interrupted_calibration_resumes_from_checkpoint(tmp_path: Path) -> None:
    ck = tmp_path / "sims.jsonl"
    full = _toy_cal(LocalExecutor(1), checkpoint=ck)
    lines = ck.read_text().splitlines()
    assert len(lines) == 1 + 24 + 4  # header, search, refine
    # an interruption after 9 simulations, the 10th line half written
    ck.write_text("\n".join(lines[:10]) + "\n" + lines[10][:20])
    again = _toy_cal(LocalExecutor(1), checkpoint=ck)
    assert again.resumed == 9
    assert again.best == full.best
    assert [t["distance"] for t in again.trials] == [t["distance"] for t in full.trials]
    # the cut line was dropped and the file is whole again
    assert [json.loads(x)["id"] for x in ck.read_text().splitlines()[1:]] == list(range(28))
    # a checkpoint of other settings is refused, never mixed in
    with pytest.raises(UserError, match="another calibration"):
        obs = toy_observed(TRUE, "2018-12")
        calibrate(ToyModel(), budget=24, seed=6, train_end="2018-12", batch=6,
                  executor=LocalExecutor(1), observed=obs, checkpoint=ck)
    assert json.loads(ck.read_text().splitlines()[0])["header"]["seed"] == 5


def test_resume_inside_the_local_phase(tmp_path: Path) -> None:
    """Cut during the CMA-ES phase (simulations 12..23 of 24): the resumed run proposes the
    same points and ends with the same result."""
    ck = tmp_path / "sims.jsonl"
    full = _toy_cal(LocalExecutor(1), checkpoint=ck)
    lines = ck.read_text().splitlines()
    ck.write_text("\n".join(lines[:1 + 18]) + "\n")  # header + 18 simulations
    again = _toy_cal(LocalExecutor(1), checkpoint=ck)
    assert again.resumed == 18
    assert [t["params"] for t in again.trials] == [t["params"] for t in full.trials]
    assert again.best == full.best and again.posterior_samples == full.posterior_samples


def test_local_phase_searches_around_the_best_search_point() -> None:
    cal = _toy_cal(LocalExecutor(1))
    tpe, local = cal.trials[:12], cal.trials[12:]
    assert len(local) == 12
    start = min(tpe, key=lambda t: t["distance"])["params"]
    space = ToyModel().space
    u0 = space.to_unit(start)
    # CMA-ES with step 0.08 on the unit cube stays near its start (a prior draw would not)
    spread = [max(abs(a - b) for a, b in zip(space.to_unit(t["params"]), u0, strict=True))
              for t in local]
    assert max(spread) < 0.5
