"""Flee 3.1's movement rules on tiny hand-made scenarios, against hand-computed expectations.

Statistical checks use N agents and a tolerance of 5 binomial standard deviations, so a
correct implementation fails with probability < 1e-6 per check; the seeds are fixed anyway.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from roxham.errors import UserError
from roxham.models.flee import kernel as K
from roxham.models.flee.model import FleeModel, FleeResult
from roxham.models.flee.settings import FleeSettings

N = 20000
#: settings that make some choices (nearly) deterministic: conflict zones repel, camps attract
STEER = {"move_rules": {"conflict_weight": 1e-9, "camp_weight": 1e6, "camp_movechance": 0.0}}


def build(
    tmp: Path,
    locs: Sequence[tuple[str, str, str, int, int]],
    routes: Sequence[tuple[str, str, float]],
    days: int,
    *,
    closures: Sequence[str] = (),
    conflicts: dict[str, list[float]] | None = None,
    total: Sequence[tuple[int, int]] = ((0, 0), (1, N)),
    camp_data: dict[str, Sequence[tuple[int, int]]] | None = None,
    settings: dict[str, Any] | None = None,
) -> FleeModel:
    """Write a scenario: locs = (name, country, type, conflict_date, population)."""
    inp, val = tmp / "in", tmp / "val"
    inp.mkdir(parents=True)
    val.mkdir(parents=True)
    (inp / "locations.csv").write_text(
        "#name,region,country,lat,lon,location_type,conflict_date,population\n"
        + "".join(f"{n},r,{c},0,0,{t},{cd},{p}\n" for n, c, t, cd, p in locs)
    )
    (inp / "routes.csv").write_text(
        "#name1,name2,distance,forced_redirection\n"
        + "".join(f"{a},{b},{km},0\n" for a, b, km in routes)
    )
    (inp / "closures.csv").write_text(
        "#closure_type,name1,name2,closure_start,closure_end\n"
        + "".join(c + "\n" for c in closures)
    )
    if conflicts is None:
        conflicts = {n: [1.0] * days for n, _, t, cd, _ in locs if t == "conflict_zone" and cd == 0}
    names = list(conflicts)
    rows = [f"{d}," + ",".join(str(conflicts[n][d]) for n in names) for d in range(days)]
    (inp / "conflicts.csv").write_text("#Day," + ",".join(names) + "\n" + "\n".join(rows) + "\n")
    (inp / "sim_period.csv").write_text(f"StartDate,2020-01-01\nLength,{days}\n")
    (inp / "registration_corrections.csv").write_text("")

    def series(points: Sequence[tuple[int, int]]) -> str:
        return "Date,n\n" + "".join(f"2020-01-{1 + d:02d},{v}\n" for d, v in points)

    camps = [n for n, _, t, _, _ in locs if "camp" in t]
    camp_data = camp_data or {}
    layout = "total,refugees.csv\n" + "".join(f"{c},{c}.csv\n" for c in camps)
    (val / "data_layout.csv").write_text(layout)
    (val / "refugees.csv").write_text(series(total))
    for c in camps:
        (val / f"{c}.csv").write_text(series(camp_data.get(c, [(0, 0)])))
    s = FleeSettings.from_mapping(settings or {})
    return FleeModel.load(inp, val, s)


def near(x: float, expected_fraction: float, n: int = N) -> bool:
    sd = math.sqrt(n * expected_fraction * (1 - expected_fraction))
    return abs(x - n * expected_fraction) <= 5 * sd + 1


def at(res: FleeResult, name: str, day: int) -> int:
    return int(res.loc_counts[0, day, res.locations.index(name)])


# --------------------------------------------------------------------------- move chance (§3)
def test_move_chances_by_location_type(tmp_path: Path) -> None:
    m = build(
        tmp_path,
        [
            ("A", "H", "conflict_zone", 0, 100),
            ("B", "H", "town", 0, 100),
            ("C", "H", "conflict_zone", 3, 100),  # starts as a town
            ("F", "H", "forwarding_hub", 0, 0),
            ("Z", "X", "camp", 0, 500),
            ("I", "H", "idpcamp", 0, 500),
        ],
        [("A", "B", 10), ("B", "C", 10), ("C", "F", 10), ("F", "Z", 10), ("Z", "I", 10)],
        days=3,
    )
    assert m.mc0.tolist() == [1.0, 0.3, 0.3, 1.0, 0.001, 0.1]
    assert m.camps == ["Z", "I"] and m.foreign.tolist() == [False] * 4 + [True, False]
    # a town whose move chance is below 0.005 is turned into a camp (Flee's rule), so it
    # needs validation data like every camp
    with pytest.raises(UserError, match=r"no validation data for camp\(s\) 'B'"):
        build(
            tmp_path / "2", [("A", "H", "conflict_zone", 0, 100), ("B", "H", "town", 0, 100)],
            [("A", "B", 10)], days=2, settings={"move_rules": {"default_movechance": 0.001}},
        )  # fmt: skip


def test_town_move_chance_is_drawn_on_arrival_and_each_day(tmp_path: Path) -> None:
    # N agents spawn in conflict zone A (move chance 1), reach town B (10 km) the same day with
    # distance to spare, and leave B with probability 0.3 ("evolve more") towards a far camp
    # (1000 km: they stay on the link); the repulsion of A makes B -> Z the only real option.
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("B", "H", "town", 0, 100), ("Z", "X", "camp", 0, 0)],
        [("A", "B", 10), ("B", "Z", 1000)],
        days=3,
        settings=STEER,
    )
    res = m.run(seed=3)
    assert at(res, "A", 1) == 0
    assert near(at(res, "B", 1), 0.7)  # stayed on arrival day
    assert near(at(res, "B", 2), 0.49)  # and again the next day


# --------------------------------------------------------------------------- route weights (§4.1)
def _first_links(res: FleeResult, m: FleeModel) -> dict[str, int]:
    ag = res.agents
    assert ag is not None
    links = ag.link[: ag.n_alive]
    out: dict[str, int] = {}
    for k in links[links >= 0]:
        out[m.net.names[int(m.net.link_dst[k])]] = (
            out.get(m.net.names[int(m.net.link_dst[k])], 0) + 1
        )
    return out


@pytest.mark.parametrize("foreign_weight", [1.0, 2.0])
def test_route_weights_fall_with_distance_and_rise_with_score(
    tmp_path: Path, foreign_weight: float
) -> None:
    # from A: B at 400 km (home camp), C at 800 km (foreign camp); after one day everybody is
    # on a link. w = S / (10 + km): P(B) = (1/410) / (1/410 + fw/810).
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("B", "H", "camp", 0, 0), ("C", "X", "camp", 0, 0)],
        [("A", "B", 400), ("A", "C", 800)],
        days=2,
        settings={"move_rules": {"foreign_weight": foreign_weight}},
    )
    res = m.run(seed=5)
    got = _first_links(res, m)
    p_b = (1 / 410) / (1 / 410 + foreign_weight / 810)
    assert got["B"] + got["C"] == N
    assert near(got["B"], p_b)


def test_conflict_zone_destination_is_repelled(tmp_path: Path) -> None:
    # destinations: conflict zone D (S = 10**-0.5 by default) and town B, both 500 km
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("B", "H", "town", 0, 0),
         ("D", "H", "conflict_zone", 0, 0)],
        [("A", "B", 500), ("A", "D", 500)], days=2,
    )  # fmt: skip
    got = _first_links(m.run(seed=6), m)
    s_d = 1 / math.sqrt(10)
    assert near(got["B"], 1 / (1 + s_d))


def test_awareness_two_weighs_two_hop_paths(tmp_path: Path) -> None:
    # A -> B1 -> C (camp, weight 5) and A -> B2 -> D (town); first links 500 km, second 100 km.
    # Options from A: A>B1 (1/510), A>B2 (1/510), A>B1>C (5/610), A>B2>D (1/610).
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("B1", "H", "town", 0, 0), ("B2", "H", "town", 0, 0),
         ("C", "H", "camp", 0, 0), ("D", "H", "town", 0, 0)],
        [("A", "B1", 500), ("A", "B2", 500), ("B1", "C", 100), ("B2", "D", 100)],
        days=2, settings={"move_rules": {"awareness_level": 2, "camp_weight": 5.0}},
    )  # fmt: skip
    res = m.run(seed=7)
    ag = res.agents
    assert ag is not None
    routes = ag.route[: ag.n_alive]
    # agents on the first link of a 2-hop route still hold it; 1-hop routes are used up
    two_hop = [m.opts.describe(int(o), m.net) for o in routes if o >= 0]
    w = np.array([1 / 510, 1 / 510, 5 / 610, 1 / 610])
    p = w / w.sum()
    assert near(two_hop.count("A->B1->C"), p[2])
    assert near(two_hop.count("A->B2->D"), p[3])
    assert near(int((routes < 0).sum()), p[0] + p[1])


# --------------------------------------------------------------------------- capacity (§4.2)
def test_capacity_multiplier_values() -> None:
    # cap 100, buffer 0.9: 1 up to 90, linear to 0 at 100; unlimited when cap < 1
    got = [K.cap_multiplier(n, 100.0, 0.9) for n in (0, 50, 90, 95, 99, 100, 150)]
    assert got == pytest.approx([1, 1, 1, 0.5, 0.1, 0, 0])
    assert K.cap_multiplier(10**6, -1.0, 0.9) == 1.0 and K.cap_multiplier(5, 0.0, 0.9) == 1.0


@pytest.mark.parametrize(("day0", "leave"), [(94, True), (96, False)])
def test_nearly_full_camp_cancels_routes(tmp_path: Path, day0: int, leave: bool) -> None:
    # camp Z, capacity 100, pre-filled with its day-0 data: at 94 the multiplier is 0.6 (go),
    # at 96 it is 0.4 < 0.5 and every route to Z is dropped (agents stay in A)
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("Z", "X", "camp", 0, 100)],
        [("A", "Z", 50)], days=3, total=[(0, 0), (1, 50)],
        camp_data={"Z": [(0, day0)]}, settings={"move_rules": {"camp_movechance": 0.0}},
    )  # fmt: skip
    res = m.run(seed=1)
    assert at(res, "Z", 0) == day0
    assert at(res, "Z", 2) == (day0 + 50 if leave else day0)
    assert at(res, "A", 2) == (0 if leave else 50)


# --------------------------------------------------------------------------- travel (§4.3)
@pytest.mark.parametrize(("km", "days_on_link"), [(100, 0), (359, 0), (360, 1), (700, 1), (720, 2)])
def test_link_of_length_l_takes_floor_l_over_v_plus_one_days(
    tmp_path: Path, km: float, days_on_link: int
) -> None:
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("Z", "X", "camp", 0, 0)],
        [("A", "Z", km)], days=5, total=[(0, 0), (1, 1000)], settings=STEER,
    )  # fmt: skip
    res = m.run(seed=2)
    z = res.camp_sim[0, :, 0].tolist()
    arrive = 1 + days_on_link  # spawned on day 1
    assert z[arrive - 1] == 0 and z[arrive] == 1000


@pytest.mark.parametrize(
    ("legs", "arrival_day"),
    [
        ((100, 200), 1),  # 100 + 200: second link entered with 100 moved, done the same day
        ((100, 300), 1),  # any link shorter than v is finished the day it is entered
        ((100, 400), 2),  # 400 > 360: one more day
        ((200, 200, 100), 2),  # after two links 400 km are moved: stop at the second hub
    ],
)
def test_several_links_in_one_day(tmp_path: Path, legs: tuple[int, ...], arrival_day: int) -> None:
    names = ["A"] + [f"H{i}" for i in range(1, len(legs))] + ["Z"]
    locs = [("A", "H", "conflict_zone", 0, 100)]
    locs += [(h, "H", "forwarding_hub", 0, 0) for h in names[1:-1]]
    locs += [("Z", "X", "camp", 0, 0)]
    routes = [(names[i], names[i + 1], float(km)) for i, km in enumerate(legs)]
    m = build(tmp_path, locs, routes, days=4, total=[(0, 0), (1, 1000)], settings=STEER)
    res = m.run(seed=4)
    z = res.camp_sim[0, :, 0].tolist()
    assert z[arrival_day - 1] == 0 and z[arrival_day] == 1000
    if len(legs) == 3:
        assert at(res, "H2", 1) == 1000  # spent the night at the second hub


# --------------------------------------------------------------------------- closures (§7)
@pytest.mark.parametrize(
    "closure",
    ["country,H,X,0,3", "location,Z,,0,3", "link,A,Z,0,3", "link,Z,A,0,3"],
)
def test_closed_border_location_or_link_blocks_until_reopened(tmp_path: Path, closure: str) -> None:
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("Z", "X", "camp", 0, 0)],
        [("A", "Z", 100)], days=5, closures=[closure], total=[(0, 0), (1, 1000)], settings=STEER,
    )  # fmt: skip
    res = m.run(seed=1)
    assert res.camp_sim[0, :, 0].tolist() == [0, 0, 0, 1000, 1000]
    assert at(res, "A", 2) == 1000


def test_closed_camp_is_a_town_until_reopened(tmp_path: Path) -> None:
    # while closed, Z is a town (move chance 0.3). Day 1: arrive at Z with 100 km moved; 70%
    # stay; 30% go back to A (200 km moved), leave A at once (move chance 1) and reach Z again
    # (300 km < 360), where 70% of them stay: P(at Z) = 0.7 + 0.3 * 0.7 = 0.91.
    # After reopening Z is a camp again (move chance 0 here).
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("Z", "X", "camp", 0, 0)],
        [("A", "Z", 100)], days=5, closures=["camp,Z,,0,3"],
        settings={"move_rules": {"camp_movechance": 0.0}},
    )  # fmt: skip
    res = m.run(seed=8)
    assert near(at(res, "Z", 1), 0.91)
    assert at(res, "Z", 4) > at(res, "Z", 2)  # a camp again from day 3: nobody leaves


def test_agents_on_a_link_that_closes_go_back_to_its_start(tmp_path: Path) -> None:
    # 1000 km link: agents spawned on day 1 are on it when it closes on day 2; they arrive
    # (day 3: 1080 > 1000) and are put back at A
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("Z", "X", "camp", 0, 0)],
        [("A", "Z", 1000)], days=5, closures=["link,A,Z,2,-1"], total=[(0, 0), (1, 1000)],
        settings=STEER,
    )  # fmt: skip
    res = m.run(seed=1)
    assert at(res, "A", 2) == 0 and at(res, "A", 3) == 1000
    assert res.camp_sim[0, :, 0].tolist() == [0] * 5


# --------------------------------------------------------------------------- spawning (§6)
def test_spawn_totals_follow_refugees_csv_format_example(tiny: Any) -> None:
    root = tiny()
    m = FleeModel.load(root / "input", root / "data")
    res = m.run(seed=1)
    # docs/flee/FORMAT.md §10 (Flee 3.1 out.csv): total refugees (simulation) and raw UNHCR count
    expected = [0, 100, 200, 300, 400, 520, 640, 760, 880, 1000]
    assert res.total_agents[0].tolist() == expected
    assert res.refugees_raw[0].tolist() == expected
    assert res.camp_data[:, 0].tolist() == [0, 88, 177, 266, 355, 444, 533, 622, 711, 800]
    # the border is closed on days 0-2: nobody in the camp before day 3
    assert res.camp_sim[0, :3, 0].tolist() == [0, 0, 0] and res.camp_sim[0, 3, 0] > 0


def test_falling_totals_become_a_debt(tmp_path: Path) -> None:
    # data total 0, 100, 50, 120, 200: new agents 100, 0 (debt 50), 20 (= 70 - 50), 80
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("Z", "X", "camp", 0, 0)],
        [("A", "Z", 5000)], days=5, total=[(0, 0), (1, 100), (2, 50), (3, 120), (4, 200)],
    )  # fmt: skip
    res = m.run(seed=1)
    assert res.total_agents[0].tolist() == [0, 100, 100, 120, 200]
    assert res.refugee_debt[0].tolist() == [0, 0, 50, 0, 0]


def test_sum_from_camps_spawns_the_camp_increments(tmp_path: Path) -> None:
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("Y", "X", "camp", 0, 0), ("Z", "X", "camp", 0, 0)],
        [("A", "Y", 5000), ("A", "Z", 5000)], days=3, total=[(0, 0), (1, 999)],
        camp_data={"Y": [(0, 0), (2, 40)], "Z": [(0, 0), (2, 60)]},
        settings={"spawn_rules": {"sum_from_camps": True}},
    )  # fmt: skip
    res = m.run(seed=1)
    assert res.total_agents[0].tolist() == [0, 50, 100]


def test_day0_camp_population_is_inserted(tmp_path: Path) -> None:
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 100), ("Z", "X", "camp", 0, 0)],
        [("A", "Z", 5000)], days=2, total=[(0, 0)], camp_data={"Z": [(0, 321)]},
        settings={"move_rules": {"camp_movechance": 0.0}},
    )  # fmt: skip
    res = m.run(seed=1)
    assert res.camp_sim[0, :, 0].tolist() == [321, 321]
    m2 = build(
        tmp_path / "b",
        [("A", "H", "conflict_zone", 0, 100), ("Z", "X", "camp", 0, 0)],
        [("A", "Z", 5000)], days=2, total=[(0, 0)], camp_data={"Z": [(0, 321)]},
        settings={"spawn_rules": {"insert_day0": False}},
    )  # fmt: skip
    assert m2.run(seed=1).camp_sim[0, :, 0].tolist() == [0, 0]


def test_spawn_location_proportional_to_population_times_intensity(tmp_path: Path) -> None:
    # A (pop 1000, intensity 1) and B (pop 1000, intensity 0.5) and C (pop 3000, intensity 1):
    # weights 1000 : 500 : 3000. Agents stay put on the spawn day? No - they leave (move
    # chance 1) onto 5000-km links, which end at D: count who is on each origin's link.
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 1000), ("B", "H", "conflict_zone", 0, 1000),
         ("C", "H", "conflict_zone", 0, 3000), ("D", "X", "camp", 0, 0)],
        [("A", "D", 5000), ("B", "D", 5000), ("C", "D", 5000)], days=2,
        conflicts={"A": [1.0, 1.0], "B": [0.5, 0.5], "C": [1.0, 1.0]},
    )  # fmt: skip
    ag = m.run(seed=9).agents
    assert ag is not None
    src = m.net.link_src[ag.link[: ag.n_alive]]
    counts = np.bincount(src, minlength=4)
    assert near(counts[0], 1000 / 4500) and near(counts[1], 500 / 4500)
    assert near(counts[2], 3000 / 4500) and counts[3] == 0


def test_conflict_zones_start_and_end_with_conflicts_csv(tmp_path: Path) -> None:
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 1000), ("C", "H", "conflict_zone", 2, 1000),
         ("D", "X", "camp", 0, 0)],
        [("A", "D", 5000), ("C", "D", 5000)], days=6,
        conflicts={"A": [1, 1, 1, 1, 0, 0], "C": [0, 0, 1, 1, 1, 1]},
    )  # fmt: skip
    st = m._new_state()
    seen = []
    for t in range(6):
        m._apply_conflicts(st, t)
        w = m.spawn_weights(st, t)
        seen.append((w[0] > 0, w[1] > 0, st.movechance[0], st.movechance[1]))
    # C (conflict_date 2) is a town (0.3) until day 2; A ends its conflict on day 4
    assert seen[0] == (True, False, 1.0, 0.3)
    assert seen[2] == (True, True, 1.0, 1.0)
    assert seen[4] == (False, True, 0.3, 1.0)


def test_conflict_spawn_decay_reduces_weight_and_repulsion(tmp_path: Path) -> None:
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 1000), ("D", "X", "camp", 0, 0)], [("A", "D", 5000)],
        days=70, settings={"spawn_rules": {"conflict_spawn_decay": [1.0, 0.5, 0.1]}},
    )  # fmt: skip
    st = m._new_state()
    m._apply_conflicts(st, 0)
    # 30-day intervals: day 29 -> 1.0, day 30 -> 0.5, day 65 -> 0.1
    assert [m.spawn_weights(st, t)[0] for t in (29, 30, 65)] == pytest.approx([1000, 500, 100])
    cw = m.settings.conflict_weight
    assert m.scores(st, 30)[0] == pytest.approx(cw**0.5)


# --------------------------------------------------------------------------- invariants
def test_seed_fixes_the_result_and_agents_are_conserved(tiny: Any) -> None:
    root = tiny()
    m = FleeModel.load(root / "input", root / "data")
    a, b, c = m.run(seed=11), m.run(seed=11), m.run(seed=12, replicates=2)
    assert np.array_equal(a.loc_counts, b.loc_counts)
    assert not np.array_equal(a.loc_counts[0], c.loc_counts[1])
    # replicate r of a run does not depend on how many replicates are run
    d = m.run(seed=12, replicates=1)
    assert np.array_equal(d.loc_counts[0], c.loc_counts[0])
    ag = a.agents
    assert ag is not None
    on_links = int((ag.state[: ag.n_alive] == K.TRAVELLING).sum())
    assert int(a.loc_counts[0, -1].sum()) + on_links == int(a.total_agents[0, -1])


def test_validation_score_by_hand() -> None:
    # 2 camps, 2 days. Day 0: s = (10, 30), d = (20, 20): U = 40, S = 40 -> |10-20|+|30-20| = 20
    # -> 0.5. Day 1: s = (5, 5), d = (30, 10): U = 40, S = 10, rescaled s = (20, 20):
    # |20-30| + |20-10| = 20 -> 0.5; unscaled: 25 + 5 = 30 -> 0.75.
    res = FleeResult(
        start_date=__import__("datetime").date(2020, 1, 1),
        camps=["Y", "Z"],
        camp_sim=np.array([[[10, 30], [5, 5]]]),
        camp_data=np.array([[20, 20], [30, 10]]),
        total_agents=np.zeros((1, 2), np.int64),
        refugees_raw=np.zeros((1, 2), np.int64),
        refugee_debt=np.zeros((1, 2), np.int64),
        agent_steps=np.zeros(1, np.int64),
        loop_seconds=np.ones(1),
    )
    assert res.ard_rescaled()[0].tolist() == [0.5, 0.5]
    assert res.ard()[0].tolist() == [0.5, 0.75]
    assert res.scores().tolist() == [0.5]


def test_geometric_skips_give_bernoulli_frequencies() -> None:
    rng = K.new_rng(5)
    skip = np.zeros(2, dtype=np.int64)
    skip_p = np.full(2, -1.0)
    hits = [0, 0]
    for i in range(40000):
        loc = i % 2
        hits[loc] += bool(K.bernoulli_at(loc, 0.3 if loc == 0 else 0.01, skip, skip_p, rng))
    assert near(hits[0], 0.3, 20000) and near(hits[1], 0.01, 20000)


def test_settings_file_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "s.yml"
    p.write_text(yaml.safe_dump(STEER))
    from roxham.models.flee import read_settings

    s = read_settings(p)
    assert s.camp_weight == 1e6 and s.conflict_weight == 1e-9 and s.camp_movechance == 0.0


# --------------------------------------------------------------------------- optional rules
def _two_place(
    tiny: Any, routes: str, *, locs_extra: str = "", settings: dict[str, Any] | None = None
) -> FleeResult:
    header = "#name,region,country,lat,lon,location_type,conflict_date,population"
    root = tiny(
        {
            "input/locations.csv": header + (",deactivation_probability" if locs_extra else "")
            + "\n"
            + f"A,r,Homeland,0,0,conflict_zone,0,10000{',0' if locs_extra else ''}\n"
            + f"Z,r,Neighbour,0,2,camp,,0{locs_extra}\n",
            "input/routes.csv": routes,
            "input/closures.csv": "#h\n",
            "input/conflicts.csv": "#Day,A\n" + "0,1\n" * 10,
            "data/data_layout.csv": "total,refugees.csv\nZ,camp-z.csv\n",
            "data/refugees.csv": "Date,n\n2020-01-01,0\n2020-01-02,1000\n",
            "data/camp-z.csv": "Date,n\n2020-01-01,0\n",
        }
    )  # fmt: skip
    m = FleeModel.load(root / "input", root / "data", FleeSettings.from_mapping(settings))
    return m.run(seed=1)


def test_link_max_move_speed_attribute(tiny: Any) -> None:
    # 150 km at 100 km/day: 100 (on the link), 200 > 150 -> arrives the day after spawning
    res = _two_place(tiny, "#a,b,km,fr,max_move_speed\nA,Z,150,0,100\n", settings=STEER)
    assert res.camp_sim[0, :4, 0].tolist() == [0, 0, 1000, 1000]


def test_start_on_foot_walks_the_first_link(tiny: Any) -> None:
    # 50 km at 35 km/day on foot: 35, 70 > 50 -> one extra day
    s = {"move_rules": {**STEER["move_rules"], "start_on_foot": True}}
    res = _two_place(tiny, "#a,b,km,fr\nA,Z,50,0\n", settings=s)
    assert res.camp_sim[0, :4, 0].tolist() == [0, 0, 1000, 1000]


def test_camps_as_sinks_remove_agents(tiny: Any) -> None:
    # deactivation probability 1 at Z: arrivals are removed at the end of the day
    s = {"move_rules": STEER["move_rules"], "spawn_rules": {"camps_are_sinks": True}}
    res = _two_place(tiny, "#a,b,km,fr\nA,Z,50,0\n", locs_extra=",1.0", settings=s)
    assert res.camp_sim[0, :4, 0].tolist() == [0, 0, 0, 0]
    assert res.total_agents[0, 3] == 1000


def test_conflict_driven_spawning_constant(tmp_path: Path) -> None:
    # 500 per conflict day x intensity: A (1.0) and B (0.5) -> 750 new agents a day
    m = build(
        tmp_path,
        [("A", "H", "conflict_zone", 0, 1000), ("B", "H", "conflict_zone", 0, 1000),
         ("D", "X", "camp", 0, 0)],
        [("A", "D", 5000), ("B", "D", 5000)], days=3,
        conflicts={"A": [1.0] * 3, "B": [0.5] * 3},
        settings={"spawn_rules": {"conflict_driven_spawning": {"spawn_mode": "constant"}}},
    )  # fmt: skip
    assert m.run(seed=1).total_agents[0].tolist() == [750, 1500, 2250]
