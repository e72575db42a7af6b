"""Scenario files: validation errors name the key and the line; a valid file runs."""

from pathlib import Path

import pytest

from roxham.errors import UserError
from roxham.sim import load_scenario, parse_scenario, run

GOOD = (Path(__file__).parent / "data" / "tiny.yaml").read_text()


def bad(text: str) -> str:
    with pytest.raises(UserError) as e:
        parse_scenario(text, "s.yaml")
    return str(e.value)


def test_valid_scenario_builds_and_runs() -> None:
    sc = parse_scenario(GOOD, "s.yaml")
    assert sc.n_days == 31
    res = run(sc)
    assert len(res.replicates) == 2 and res.seed == 3
    # the link closes on day 14: nobody enters it from then on
    entered = res.replicates[0].entered[:, 0]
    assert entered[14:].sum() == 0 and entered[:14].sum() > 0


def test_unknown_top_level_key_names_key_and_line() -> None:
    assert bad(GOOD + "colour: red\n") == "s.yaml:27: colour: unknown key"


def test_unknown_nested_key_names_path_and_line() -> None:
    text = GOOD.replace("{name: c, give_up: 0.5}", "{name: c, giveup: 0.5}")
    assert bad(text) == "s.yaml:15: cohorts[0].giveup: unknown key"


def test_bad_date_names_key_and_line() -> None:
    text = GOOD.replace("end: 2024-01-31", "end: 2024-02-30")
    msg = bad(text)
    assert msg.startswith("s.yaml:2: period.end: ")
    assert "date" in msg


def test_end_before_start_is_an_error() -> None:
    msg = bad(GOOD.replace("end: 2024-01-31", "end: 2023-12-31"))
    assert msg.startswith("s.yaml:2: period: ") and "before start" in msg


def test_link_to_unknown_location_names_key_and_line() -> None:
    msg = bad(GOOD.replace("{from: X, to: B, km: 120, speed: 60}", "{from: X, to: Q, km: 1}"))
    assert msg == "s.yaml:13: network.links[1].to: unknown location 'Q'"


def test_event_on_unknown_link_and_unknown_kind() -> None:
    msg = bad(GOOD.replace("target: [A, X]", "target: [A, B]"))
    assert msg == "s.yaml:25: events[0].target: unknown link ['A', 'B']"
    msg = bad(GOOD.replace("kind: close_link", "kind: close_border"))
    assert msg == "s.yaml:25: events[0].kind: unknown event kind 'close_border'"


def test_wrong_type_and_out_of_range() -> None:
    msg = bad(GOOD.replace("interception: 0.5", "interception: 1.5"))
    assert msg.startswith("s.yaml:9: network.locations[1].interception: ")
    msg = bad(GOOD.replace("replicates: 2", "replicates: many"))
    assert msg.startswith("s.yaml:4: replicates: ")


def test_spawn_list_of_wrong_length() -> None:
    msg = bad(GOOD.replace("daily: 10}", "daily: [1, 2, 3]}"))
    assert msg == "s.yaml:17: spawns[0].daily: 3 values for a period of 31 days"


def test_yaml_syntax_error_has_a_line() -> None:
    msg = bad(GOOD.replace("seed: 3", "seed: [3"))
    assert msg.startswith("s.yaml:") and "invalid YAML" in msg


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read scenario"):
        load_scenario(tmp_path / "nope.yaml")


def test_yaml_is_loaded_safely() -> None:
    # a Python tag must not construct anything
    msg = bad("!!python/object/apply:os.system ['echo hi']\n")
    assert "invalid YAML" in msg


def test_engine_parameters_are_checked() -> None:
    msg = bad(GOOD.replace("{info_lag_days: 0}", "{info_lag_days: -2}"))
    assert msg == (
        "s.yaml:5: parameters.info_lag_days: must be a whole number of days in 0..3650, got -2"
    )
    text = GOOD + "  - {date: 2024-01-20, kind: set_parameter, target: redecide, value: 7}\n"
    assert bad(text) == "s.yaml:27: events[2].value: must be 0, 1 or 2, got 7"


def test_event_values_are_checked() -> None:
    msg = bad(GOOD.replace("target: screening, value: 10", "target: screening, value: lots"))
    assert msg == "s.yaml:26: events[1].value: a capacity is a number >= 0 or null"


def test_extends_merges_a_parent_file_like_every_model(tmp_path: Path) -> None:
    """The engine's scenarios use the one scenario core's ``extends:`` (issue 16.5)."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.yaml").write_text(GOOD)
    child = tmp_path / "child.yaml"
    child.write_text("extends: sub/base.yaml\nname: child\nseed: 9\n"
                     "spawns:\n  - {cohort: c, location: A, daily: 20}\n")
    sc = load_scenario(child)
    base = load_scenario(tmp_path / "sub" / "base.yaml")
    assert (sc.name, sc.seed, sc.spawns[0].daily) == ("child", 9, 20.0)
    assert sc.replicates == base.replicates and sc.network == base.network
    child.write_text("extends: base\nname: x\n")
    with pytest.raises(UserError, match=r"child.yaml:1: 'extends' must be the path"):
        load_scenario(child)
    child.write_text("extends: child.yaml\nname: x\n")
    with pytest.raises(UserError, match="cycle"):
        load_scenario(child)
