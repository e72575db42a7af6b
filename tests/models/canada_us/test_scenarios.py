"""Every shipped scenario runs and differs from ``historical`` in the explained direction.

All runs start on 2022-01-01 (shorter) with the same seed, so months before a scenario's
change are identical where the scenario changes nothing before it (common random numbers).
"""

from __future__ import annotations

import polars as pl
import pytest

from roxham.models.canada_us.model import run_scenario
from roxham.models.canada_us.scenario import builtin_scenarios, load_scenario

SEED = 5


@pytest.fixture(scope="module")
def runs() -> dict[str, pl.DataFrame]:
    out = {}
    for name in builtin_scenarios():
        s = load_scenario(name, {"start": "2022-01-01"})
        out[name] = run_scenario(s, seed=SEED, replicates=3).monthly
    return out


def total(m: pl.DataFrame, series: str, geo: str, lo: str, hi: str) -> float:
    sub = m.filter((pl.col("series") == series) & (pl.col("geography") == geo)
                   & (pl.col("month") >= lo) & (pl.col("month") <= hi))
    return float(sub["value"].sum())


AFTER = ("2023-05", "2024-12")


def test_the_six_scenarios_ship() -> None:
    assert set(builtin_scenarios()) >= {"historical", "no-protocol", "roxham-closed",
                                        "no-nyc-tickets", "protocol-30-days",
                                        "no-family-exception"}


def test_no_protocol_keeps_quebec_high(runs: dict[str, pl.DataFrame]) -> None:
    h, n = runs["historical"], runs["no-protocol"]
    before = total(h, "rcmp_interceptions", "QC", "2022-04", "2023-02") / 11
    assert total(h, "rcmp_interceptions", "QC", *AFTER) / 20 < 0.15 * before  # drop
    assert total(n, "rcmp_interceptions", "QC", *AFTER) / 20 > 0.6 * before  # no drop
    assert total(n, "stca_returns", "CA", *AFTER) < total(h, "stca_returns", "CA", *AFTER)
    # identical law before the Protocol's date → identical months (same seeds)
    assert total(n, "rcmp_interceptions", "QC", "2022-01", "2023-02") == total(
        h, "rcmp_interceptions", "QC", "2022-01", "2023-02")


def test_roxham_closed_diverts_and_deters(runs: dict[str, pl.DataFrame]) -> None:
    c, n = runs["roxham-closed"], runs["no-protocol"]
    assert total(c, "route_choices", "roxham", *AFTER) == 0
    assert total(c, "turned_away_closed", "CA", "2023-03", "2023-05") > 0
    # people go elsewhere in Quebec, hide and claim inland, other provinces, or stay
    assert total(c, "route_choices", "qc_other", *AFTER) > 2 * total(
        n, "route_choices", "qc_other", *AFTER)
    assert total(c, "route_choices", "hide_qc", *AFTER) > total(n, "route_choices", "hide_qc",
                                                                *AFTER)
    assert total(c, "stayed_us", "CA", *AFTER) > total(n, "stayed_us", "CA", *AFTER)
    assert total(c, "rcmp_interceptions", "QC", *AFTER) < 0.5 * total(
        n, "rcmp_interceptions", "QC", *AFTER)


def test_no_nyc_tickets_lowers_early_2023_only(runs: dict[str, pl.DataFrame]) -> None:
    h, t = runs["historical"], runs["no-nyc-tickets"]
    assert total(t, "rcmp_interceptions", "QC", "2022-01", "2022-12") == total(
        h, "rcmp_interceptions", "QC", "2022-01", "2022-12")
    assert total(t, "rcmp_interceptions", "QC", "2023-02", "2023-03") < 0.9 * total(
        h, "rcmp_interceptions", "QC", "2023-02", "2023-03")


def test_protocol_30_days_makes_hiding_costlier(runs: dict[str, pl.DataFrame]) -> None:
    h, p = runs["historical"], runs["protocol-30-days"]
    assert total(p, "route_choices", "hide_qc", *AFTER) < total(h, "route_choices", "hide_qc",
                                                                *AFTER)
    assert total(p, "rcmp_interceptions", "QC", *AFTER) < 0.15 * total(
        p, "rcmp_interceptions", "QC", "2022-04", "2023-02") * 20 / 11


def test_no_family_exception_cuts_land_port_claims(runs: dict[str, pl.DataFrame]) -> None:
    h, f = runs["historical"], runs["no-family-exception"]
    # claims made at the ports themselves: IRCC's "Border" office type less the claims of
    # people the RCMP intercepted and brought there (counted as Border since 2018-03)
    def at_ports(m: pl.DataFrame) -> float:
        return (total(m, "claims_land_poe", "CA", "2022-01", "2024-12")
                - total(m, "claims_rcmp", "CA", "2022-01", "2024-12"))

    assert at_ports(f) < 0.7 * at_ports(h)
    assert total(f, "rcmp_interceptions", "QC", *AFTER) < total(h, "rcmp_interceptions", "QC",
                                                                *AFTER)


def test_covid_drop_comes_from_the_order_not_from_demand() -> None:
    """Without the direct-back order (law.covid_order: null) Quebec interceptions stay near
    their 2019 level through the pandemic: nothing else in the scenario imposes the drop."""
    over = {"start": "2019-06-01", "end": "2021-10-31"}
    with_order = run_scenario(load_scenario("historical", over), seed=SEED, replicates=2).monthly
    without = run_scenario(
        load_scenario("historical", {**over, "law": {"covid_order": None}}),
        seed=SEED, replicates=2).monthly
    base = total(without, "rcmp_interceptions", "QC", "2019-06", "2020-02") / 9
    assert total(without, "rcmp_interceptions", "QC", "2020-05", "2021-10") / 18 > 0.6 * base
    assert total(with_order, "rcmp_interceptions", "QC", "2020-05", "2021-10") / 18 < 0.1 * base
    assert total(without, "directed_back", "CA", "2019-06", "2021-10") == 0
