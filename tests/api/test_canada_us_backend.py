"""The Canada–US model behind POST /runs: levers are scenario overrides, results are the
model's own monthly table."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.canada_us_backend import FAMILY_EXCEPTIONS, CanadaUsBackend
from roxham.calibrate.runs import load_calibration, run_with_calibration
from roxham.models.canada_us.scenario import load_scenario


def test_default_levers_reproduce_each_shipped_scenario() -> None:
    b = CanadaUsBackend()
    names = [s.name for s in b.scenarios()]
    assert names[0] == "historical" and "no-protocol" in names
    for spec in b.scenarios():
        defaults = {lv.key: lv.default for lv in spec.levers}
        assert b.overrides(spec.name, defaults) == {}, spec.name


def test_levers_equal_the_shipped_variants() -> None:
    """historical with a lever moved == the shipped scenario that moves it."""
    b = CanadaUsBackend()
    spec = b.scenarios()[0]
    base = {lv.key: lv.default for lv in spec.levers}

    def resolved(name: str, **levers: object) -> dict[str, object]:
        over = b.overrides(name, {**base, **levers})
        d = load_scenario(name, over or None).model_dump(mode="json")
        for key in ("name", "description", "extends"):
            d.pop(key)
        return d

    def shipped(name: str) -> dict[str, object]:
        d = load_scenario(name).model_dump(mode="json")
        for key in ("name", "description", "extends"):
            d.pop(key)
        return d

    assert resolved("historical", protocol=False) == shipped("no-protocol")
    assert resolved("historical", protocol_window_days=30) == shipped("protocol-30-days")
    assert resolved("historical", nyc_tickets=False) == shipped("no-nyc-tickets")
    assert resolved("historical", protocol=False, close_roxham=True) == shipped("roxham-closed")
    fam = resolved("historical", family_exceptions=False)
    assert sorted(fam["law"]["reform"]["remove_exceptions"]) == sorted(  # type: ignore[index]
        FAMILY_EXCEPTIONS)


def test_run_through_the_api_equals_the_model(tmp_path: Path) -> None:
    app = create_app(ApiSettings(db_url="sqlite://", data_dir=tmp_path),
                     backend=CanadaUsBackend())
    with TestClient(app) as c:
        scen = {s["name"]: s for s in c.get("/api/v1/scenarios").json()}
        assert scen["historical"]["agents_adjustable"] is False
        r = c.post("/api/v1/runs", json={"scenario": "historical", "agents": 10})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "agents"]
        r = c.post("/api/v1/runs", json={"scenario": "historical", "seed": 3,
                                         "levers": {"protocol": False}})
        assert r.status_code == 202
        run_id = r.json()["id"]
        end = time.monotonic() + 300
        while (run := c.get(f"/api/v1/runs/{run_id}").json())["status"] not in ("done",
                                                                                  "failed"):
            assert time.monotonic() < end
            time.sleep(0.2)
    assert run["status"] == "done", run["error"]
    # the lab runs with the shipped calibration, one posterior draw per replicate (as roxham run)
    direct = run_with_calibration(load_scenario("no-protocol"), 3, 1, load_calibration()).monthly
    qc = direct.filter((pl.col("series") == "rcmp_interceptions") & (pl.col("geography") == "QC"))
    got = next(s for s in run["results"]["series"] if s["name"] == "rcmp_interceptions QC")
    assert got["mean"] == qc.get_column("value").to_list()
    assert got["period"][0] == "2017-01-01" and len(got["period"]) == 96
    assert run["results"]["manifest"]["overrides"] == {"law": {"reform": {"no_protocol": True}}}


def test_lab_scenario_file_reproduces_the_run(tmp_path: Path) -> None:
    """The lab's reproduce panel writes ``extends`` + each override as a JSON line (JSON is
    YAML): loading that file gives the scenario the run used."""
    import json

    b = CanadaUsBackend()
    spec = b.scenarios()[0]
    levers = {lv.key: lv.default for lv in spec.levers}
    levers.update(close_roxham=True, close_roxham_from="2023-06-01", irb_capacity=1.5,
                  nyc_ticket_multiplier=2.0, covid_order=False)
    over = json.loads(json.dumps(b.overrides("historical", levers), default=str))
    lines = ["extends: historical", "name: lab-test"]
    lines += [f"{k}: {json.dumps(v)}" for k, v in over.items()]
    path = tmp_path / "lab-test.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_file = load_scenario(str(path)).model_dump(mode="json")
    direct = load_scenario("historical", b.overrides("historical", levers)).model_dump(
        mode="json")
    for d in (from_file, direct):
        for key in ("name", "description", "extends"):
            d.pop(key)
    assert from_file == direct
    assert from_file["network"]["closures"] == [{"crossing": "roxham", "start": "2023-06-01",
                                                 "end": None}]
