"""The official figures of a run directory are looked up once (observed_figures) and shared by
the fit, validation and observed tables: the shared look-up gives the figures one look-up per
series gives, and the fit table computed from it is the one its definition gives."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from roxham.data import monthly as data_monthly
from roxham.data.grades import TARGET_GRADES
from roxham.models.canada_us.observed import (
    COMPARED,
    TRAIN_END,
    TRAIN_START,
    fit_table,
    observed,
    observed_figures,
    observed_frame,
)


def test_one_pass_gives_the_figures_of_one_lookup_per_series() -> None:
    figs = observed_figures()
    assert list(figs) == [(s, g) for s, g, _ in COMPARED]
    for (s, g), got in figs.items():
        assert_frame_equal(got, observed(s, g))


def test_other_provinces_are_canada_minus_the_four_from_the_shared_tables() -> None:
    # the derived OTHER series reuses the Canada and provincial tables read for the others:
    # its figures must still be CA − QC − ON − MB − BC, month by month
    figs = observed_figures([("claims_land_poe", g) for g in ("QC", "OTHER", "CA")])

    def ircc(geo: str) -> dict[str, float]:
        m = data_monthly("asylum_claims_by_office", geo, subgroup="office=land_poe",
                         grades=TARGET_GRADES).filter(~pl.col("missing"))
        return dict(zip(m["month"].dt.strftime("%Y-%m").to_list(), m["value"].to_list(),
                        strict=True))

    parts = {g: ircc(g) for g in ("CA", "QC", "ON", "MB", "BC")}
    months = set.intersection(*(set(p) for p in parts.values()))
    want = {mo: parts["CA"][mo] - sum(parts[g][mo] for g in ("QC", "ON", "MB", "BC"))
            for mo in months}
    other = figs[("claims_land_poe", "OTHER")]
    assert other.height == len(months) > 0
    assert dict(zip(other["period"].to_list(), other["value"].to_list(), strict=True)) == want


def test_fit_table_from_shared_figures_scores_a_known_error() -> None:
    # a simulation 10 % above every official monthly figure: each pair scores
    # 100 × 2 × 0.1 / 2.1 (a month where both are 0 scores 0), whichever way the figures
    # were looked up
    figs = observed_figures()
    rows, want = [], {}
    for s, g, freq in COMPARED:
        if freq != "month":
            continue
        obs = figs[(s, g)].filter((pl.col("period") >= TRAIN_START)
                                  & (pl.col("period") <= TRAIN_END))
        for period, value in obs.select("period", "value").iter_rows():
            rows.append({"month": period, "series": s, "geography": g, "value": 1.1 * value})
        if obs.height:
            nonzero = obs.filter(pl.col("value") != 0).height
            want[(s, g)] = (obs.height, 100 * 0.2 / 2.1 * nonzero / obs.height)
    sim = pl.DataFrame(rows)
    shared = fit_table(sim, figures=figs)
    got = {(r["series"], r["geography"]): (r["n"], r["smape"])
           for r in shared.iter_rows(named=True)}
    assert set(got) == set(want)
    for key, (n, smape) in want.items():
        assert got[key][0] == n and abs(got[key][1] - smape) < 1e-9, key
    assert_frame_equal(shared, fit_table(sim))


def test_observed_frame_from_shared_figures_is_the_frame_of_its_own_lookup() -> None:
    keys = [("rcmp_interceptions", "QC"), ("claims_total", "OTHER"), ("stca_returns", "CA")]
    figs = observed_figures(keys)
    assert_frame_equal(observed_frame(keys, figs), observed_frame(keys))
    assert observed_frame(keys, figs).filter(pl.col("series") == "stca_returns").is_empty()
