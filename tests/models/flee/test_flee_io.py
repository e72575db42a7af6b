"""Reading Flee input and validation directories (docs/flee/FORMAT.md) and simsetting.yml."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from roxham.errors import UserError
from roxham.models.flee import read_input_dir, read_settings, read_validation_dir, scenario_dirs
from roxham.models.flee.io import _add_series


def test_tiny_example_is_read(tiny: Callable[..., Path]) -> None:
    root = tiny()
    inp = read_input_dir(root / "input")
    assert [loc.name for loc in inp.locations] == ["A", "B", "C", "Z"]
    assert [loc.type for loc in inp.locations] == ["conflict", "town", "conflict", "camp"]
    # conflict_date 0 -> conflict zone from the start; 5 -> starts as a town
    assert inp.locations[0].conflict_at_start and not inp.locations[2].conflict_at_start
    assert inp.home_country == "Homeland"
    assert inp.locations[3].population == 3000  # capacity for a camp
    assert [(r.a, r.b, r.km) for r in inp.routes][2] == ("B", "Z", 250.0)
    assert inp.closures[0].kind == "country" and (inp.closures[0].start, inp.closures[0].end) == (
        0,
        3,
    )
    assert inp.conflict_names == ["A", "B", "C", "Z"]
    assert inp.conflicts.shape == (10, 4)
    assert inp.conflicts[4, 2] == 0.0 and inp.conflicts[5, 2] == 1.0
    assert inp.start_date == dt.date(2020, 1, 1) and inp.length == 10


def test_validation_interpolation_matches_format_example(tiny: Callable[..., Path]) -> None:
    root = tiny()
    val = read_validation_dir(root / "data", dt.date(2020, 1, 1))
    assert val.total_name == "total" and val.names == ["total", "Z"]
    # docs/flee/FORMAT.md §10, "Z data" column of Flee's out.csv: 800 * t / 9 truncated
    assert [val.value("Z", t) for t in range(10)] == [0, 88, 177, 266, 355, 444, 533, 622, 711, 800]
    # refugees.csv: 0 -> 400 over 4 days, then 400 -> 1000 over 5 days
    assert [val.value("total", t) for t in (0, 1, 4, 5, 9, 30)] == [0, 100, 400, 520, 1000, 1000]


def test_registration_correction_rescales_earlier_points(tiny: Callable[..., Path]) -> None:
    root = tiny(
        {
            "data/camp-z.csv": "DateTime,Z\n2020-01-01,100\n2020-01-11,200\n2020-01-21,150\n",
        }
    )
    val = read_validation_dir(root / "data", dt.date(2020, 1, 1), [("Z", dt.date(2020, 1, 21))])
    d, v = val.series["Z"]
    # first level-2 value / last level-1 value = 150 / 200 = 0.75 applied to earlier points
    assert d.tolist() == [0, 10, 20]
    assert v.tolist() == [75.0, 150.0, 150.0]


def test_registration_correction_needs_a_data_point(tiny: Callable[..., Path]) -> None:
    root = tiny()
    with pytest.raises(UserError, match=r"no data point on that date"):
        read_validation_dir(root / "data", dt.date(2020, 1, 1), [("Z", dt.date(2020, 1, 3))])
    with pytest.raises(UserError, match=r"'Nowhere'"):
        read_validation_dir(root / "data", dt.date(2020, 1, 1), [("Nowhere", dt.date(2020, 1, 3))])


def test_extra_files_are_merged_like_flee() -> None:
    # hand-worked through Flee 3.1's AddCSVTables: b=5 lies before a=10 -> 100 + a(10) = 102;
    # b=10 coincides with a=10 -> 200 + 2; a=20 comes after the last b point and is dropped.
    a = (np.array([0, 10, 20]), np.array([1.0, 2.0, 3.0]))
    b = (np.array([5, 10]), np.array([100.0, 200.0]))
    d, v = _add_series(a, b)
    assert d.tolist() == [0, 5, 10] and v.tolist() == [1.0, 102.0, 202.0]
    # a point of `a` before a later `b` point gets the last `b` value added
    d, v = _add_series(
        (np.array([0, 10]), np.array([1.0, 2.0])), (np.array([0, 30]), np.array([5.0, 7.0]))
    )
    assert d.tolist() == [0, 10] and v.tolist() == [6.0, 7.0]


def test_hasten_divides_counts(tiny: Callable[..., Path]) -> None:
    root = tiny()
    val = read_validation_dir(root / "data", dt.date(2020, 1, 1), hasten=10)
    assert val.value("Z", 9) == 80 and val.value("Z", 4) == 35  # trunc(35.55)


@pytest.mark.parametrize(
    ("name", "n_loc", "n_routes", "n_camps", "n_days"),
    # docs/flee/VALIDATION.md §5 table: locations, links (undirected rows), camps with data, days
    [("mali", 23, 35, 7, 300), ("burundi", 30, 41, 5, 396), ("car", 63, 86, 14, 820)],
)
def test_shipped_scenarios_are_read(
    name: str, n_loc: int, n_routes: int, n_camps: int, n_days: int
) -> None:
    in_dir, val_dir = scenario_dirs(name)
    inp = read_input_dir(in_dir)
    assert len(inp.locations) == n_loc and len(inp.routes) == n_routes and inp.length == n_days
    camps = [loc.name for loc in inp.locations if loc.type in ("camp", "idpcamp")]
    assert len(camps) == n_camps
    val = read_validation_dir(val_dir, inp.start_date, inp.registration_corrections)
    assert val.names[0] == "total" and set(camps) <= set(val.names)
    assert (Path(in_dir).parent.parent / "LICENSE.flee").is_file()


def test_mali_registration_correction_value() -> None:
    in_dir, val_dir = scenario_dirs("mali")
    inp = read_input_dir(in_dir)
    raw = read_validation_dir(val_dir, inp.start_date)
    cor = read_validation_dir(val_dir, inp.start_date, inp.registration_corrections)
    # Fassala-Mbera is corrected on 2012-12-31: points before it are scaled by v(i)/v(i-1)
    d, v = raw.series["Fassala-Mbera"]
    i = int(np.flatnonzero(d == (dt.date(2012, 12, 31) - inp.start_date).days)[0])
    ratio = v[i] / v[i - 1]
    assert np.allclose(cor.series["Fassala-Mbera"][1][:i], v[:i] * ratio)
    assert np.array_equal(cor.series["Fassala-Mbera"][1][i:], v[i:])


BAD_INPUTS = [
    (
        "input/locations.csv",
        "#h\nA,r,X,0,0,volcano,0,1\n",
        r"locations.csv:2: unknown location_type",
    ),
    ("input/locations.csv", "#h\nA,r,X,0,0,town,0\n", r"locations.csv:2: expected at least 8"),
    ("input/locations.csv", "#h\nA,r,X,north,0,town,0,1\n", r"locations.csv:2: latitude"),
    (
        "input/locations.csv",
        "#h\nA,r,X,0,0,town,,1\nA,r,X,0,0,town,,1\n",
        r"locations.csv:3: .*already",
    ),
    ("input/routes.csv", "#h\nA,B,100,0\nA,Q,5,0\n", r"routes.csv:3: unknown location 'Q'"),
    ("input/routes.csv", "#h\nA,B,far,0\n", r"routes.csv:2: distance must be a number"),
    ("input/closures.csv", "#h\nborder,A,B,0,1\n", r"closures.csv:2: unknown closure type"),
    (
        "input/closures.csv",
        "#h\ncountry,Homeland,Atlantis,0,1\n",
        r"closures.csv:2: unknown country",
    ),
    ("input/conflicts.csv", "#Day,A\n0,1\n", r"conflicts.csv: 1 day rows"),
    ("input/conflicts.csv", "#Day,A\n" + "0,x\n" * 10, r"conflicts.csv:2: intensity"),
    ("input/sim_period.csv", "StartDate,2020-13-01\nLength,10\n", r"sim_period.csv:1: StartDate"),
    ("input/sim_period.csv", "Start,2020-01-01\nLength,10\n", r"sim_period.csv:1: unknown key"),
    (
        "input/registration_corrections.csv",
        "Z,yesterday\n",
        r"registration_corrections.csv:1: date",
    ),
]


@pytest.mark.parametrize(("rel", "text", "pattern"), BAD_INPUTS)
def test_malformed_input_names_file_and_line(
    tiny: Callable[..., Path], rel: str, text: str, pattern: str
) -> None:
    root = tiny({rel: text})
    with pytest.raises(UserError, match=pattern):
        read_input_dir(root / "input")


@pytest.mark.parametrize(
    ("rel", "text", "pattern"),
    [
        (
            "data/camp-z.csv",
            "DateTime,Z\n2020-01-01,12.5\n",
            r"camp-z.csv:2: count must be an integer",
        ),
        ("data/camp-z.csv", "DateTime,Z\n01/01/2020,1\n", r"camp-z.csv:2: date"),
        (
            "data/data_layout.csv",
            "total,refugees.csv\nZ\n",
            r"data_layout.csv:2: expected name,file",
        ),
        (
            "data/data_layout.csv",
            "total,refugees.csv\nZ,missing.csv\n",
            r"missing.csv: file not found",
        ),
    ],
)
def test_malformed_validation_names_file_and_line(
    tiny: Callable[..., Path], rel: str, text: str, pattern: str
) -> None:
    root = tiny({rel: text})
    with pytest.raises(UserError, match=pattern):
        read_validation_dir(root / "data", dt.date(2020, 1, 1))


def test_conflict_column_that_is_no_location_is_dropped_with_a_warning(
    tiny: Callable[..., Path],
) -> None:
    root = tiny({"input/conflicts.csv": "#Day,A,Q\n" + "0,1,1\n" * 10})
    inp = read_input_dir(root / "input")
    assert inp.conflict_names == ["A"] and inp.conflicts.shape == (10, 1)
    assert len(inp.warnings) == 1 and "'Q'" in inp.warnings[0]


def test_missing_directory_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a directory"):
        read_input_dir(tmp_path / "nope")
    with pytest.raises(UserError, match=r"locations.csv: file not found"):
        read_input_dir(tmp_path)


def test_settings_defaults_and_overrides(tmp_path: Path) -> None:
    s = read_settings(None)
    assert (s.max_move_speed, s.default_movechance, s.camp_movechance, s.awareness_level) == (
        360.0,
        0.3,
        0.001,
        1,
    )
    p = tmp_path / "simsetting.yml"
    p.write_text(
        "move_rules:\n  awareness_level: 2\n  conflict_weight: 0.25\n"
        "spawn_rules:\n  conflict_spawn_decay: [1.0, 1.0, 1.0, 0.5, 0.1]\n"
        "optimisations:\n  hasten: 10\nlog_levels:\n  agent: 0\n"
    )
    s = read_settings(p)
    assert s.awareness_level == 2 and s.conflict_weight == 0.25 and s.hasten == 10
    assert s.conflict_spawn_decay == (1.0, 1.0, 1.0, 0.5, 0.1)
    p.write_text("")
    assert read_settings(p) == read_settings(None)
    p.write_text("move_rules:\n  use_v1_rules: true\n")
    s = read_settings(p)  # Flee's v1 rules: speed 200, camp 2.0, conflict 0.25
    assert (s.max_move_speed, s.camp_weight, s.conflict_weight) == (200.0, 2.0, 0.25)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("move_rules:\n  max_move_sped: 100\n", r"unknown key 'move_rules.max_move_sped'"),
        ("move_rules:\n  awareness_level: 0\n", r"awareness_level must be >= 1"),
        ("move_rules:\n  stay_close_to_home: true\n", r"stay_close_to_home.*not supported"),
        ("move_rules:\n  softening: soft\n", r"softening must be a number"),
        ("optimisations:\n  hasten: 0\n", r"hasten must be >= 1"),
        ("spawn_rules: [1, 2]\n", r"spawn_rules must be a mapping"),
        ("move_rules: {a: [1\n", r"not valid YAML"),
    ],
)
def test_bad_settings_are_user_errors(tmp_path: Path, text: str, pattern: str) -> None:
    p = tmp_path / "simsetting.yml"
    p.write_text(text)
    with pytest.raises(UserError, match=pattern):
        read_settings(p)


# --------------------------------------------------------------------------- robustness
import os  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CELL = st.text(alphabet=st.sampled_from(list('ABZ,#"\n 0123456789.-_camptowncflit')), max_size=40)


# per-test settings (no global profile: other packages load their own): 300 examples in CI
@settings(max_examples=300 if os.environ.get("CI") else 30, deadline=None)
@given(
    which=st.sampled_from(
        ["locations.csv", "routes.csv", "closures.csv", "conflicts.csv", "sim_period.csv",
         "registration_corrections.csv"]
    ),
    text=_CELL,
)  # fmt: skip
def test_any_file_content_parses_or_is_a_user_error(which: str, text: str) -> None:
    import tempfile

    from flee_tiny import TINY, write_files

    with tempfile.TemporaryDirectory() as tmp:
        files = dict(TINY)
        files[f"input/{which}"] = text
        root = write_files(Path(tmp), files)
        try:
            read_input_dir(root / "input")
        except UserError:
            pass
