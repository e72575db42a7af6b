"""The scenario core (roxham.scenario): every finding of issue 18 item 6 and the unreadable
files of issues 17/18 gives one UserError line naming file (and line) and key, for both the
Canada–US scenarios and the engine's generic scenarios."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from roxham.calibrate.priors import CANADA_US_SPACE
from roxham.errors import UserError
from roxham.models.canada_us.scenario import load_scenario, scenario_hash
from roxham.scenario import DATE_MAX, DATE_MIN, load_yaml, read_scenario_text, with_params
from roxham.sim.scenario import load_scenario as load_sim_scenario


def _write(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> str:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize(("body", "key", "line"), [
    # NaN in beta_success ran with exit 0 and gave zero claims everywhere
    ("choice:\n  beta_success: .nan\n", "choice.beta_success", 4),
    ("choice:\n  asc_stay: .inf\n", "choice.asc_stay", 4),
    ("choice:\n  beta_km_per_100: -.inf\n", "choice.beta_km_per_100", 4),
    # negative IRB finalisations gave 85 million pending
    ("processing:\n  irb_finalised_per_year: {2019: -5000}\n",
     "processing.irb_finalised_per_year", 4),
    ("demand:\n  air_claims_per_year: {2019: -1}\n", "demand.air_claims_per_year", 4),
    ("demand:\n  land_base_per_day: {us_northeast: -3}\n", "demand.land_base_per_day", 4),
    ("cohorts:\n  land_nationality: {HT: -0.5}\n", "cohorts.land_nationality", 4),
    ("processing:\n  irb_pending_initial: .nan\n", "processing.irb_pending_initial", 4),
])
def test_non_finite_or_negative_parameters_are_refused(
    tmp_path: Path, body: str, key: str, line: int
) -> None:
    path = _write(tmp_path, "extends: historical\nname: bad\n" + body)
    with pytest.raises(UserError) as e:
        load_scenario(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}:{line}: {key}"), msg
    assert "\n" not in msg


@pytest.mark.parametrize("body", [
    "start: 2020-01-01\nend: 2019-06-01\n",
    "demand:\n  shocks:\n    - {name: s, start: 2021-01-01, end: 2020-01-01, multiplier: 2}\n",
    "network:\n  closures:\n    - {crossing: roxham, start: 2021-01-01, end: 2020-01-01}\n",
    "law:\n  covid_order: [2021-11-21, 2020-03-21]\n",
])
def test_reversed_date_ranges_are_refused(tmp_path: Path, body: str) -> None:
    path = _write(tmp_path, "extends: historical\nname: rev\n" + body)
    with pytest.raises(UserError, match=r"before start|reversed"):
        load_scenario(path)


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_1900_2100_are_refused(tmp_path: Path, day: str) -> None:
    path = _write(tmp_path, f"extends: historical\nname: old\nstart: {day}\n")
    with pytest.raises(UserError, match=rf"{path}:3: start: date must be within"):
        load_scenario(path)
    assert (DATE_MIN.year, DATE_MAX.year) == (1900, 2100)


def test_unreadable_files_are_one_line(tmp_path: Path) -> None:
    cases = {
        "latin1.yaml": "name: caf\xe9\n".encode("latin-1"),
        "utf16.yaml": "name: x\n".encode("utf-16"),
        "empty.yaml": b"",
        "blank.yaml": b"\n  \n",
        "nul.yaml": b"name: a\x00b\n",
    }
    for name, raw in cases.items():
        path = _write(tmp_path, raw, name)
        for loader in (load_scenario, load_sim_scenario):
            with pytest.raises(UserError) as e:
                loader(path)
            assert str(e.value).startswith(path), (name, str(e.value))
    with pytest.raises(UserError, match="is a directory"):
        load_scenario(str(tmp_path) + "/")
    with pytest.raises(UserError, match="is a directory"):
        load_sim_scenario(tmp_path)


def test_deep_nesting_and_huge_integers_are_one_line(tmp_path: Path) -> None:
    deep = _write(tmp_path, "a: " + "[" * 20_000 + "\n", "deep.yaml")
    with pytest.raises(UserError, match="nested too deeply"):
        load_scenario(deep)
    big = _write(tmp_path, "extends: historical\nseed: " + "9" * 5000 + "\n", "big.yaml")
    with pytest.raises(UserError, match="more than 4300 digits"):
        load_scenario(big)
    # a large but convertible seed is refused by its bound, naming the key
    big2 = _write(tmp_path, "extends: historical\nseed: " + "9" * 40 + "\n", "big2.yaml")
    with pytest.raises(UserError, match=r"big2.yaml:2: seed"):
        load_scenario(big2)


def test_read_scenario_text_accepts_a_utf8_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffname: x\n")
    assert read_scenario_text(path) == "name: x\n"
    assert load_yaml("name: x\n")[0] == {"name": "x"}


def test_hash_is_the_twelve_digit_content_hash_of_resolved_keys() -> None:
    import hashlib
    import json

    s = load_scenario("historical")
    blob = json.dumps(s.model_dump(mode="json"), sort_keys=True).encode()
    assert scenario_hash(s) == hashlib.sha256(blob).hexdigest()[:12]
    assert scenario_hash(load_scenario("no-protocol")) != scenario_hash(s)


def test_with_params_writes_each_parameter_at_its_path() -> None:
    s = load_scenario("historical")
    p = CANADA_US_SPACE.params[0]
    value = p.low + 0.25 * (p.high - p.low)
    v = round(value) if p.prior == "int" else value
    t = with_params(s, {p.name: v}, CANADA_US_SPACE)
    node: object = t.model_dump(mode="json")
    for seg in p.path.split("."):
        node = node[seg] if isinstance(node, dict) else next(  # type: ignore[index]
            el for el in node if el.get("name") == seg)  # type: ignore[union-attr]
    assert math.isclose(float(node), float(v))  # type: ignore[arg-type]
    assert s.model_dump() != t.model_dump() or math.isclose(float(v), float(p.hand or v))


def test_with_params_refuses_a_value_that_breaks_a_bound() -> None:
    s = load_scenario("historical")
    with pytest.raises(UserError, match=r"processing.p_intercept_irregular: .*less than or equal"):
        with_params(s, {"p_intercept": 1.5}, CANADA_US_SPACE)  # a probability above 1
    with pytest.raises(UserError, match=r"choice.asc_stay: must be a finite number"):
        with_params(s, {"asc_stay": float("nan")}, CANADA_US_SPACE)


def test_with_params_is_what_calibrated_runs_apply() -> None:
    from roxham.calibrate.paramfile import read_parameter_file, shipped_parameter_file
    from roxham.calibrate.runs import calibrate_scenario

    shipped = shipped_parameter_file()
    if shipped is None:
        pytest.fail("the package ships a calibration")
    pf = read_parameter_file(shipped)
    s = load_scenario("historical")
    cal = calibrate_scenario(s, pf, replicates=2, seed=3)
    assert cal.scenario == with_params(s, cal.applied, CANADA_US_SPACE)


def test_generic_engine_scenarios_refuse_nan_and_old_dates(tmp_path: Path) -> None:
    base = ("period: {start: 2024-01-01, end: 2024-01-10}\n"
            "network:\n  locations: [{name: A, kind: origin}, {name: B, kind: destination}]\n"
            "  links: [{from: A, to: B, days: 2}]\ncohorts: [{name: c}]\n"
            "spawns: [{cohort: c, location: A, daily: 10}]\n")
    ok = _write(tmp_path, base + 'choice: {kind: fixed, probabilities: {"A->B": 1.0}}\n',
                "ok.yaml")
    load_sim_scenario(ok)
    nan = _write(tmp_path, base + "choice: {kind: logit, law: .nan}\n", "nan.yaml")
    with pytest.raises(UserError, match=r"nan.yaml:7: choice"):
        load_sim_scenario(nan)
    old = _write(tmp_path, base.replace("2024-01-01", "1850-01-01")
                 + 'choice: {kind: fixed, probabilities: {"A->B": 1.0}}\n', "old.yaml")
    with pytest.raises(UserError, match=r"old.yaml:1: period.start: date must be within"):
        load_sim_scenario(old)


@pytest.mark.parametrize("name", ["roxham.scenario", "roxham.store.ownership",
                                  "roxham.api.access", "roxham.models.canada_us.scenario"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
