"""Likelihood-free inference: prior bank, summaries, NPE, posterior_for_window (issue 14).

The network is trained on the toy model (roxham.calibrate.toy), whose truth is known; the
Canada–US model's NPE is checked by benchmarks/sbc.py (simulation-based calibration)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from roxham.calibrate.bank import build_bank, model_hash
from roxham.calibrate.distance import Observed, month_range
from roxham.calibrate.executor import LocalExecutor
from roxham.calibrate.summaries import summary_spec
from roxham.calibrate.toy import ToyModel, toy_observed
from roxham.errors import UserError

TRUTH = {"level": 250.0, "amp": 0.5, "peak": 4.0}
START, END = "2017-01", "2019-12"


def _config():  # type: ignore[no-untyped-def]
    from roxham.calibrate.npe import NPEConfig

    return NPEConfig(sims=300, hidden=32, transforms=2, batch=32, max_epochs=150, stop_after=15,
                     learning_rate=2e-3, period="half")


def _poisoned(obs: Observed, end: str) -> Observed:
    """``obs`` with every figure after ``end`` replaced by an absurd value."""
    vals, miss = obs.series["toy/X"]
    bad = {m: (v if m <= end else 1e9) for m, v in vals.items()}
    return Observed({"toy/X": (bad, miss)}, dict(obs.weights), dict(obs.sources),
                    frequency={"toy/X": "month"})


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roxham-cache")


@pytest.fixture(scope="module")
def trained(cache: Path):  # type: ignore[no-untyped-def]
    pytest.importorskip("sbi")
    from roxham.calibrate.inference import window_posterior

    obs = toy_observed(TRUTH, "2024-12", seed=3)
    return window_posterior(ToyModel(), obs, START, END, _config(), LocalExecutor(1), cache)


def test_summaries_hand_computed_and_nothing_after_the_window() -> None:
    months = month_range("2017-01", "2024-12")
    obs = Observed({"a/X": ({"2018-02": 9.0, "2018-05": 0.0, "2018-07": 3.0, "2019-01": 5.0},
                            0), "c/Y": ({"2017": 99.0, "2018": 7.0}, 0)},
                   {"a/X": 1.0, "c/Y": 1.0}, frequency={"a/X": "month", "c/Y": "year"})
    assert summary_spec(obs, "2017-01", "2018-12", months).labels == [
        "a/X 2018Q1", "a/X 2018Q2", "a/X 2018Q3", "c/Y 2017", "c/Y 2018"]
    spec = summary_spec(obs, "2017-01", "2018-12", months, period="half")
    assert spec.labels == ["a/X 2018H1", "a/X 2018H2", "c/Y 2017", "c/Y 2018"]
    # mean of log(1 + x) over the official months of the half-year; log(1 + yearly total)
    assert spec.observed == pytest.approx([np.log(10) / 2, np.log(4), np.log(100), np.log(8)])
    # simulations are summarised over the same months (2018-02 and 2018-05 for 2018H1)
    sim = {"a/X": np.arange(96, dtype=float)[None, :], "c/Y": np.ones((1, 96))}
    x = spec.simulated(sim)[0]
    assert x[0] == pytest.approx((np.log(1 + 13) + np.log(1 + 16)) / 2)
    assert x[3] == pytest.approx(np.log(13))
    assert all(months[c] <= "2018-12" for f in spec.features for c in f.cols)


def test_two_builders_of_the_same_bank_at_once_both_finish_with_the_same_bank(
        tmp_path: Path) -> None:
    """Two backtest origins may build the same missing chunks concurrently (a run failed so:
    both wrote one temporary file); each must finish, with identical banks."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(lambda _: build_bank(ToyModel(), 250, seed=4, cache=tmp_path), [0, 1])
    np.testing.assert_array_equal(a.u, b.u)
    np.testing.assert_array_equal(a.series["toy/X"], b.series["toy/X"])
    assert sorted(p.name for p in next(tmp_path.rglob("chunk-00000.npz")).parent.iterdir()) \
        == ["chunk-00000.npz", "chunk-00001.npz", "chunk-00002.npz"]


