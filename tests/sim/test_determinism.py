"""Seeds fix results exactly (Parquet bytes), whatever the number of workers or replicates;
agents are conserved on random small graphs (property test)."""

import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roxham.errors import UserError
from roxham.sim import (
    Cohort,
    Event,
    FixedChoice,
    Network,
    QueueSpec,
    RichProgress,
    Simulation,
    Spawn,
    parse_scenario,
    run,
)
from roxham.store.result import read_manifest, read_result, read_table

#: Hypothesis examples per property: 50 in CI (``CI`` set), 10 in development.
PROFILE = settings(max_examples=50 if os.environ.get("CI") else 10, deadline=None)

D0 = dt.date(2024, 1, 1)
GOOD = (Path(__file__).parent / "data" / "tiny.yaml").read_text()


def parquet_bytes(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.glob("*.parquet"))}


def test_same_seed_same_parquet_bytes_different_seed_differs(tmp_path: Path) -> None:
    sc = parse_scenario(GOOD, "s.yaml")
    a = run(sc, seed=7).write(tmp_path / "a", scenario=sc.model_dump(mode="json"))
    b = run(sc, seed=7).write(tmp_path / "b", scenario=sc.model_dump(mode="json"))
    c = run(sc, seed=8).write(tmp_path / "c", scenario=sc.model_dump(mode="json"))
    assert parquet_bytes(a) == parquet_bytes(b)
    assert parquet_bytes(a)["daily.parquet"] != parquet_bytes(c)["daily.parquet"]


def test_run_directory_contents(tmp_path: Path) -> None:
    sc = parse_scenario(GOOD, "s.yaml")
    res = run(sc)
    d = res.write(tmp_path / "run", scenario=sc.model_dump(mode="json"))
    m = read_manifest(d)
    assert m["seed"] == 3 and m["replicates"] == 2
    # the one content hash (store.identity): 12 hex digits, as the Canada–US scenario hash
    assert m["scenario"]["name"] == "tiny" and len(m["scenario_hash"]) == 12
    assert m["roxham_version"] and m["timings"]["total_s"] > 0
    assert m["agent_steps"] == res.agent_steps
    # the store's one layout, like every model's run directory
    assert sorted(p.name for p in d.iterdir()) == sorted(m["files"]) == sorted(
        ["monthly.parquet", "replicates.parquet", "manifest.json", "daily.parquet",
         "links.parquet", "queues.parquet", "queues_monthly.parquet", "states.parquet"])
    daily = read_table(d, "daily")
    spawned = daily.filter(daily["series"] == "spawned")["value"].sum()
    assert spawned == 2 * 31 * 10  # 10 a day, 31 days, 2 replicates
    got = read_result(d)
    assert got.monthly.columns[:6] == ["month", "series", "geography", "value", "p05", "p95"]
    reps = got.replicates
    assert reps is not None
    # monthly flows are the daily sums, per replicate and location, and "total" sums them
    for r in (0, 1):
        for loc in ("A", "X", "B"):
            day = daily.filter((daily["replicate"] == r) & (daily["location"] == loc)
                               & (daily["series"] == "claims"))["value"].sum()
            mon = reps.filter((reps["replicate"] == r) & (reps["geography"] == loc)
                              & (reps["series"] == "claims"))["value"].to_list()
            assert mon == [float(day)]
        jan = reps.filter((reps["series"] == "spawned") & (reps["replicate"] == r))
        assert jan.filter(jan["geography"] == "total")["value"].to_list() == [310.0]
        # population is a stock: the value of the last day
        last = daily.filter((daily["replicate"] == r) & (daily["series"] == "population")
                            & (daily["date"] == dt.date(2024, 1, 31)))["value"].sum()
        pop = reps.filter((reps["replicate"] == r) & (reps["series"] == "population")
                          & (reps["geography"] == "total"))["value"].to_list()
        assert pop == [float(last)]
    # value is the mean over replicates, p05/p95 lie between the replicates
    x = reps.filter((reps["series"] == "intercepted") & (reps["geography"] == "X"))
    row = got.monthly.filter((got.monthly["series"] == "intercepted")
                             & (got.monthly["geography"] == "X")).row(0, named=True)
    lo, hi = sorted(x["value"].to_list())
    assert row["month"] == "2024-01" and row["value"] == (lo + hi) / 2
    assert lo <= row["p05"] <= row["p95"] <= hi
    qm = read_table(d, "queues_monthly").filter(pl.col("replicate") == 0)
    q = read_table(d, "queues").filter(pl.col("replicate") == 0)
    assert qm["served"].sum() == q["served"].sum()
    assert qm["length"].to_list() == [q["length"].to_list()[-1]]  # one month: its last day
    served = reps.filter((reps["replicate"] == 0) & (reps["series"] == "queue_served")
                         & (reps["geography"] == "screening"))["value"].to_list()
    assert served == [float(q["served"].sum())]
    json.dumps(m)  # the manifest is plain JSON
    with pytest.raises(UserError, match="not empty"):
        res.write(d)


