"""run_scenario with per-replicate scenarios (posterior draws)."""

from __future__ import annotations

import pytest

from roxham.models.canada_us.model import run_scenario
from roxham.models.canada_us.scenario import load_scenario

SHORT = {"end": "2017-04-30", "replicates": 3}


def test_identical_variants_equal_plain_replicates() -> None:
    s = load_scenario("historical", SHORT)
    plain = run_scenario(s, seed=5)
    same = run_scenario(s, seed=5, variants=[s, s, s])
    assert plain.monthly.equals(same.monthly)


def test_each_replicate_runs_its_own_variant() -> None:
    s = load_scenario("historical", SHORT)
    fewer = load_scenario("historical", {**SHORT, "choice": {"asc_stay": 6.0}})
    base = run_scenario(s, seed=5)
    mixed = run_scenario(s, seed=5, variants=[s, fewer, s])
    # replicates 0 and 2 are unchanged, replicate 1 has a stronger pull to stay in the US
    assert (mixed.replicate_monthly[0] == base.replicate_monthly[0]).all()
    assert (mixed.replicate_monthly[2] == base.replicate_monthly[2]).all()
    cols = [i for i, (n, g) in enumerate(base.columns) if (n, g) == ("rcmp_interceptions", "CA")]
    assert mixed.replicate_monthly[1][:, cols].sum() < base.replicate_monthly[1][:, cols].sum()


def test_variants_must_match_replicates_and_period() -> None:
    s = load_scenario("historical", SHORT)
    with pytest.raises(ValueError, match="variants"):
        run_scenario(s, seed=1, variants=[s])
    longer = load_scenario("historical", {"end": "2017-05-31", "replicates": 3})
    with pytest.raises(ValueError, match="does not cover"):
        run_scenario(s, seed=1, variants=[s, longer, s])