def test_bank_is_reproducible_cached_and_prefix_stable(tmp_path: Path) -> None:
    m = ToyModel()
    a = build_bank(m, 130, seed=2, executor=LocalExecutor(1), cache=tmp_path)
    b = build_bank(m, 130, seed=2, executor=LocalExecutor(1), cache=None)
    c = build_bank(m, 120, seed=2, cache=tmp_path)  # read back from disk
    np.testing.assert_array_equal(a.u, b.u)
    np.testing.assert_array_equal(a.series["toy/X"], b.series["toy/X"])
    np.testing.assert_array_equal(c.series["toy/X"], a.series["toy/X"][:120])
    assert len(list((tmp_path / "bank").rglob("chunk-*.npz"))) == 2
    other = build_bank(m, 5, seed=3, cache=None)
    assert not np.array_equal(other.u, a.u[:5])
    # the simulated values follow the drawn parameters (level is the first parameter)
    lv = np.array([m.space.from_unit(u.tolist())["level"] for u in a.u])
    assert np.corrcoef(np.log(lv), np.log1p(a.series["toy/X"].mean(axis=1)))[0, 1] > 0.95
    assert model_hash(m) == a.hash


def test_npe_recovers_the_toy_level(trained) -> None:  # type: ignore[no-untyped-def]
    draws = trained.draws(400, seed=1)
    lv = np.array([d["level"] for d in draws])
    lo, hi = np.percentile(lv, [5, 95])
    assert lo < TRUTH["level"] < hi
    # prior 10..1000 (log-uniform): the 90 % interval is far narrower than the prior's
    assert np.log(hi / lo) < 0.25 * np.log(1000 / 10)
    assert all(10.0 <= v <= 1000.0 for v in lv)
    assert {d["peak"] for d in draws} <= set(map(float, range(1, 13)))


def test_draws_deterministic_for_a_seed_and_cached(trained, cache: Path) -> None:  # type: ignore[no-untyped-def]
    from roxham.calibrate.inference import window_posterior

    a = trained.draws(50, seed=7)
    assert a == trained.draws(50, seed=7)
    assert a != trained.draws(50, seed=8)
    obs = toy_observed(TRUTH, "2024-12", seed=3)
    again = window_posterior(ToyModel(), obs, START, END, _config(), LocalExecutor(1), cache)
    assert again.cached and again.draws(50, seed=7) == a
    assert len(list((cache / "npe").glob("*.pt"))) == 1


def test_window_never_reads_figures_after_its_end(trained, cache: Path) -> None:  # type: ignore[no-untyped-def]
    from roxham.calibrate.inference import window_posterior

    obs = _poisoned(toy_observed(TRUTH, "2024-12", seed=3), END)
    wp = window_posterior(ToyModel(), obs, START, END, _config(), LocalExecutor(1), cache)
    np.testing.assert_array_equal(wp.spec.observed, trained.spec.observed)
    assert wp.draws(30, seed=3) == trained.draws(30, seed=3)


