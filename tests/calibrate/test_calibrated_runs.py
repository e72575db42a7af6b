"""Calibrated runs: a parameter file applied to scenarios, posterior draws per replicate."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

import roxham.calibrate.runs
from roxham.calibrate.paramfile import ParameterFile
from roxham.calibrate.priors import CANADA_US_SPACE
from roxham.calibrate.runs import calibrate_scenario, load_calibration, run_with_calibration
from roxham.calibrate.space import get_path
from roxham.cli import app
from roxham.cli._common import run_app
from roxham.errors import UserError
from roxham.models.canada_us.model import run_scenario
from roxham.models.canada_us.scenario import load_scenario

SHORT = {"end": "2017-03-31"}


@pytest.fixture(scope="module")
def pf() -> ParameterFile:
    f = load_calibration()
    assert f is not None, "a calibration ships with the package"
    return f


def test_point_estimate_written_at_every_parameter_path(pf: ParameterFile) -> None:
    cal = calibrate_scenario(load_scenario("historical"), pf, replicates=3, seed=1,
                             posterior=False)
    data = cal.scenario.model_dump(mode="json")
    for name, value in pf.parameters.items():
        got = get_path(data, CANADA_US_SPACE[name].path)
        assert got == pytest.approx(round(value) if CANADA_US_SPACE[name].prior == "int"
                                    else value)
    assert cal.variants is None and not cal.kept and not cal.absent


def test_scenario_keeps_what_it_sets_itself(pf: ParameterFile) -> None:
    own = load_scenario("historical", {"choice": {"asc_stay": 0.123}})
    cal = calibrate_scenario(own, pf, replicates=2, seed=1)
    assert cal.kept == {"asc_stay": 0.123}
    assert cal.scenario.choice.asc_stay == 0.123
    assert all(v.choice.asc_stay == 0.123 for v in cal.variants or [])
    assert "asc_stay" not in cal.applied


def test_parameter_absent_from_scenario_is_not_applied(pf: ParameterFile) -> None:
    base = load_scenario("historical").model_dump(mode="json")
    shocks = [x for x in base["demand"]["shocks"] if x["name"] != "haiti-tps-2017"]
    s = load_scenario("historical", {"demand": {"shocks": shocks}})
    cal = calibrate_scenario(s, pf, replicates=2, seed=1)
    assert cal.absent == ["haiti_2017_mult"]
    assert "haiti-tps-2017" not in {x.name for x in cal.scenario.demand.shocks}


def test_posterior_draws_come_from_the_samples_and_follow_the_seed(pf: ParameterFile) -> None:
    s = load_scenario("historical")
    a = calibrate_scenario(s, pf, replicates=6, seed=4)
    b = calibrate_scenario(s, pf, replicates=6, seed=4)
    c = calibrate_scenario(s, pf, replicates=6, seed=5)
    assert a.info["posterior_draws"] == b.info["posterior_draws"]
    assert a.info["posterior_draws"] != c.info["posterior_draws"]
    names, samples, _ = pf.posterior()
    rows = {tuple(x) for x in samples}
    for d in a.info["posterior_draws"]:
        assert tuple(d[n] for n in names) in rows
    assert a.variants is not None and len(a.variants) == 6
    for v, d in zip(a.variants, a.info["posterior_draws"], strict=True):
        assert v.choice.asc_stay == pytest.approx(d["asc_stay"])


def test_paired_scenarios_get_the_same_draws(pf: ParameterFile) -> None:
    a = calibrate_scenario(load_scenario("historical"), pf, replicates=4, seed=9)
    b = calibrate_scenario(load_scenario("no-protocol"), pf, replicates=4, seed=9)
    assert a.info["posterior_draws"] == b.info["posterior_draws"]


def test_without_a_file_the_run_is_the_plain_scenario() -> None:
    s = load_scenario("historical", {**SHORT, "replicates": 2})
    plain = run_scenario(s, seed=3)
    res = run_with_calibration(s, 3, 2, None)
    assert res.manifest["calibration"] is None
    assert res.monthly.equals(plain.monthly)


def test_calibrated_run_records_and_uses_the_draws(pf: ParameterFile) -> None:
    s = load_scenario("historical", SHORT)
    res = run_with_calibration(s, 3, 2, pf)
    info = res.manifest["calibration"]
    assert info["file"] == "canada_us.yaml" and len(info["posterior_draws"]) == 2
    assert info["applied"].keys() == pf.parameters.keys()
    cal = calibrate_scenario(s, pf, 2, 3)
    assert cal.variants is not None
    again = run_scenario(cal.scenario, seed=3, replicates=2, variants=cal.variants)
    assert np.array_equal(res.replicate_monthly, again.replicate_monthly)
    assert res.monthly["value"].equals(again.monthly["value"])
    # the bands differ only where the file's model-discrepancy scales widen them
    scaled = set((pf.data.get("discrepancy") or {}).get("scales", {}))
    key = pl.concat_str("series", pl.lit("/"), "geography")
    same = pl.col("_k").is_in(sorted(scaled)).not_()
    assert (res.monthly.with_columns(_k=key).filter(same).drop("_k")
            .equals(again.monthly.with_columns(_k=key).filter(same).drop("_k")))


def test_wrong_model_file_is_refused(pf: ParameterFile, tmp_path: Path) -> None:
    data = dict(pf.data, model="flee")
    p = tmp_path / "x.yaml"
    p.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(UserError, match="model 'flee'"):
        other = load_calibration(p)
        assert other is not None
        calibrate_scenario(load_scenario("historical"), other, 1, 1)


def test_cli_run_records_the_calibration(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "short.yaml"
    f.write_text("extends: historical\nend: 2017-02-28\n", encoding="utf-8")
    out = tmp_path / "run"
    assert run_app(app, ["run", str(f), "-r", "2", "-o", str(out), "--json", "--no-report"]) == 0
    payload = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert payload["calibration"].startswith("calibrated, canada_us.yaml")
    man = json.loads((out / "manifest.json").read_text())
    assert len(man["calibration"]["posterior_draws"]) == 2
    out2 = tmp_path / "run2"
    assert run_app(app, ["run", str(f), "-r", "2", "-o", str(out2), "--json", "--no-report",
                         "--uncalibrated"]) == 0
    man2 = json.loads((out2 / "manifest.json").read_text())
    assert man2["calibration"] is None


@pytest.mark.parametrize("argv,needle", [
    (["--params", "nope.yaml"], "not found"),
    (["--params", "x.yaml", "--uncalibrated"], "exclude each other"),
])
def test_cli_bad_calibration_options(argv: list[str], needle: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = run_app(app, ["run", "historical", "-o", str(tmp_path / "r"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_module_examples() -> None:
    res = doctest.testmod(roxham.calibrate.runs)
    assert res.attempted >= 2 and res.failed == 0