def test_workers_do_not_change_results() -> None:
    sc = parse_scenario(GOOD, "s.yaml")
    one = run(sc, seed=5, replicates=3, workers=1)
    two = run(sc, seed=5, replicates=3, workers=2)
    for r1, r2 in zip(one.replicates, two.replicates, strict=True):
        assert np.array_equal(r1.series, r2.series)
        assert np.array_equal(r1.queue_wait_sum, r2.queue_wait_sum)
    # replicate r is the same whether 2 or 3 replicates are run
    fewer = run(sc, seed=5, replicates=2)
    assert np.array_equal(fewer.replicates[1].series, one.replicates[1].series)
    # replicates differ from each other
    assert not np.array_equal(one.replicates[0].series, one.replicates[1].series)


def test_rich_progress_shows_a_bar_only_for_long_runs() -> None:
    import io

    from rich.console import Console

    buf = io.StringIO()
    with RichProgress("quick", min_seconds=3600, console=Console(file=buf)) as cb:
        run(parse_scenario(GOOD), seed=1, progress=cb)
    assert buf.getvalue() == ""
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=True, width=80)
    with RichProgress("slow", min_seconds=0.0, console=con) as cb:
        run(parse_scenario(GOOD), seed=1, replicates=2, progress=cb)
    assert "slow" in buf.getvalue()


def test_progress_callback_reaches_the_total() -> None:
    seen: list[tuple[int, int]] = []
    run(parse_scenario(GOOD), seed=1, replicates=2, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (62, 62)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@settings(PROFILE)
@given(
    n_loc=st.integers(4, 8),
    seed=st.integers(0, 2**32),
    p_move=st.floats(0.05, 0.9),
    give_up=st.floats(0.0, 1.0),
    close_day=st.integers(0, 15),
    cap=st.floats(0.0, 20.0),
)
def test_agents_conserved_on_random_graphs(
    n_loc: int, seed: int, p_move: float, give_up: float, close_day: int, cap: float
) -> None:
    rng = np.random.default_rng(seed)
    kinds = ["origin", "hub", "irregular_crossing", "port_of_entry", "sink", "town", "camp"]
    locs = [(f"L{i}", kinds[i % len(kinds)], {"interception": float(rng.uniform())})
            for i in range(n_loc)]  # fmt: skip
    links = []
    for i in range(n_loc):
        for j in rng.choice(n_loc, size=2, replace=False):
            if int(j) != i:
                links.append((f"L{i}", f"L{int(j)}", float(rng.uniform(0, 3))))
    net = Network.build(locs, links)
    n_opt = net.n_links
    prob = np.zeros(n_opt)
    for loc in range(n_loc):
        r = net.links_from(loc)
        if len(r):
            prob[r.start : r.stop] = p_move / len(r)
    k = net.link_name(0).split("->")
    sim = Simulation(
        net, D0, D0 + dt.timedelta(days=19),
        cohorts=[Cohort("c", give_up=give_up)],
        spawns=[Spawn("c", "L0", float(rng.uniform(0, 30))),
                Spawn("c", "L1", float(rng.uniform(0, 5)))],
        choice=FixedChoice(prob),
        queues=[QueueSpec("q", capacity=cap, at=("L3",), then_queue="q2"),
                QueueSpec("q2", capacity=cap / 2, wait_at="L1", then_location="L0",
                          then_state="deciding")],
        timeline=[Event(D0 + dt.timedelta(days=close_day), "close_link", (k[0], k[1])),
                  Event(D0 + dt.timedelta(days=close_day), "close_location", "L2")],
        params={"redecide": int(rng.integers(0, 3)), "strict_arrival": bool(rng.integers(2))},
    )  # fmt: skip
    res = sim.run(seed=seed, check=True)  # recounts from the arrays every day
    rep = res.replicates[0]
    spawned = np.cumsum(rep.series[:, 0, :].sum(axis=1))
    assert (rep.states.sum(axis=1) == spawned).all()
    assert (rep.population.sum(axis=1) + rep.on_link.sum(axis=1) + rep.states[:, 5]
            == spawned).all()  # fmt: skip
    # nobody enters the closed link or arrives at the closed location
    k_idx = net.link_index(k[0], k[1])
    assert rep.entered[close_day:, k_idx].sum() == 0
    assert rep.series[close_day:, 1, 2].sum() == 0
    again = sim.run(seed=seed)
    assert np.array_equal(again.replicates[0].series, rep.series)