def test_posterior_for_window_contract(trained, cache: Path,  # type: ignore[no-untyped-def]
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import roxham.calibrate.inference as inf
    from roxham.calibrate import posterior_for_window

    monkeypatch.setenv("ROXHAM_CACHE_DIR", str(cache))
    monkeypatch.setitem(inf.MODELS, "toy", ToyModel)
    seen: list[str] = []

    def observed(model: object, train_end: str) -> Observed:
        seen.append(train_end)
        return _poisoned(toy_observed(TRUTH, "2024-12", seed=3), train_end)

    monkeypatch.setattr(inf, "_observed_for", observed)
    d = posterior_for_window("toy", END, n=20, seed=5, config=_config(), method="npe")
    assert seen == [END]
    assert len(d) == 20 and set(d[0]) == {"level", "amp", "peak"}
    assert d == trained.draws(20, seed=5)  # same cached network, same draws
    with pytest.raises(UserError, match="unknown inference method"):
        posterior_for_window("toy", END, n=2, seed=1, method="mcmc")
    with pytest.raises(UserError, match="unknown model"):
        posterior_for_window("nope", END, n=2, seed=1)
    with pytest.raises(UserError, match="must lie in"):
        posterior_for_window("toy", "2025-06", n=2, seed=1)


def test_missing_inference_packages_give_one_clear_line(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    from roxham.calibrate.npe import require_sbi

    monkeypatch.setitem(sys.modules, "sbi", None)
    with pytest.raises(UserError, match=r"pip install 'roxham\[infer\]'"):
        require_sbi()


def test_the_main_install_does_not_import_the_inference_packages() -> None:
    import subprocess

    code = ("import sys, roxham.calibrate, roxham.calibrate.runs, roxham.cli; "
            "print(sorted(m for m in ('torch', 'sbi') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_rejection_abc_keeps_the_bank_draws_nearest_the_window_and_nothing_after_it(
        trained, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The default method: the accepted bank rows are those of smallest calibration distance
    (recomputed here one by one with distance() on sim_table-shaped dicts), figures after the
    window's end change nothing, and the accepted draws sit nearer the truth than the prior's."""
    import roxham.calibrate.inference as inf
    from roxham.calibrate import posterior_for_window
    from roxham.calibrate.abc import abc_posterior
    from roxham.calibrate.distance import distance

    monkeypatch.setenv("ROXHAM_CACHE_DIR", str(cache))
    monkeypatch.setitem(inf.MODELS, "toy", ToyModel)
    bank = trained.bank
    obs = toy_observed(TRUTH, "2024-12", seed=3)
    post = abc_posterior(bank, obs, START, END, accept=30)
    by_hand = []
    for i in range(len(bank)):
        sim = {"toy/X": dict(zip(bank.months, bank.series["toy/X"][i].tolist(), strict=True))}
        by_hand.append(distance(sim, obs, START, END).value)
    assert sorted(post.rows.tolist()) == sorted(np.argsort(by_hand, kind="stable")[:30].tolist())
    assert post.tolerance == pytest.approx(sorted(by_hand)[29])
    poisoned = abc_posterior(bank, _poisoned(obs, END), START, END, accept=30)
    assert poisoned.rows.tolist() == post.rows.tolist()
    monkeypatch.setattr(inf, "_observed_for", lambda m, e: _poisoned(obs, e))
    d = posterior_for_window("toy", END, n=40, seed=2, config=_config())
    assert d == posterior_for_window("toy", END, n=40, seed=2, config=_config())
    level = np.array([x["level"] for x in d])
    prior_level = np.array([ToyModel().space.from_unit(list(u))["level"] for u in bank.u])
    assert abs(np.median(level) - TRUTH["level"]) < abs(np.median(prior_level) - TRUTH["level"])


def test_an_early_window_reads_targets_without_figures_yet_as_empty() -> None:
    """Under a cut-off before the IRB's first monthly inventory figure (2019-04), the
    target has nothing to fit (empty), the others keep their figures up to the cut-off;
    without a cut-off the same target has figures."""
    from roxham.calibrate.distance import load_observed
    from roxham.calibrate.priors import CANADA_US_TARGETS
    from roxham.data import observed_until

    irb = [t for t in CANADA_US_TARGETS if t.key.startswith("irb_pending")]
    assert irb
    with observed_until("2018-06"):
        obs = load_observed(CANADA_US_TARGETS)
    assert obs.series[irb[0].key][0] == {}
    qc = obs.series["rcmp_interceptions/QC"][0]
    assert qc and max(qc) <= "2018-06"
    assert load_observed(irb).series[irb[0].key][0]
