"""GET /scenarios, POST /runs, GET /runs/{id}: background runs with the fake model, limits,
timeouts, failures and crash recovery, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import polars as pl
from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.jobs import Job
from roxham.store.registry import INTERRUPTED_MESSAGE, RunRegistry

from .conftest import DAYS, FakeModel, ProcessModel, fake_series


def _wait(client: TestClient, run_id: str, timeout: float = 20) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        run = client.get(f"/api/v1/runs/{run_id}").json()
        if run["status"] in ("done", "failed"):
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


def test_scenarios_list_levers(client: TestClient) -> None:
    scen = client.get("/api/v1/scenarios").json()
    assert [s["name"] for s in scen] == ["historical", "no_protocol"]
    keys = [lv["key"] for lv in scen[0]["levers"]]
    assert keys[:3] == ["protocol", "window", "closing"]
    assert scen[0]["days"] == DAYS


def test_run_lifecycle_and_results(client: TestClient) -> None:
    r = client.post("/api/v1/runs", json={"scenario": "no_protocol", "agents": 500, "seed": 7,
                                          "levers": {"protocol": False}, "label": "test"})
    assert r.status_code == 202, r.text
    run_id = r.json()["id"]
    assert r.headers["location"] == f"/api/v1/runs/{run_id}"
    run = _wait(client, run_id)
    assert run["status"] == "done" and run["progress"] == 1.0
    assert "result_path" not in run
    expected = fake_series(Job(run_id, "no_protocol", {"protocol": False}, 7, 1, 500))
    got = {s["name"]: s for s in run["results"]["series"]}
    assert set(got) == {"crossings", "claims"}
    exp = expected.filter(pl.col("series") == "crossings").sort("period")
    assert got["crossings"]["mean"] == exp.get_column("mean").to_list()
    assert got["crossings"]["period"][0] == "2023-03-01"
    assert run["results"]["manifest"]["seed"] == 7
    assert run["results"]["manifest"]["levers"]["window"] == 14  # defaults filled in
    listed = client.get("/api/v1/runs").json()
    assert [x["id"] for x in listed] == [run_id]


def test_run_results_are_saved_as_parquet(client: TestClient, tmp_path: Path) -> None:
    run_id = client.post("/api/v1/runs", json={"scenario": "historical"}).json()["id"]
    assert _wait(client, run_id)["status"] == "done"
    folder = tmp_path / "data" / "runs" / run_id
    df = pl.read_parquet(folder / "series.parquet")
    assert df.columns == ["period", "series", "mean", "lo", "hi"]
    assert df.height == 2 * DAYS
    assert (folder / "manifest.json").exists()
    assert not list((tmp_path / "data" / "runs").glob(".*.tmp"))


def test_bad_run_requests_name_the_field(make_client: Any) -> None:
    c = make_client(max_agent_days=1_000_000, max_replicates=3)
    cases = [
        ({"scenario": "atlantis"}, ["body", "scenario"]),
        ({"scenario": "historical", "levers": {"warp": 1}}, ["body", "levers", "warp"]),
        ({"scenario": "historical", "levers": {"window": "two"}}, ["body", "levers", "window"]),
        ({"scenario": "historical", "levers": {"window": 61}}, ["body", "levers", "window"]),
        ({"scenario": "historical", "levers": {"window": 1.5}}, ["body", "levers", "window"]),
        ({"scenario": "historical", "levers": {"protocol": "yes"}},
         ["body", "levers", "protocol"]),
        ({"scenario": "historical", "levers": {"closing": "2023-13-01"}},
         ["body", "levers", "closing"]),
        ({"scenario": "historical", "agents": 40_000}, ["body", "agents"]),  # 40k × 30 days
        ({"scenario": "historical", "replicates": 4}, ["body", "replicates"]),
        ({"scenario": "historical", "seed": -1}, ["body", "seed"]),
        ({}, ["body", "scenario"]),
    ]
    for body, loc in cases:
        r = c.post("/api/v1/runs", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["detail"][0]["loc"] == loc, body
    assert c.get("/api/v1/runs").json() == []  # nothing was registered


def test_unknown_run_is_404(client: TestClient) -> None:
    for rid in ("0" * 32, "nope", "x" * 300):
        r = client.get(f"/api/v1/runs/{rid}")
        assert r.status_code == 404, rid


def test_queue_limit_is_429(make_client: Any, fake_model: FakeModel) -> None:
    c = make_client(max_concurrent_jobs=1, max_queued_jobs=1)
    fake_model.gate.clear()  # runs block until released
    a = c.post("/api/v1/runs", json={"scenario": "historical"})
    b = c.post("/api/v1/runs", json={"scenario": "historical"})
    full = c.post("/api/v1/runs", json={"scenario": "historical"})
    assert (a.status_code, b.status_code, full.status_code) == (202, 202, 429)
    assert c.get(f"/api/v1/runs/{b.json()['id']}").json()["status"] == "queued"
    fake_model.gate.set()
    assert _wait(c, a.json()["id"])["status"] == "done"
    assert _wait(c, b.json()["id"])["status"] == "done"
    assert c.post("/api/v1/runs", json={"scenario": "historical"}).status_code == 202


def test_progress_is_visible_while_running(client: TestClient) -> None:
    run_id = client.post("/api/v1/runs", json={"scenario": "historical",
                                               "levers": {"sleep": 0.03}}).json()["id"]
    seen = set()
    end = time.monotonic() + 20
    while time.monotonic() < end:
        run = client.get(f"/api/v1/runs/{run_id}").json()
        if run["status"] == "running" and 0 < run["progress"] < 1:
            seen.add(run["progress"])
        if run["status"] == "done":
            break
        time.sleep(0.02)
    assert run["status"] == "done"
    assert seen, "no intermediate progress was reported"


def test_timeout_marks_run_failed_and_keeps_no_results(
    make_client: Any, tmp_path: Path
) -> None:
    c = make_client(job_timeout_s=0.3)
    run_id = c.post("/api/v1/runs", json={"scenario": "historical",
                                          "levers": {"sleep": 0.05}}).json()["id"]
    run = _wait(c, run_id)
    assert run["status"] == "failed" and "timed out" in run["error"]
    assert run["resumable"] is True and run["results"] is None
    time.sleep(0.2)
    runs_dir = tmp_path / "data" / "runs"
    assert not runs_dir.exists() or list(runs_dir.iterdir()) == []


def test_model_failure_is_recorded(client: TestClient) -> None:
    run_id = client.post("/api/v1/runs", json={"scenario": "historical",
                                               "levers": {"explode": True}}).json()["id"]
    run = _wait(client, run_id)
    assert run["status"] == "failed"
    assert "failed on purpose" in run["error"] and run["resumable"] is False


def test_restart_marks_unfinished_runs_and_keeps_finished(
    db_url: str, tmp_path: Path, fake_model: FakeModel
) -> None:
    settings = ApiSettings(db_url=db_url, data_dir=tmp_path / "data", job_isolation="thread")
    with TestClient(create_app(settings, backend=fake_model)) as c:
        done_id = c.post("/api/v1/runs", json={"scenario": "historical"}).json()["id"]
        assert _wait(c, done_id)["status"] == "done"
    # A server killed mid-run leaves rows queued/running (simulated straight in the registry).
    reg = RunRegistry(db_url)
    queued = reg.create("historical", {"levers": {}})
    running = reg.create("historical", {"levers": {}})
    assert reg.start(running.id)
    reg.close()
    with TestClient(create_app(settings, backend=fake_model)) as c:
        for rid in (queued.id, running.id):
            run = c.get(f"/api/v1/runs/{rid}").json()
            assert run["status"] == "failed" and run["error"] == INTERRUPTED_MESSAGE
            assert run["resumable"] is True
        done = c.get(f"/api/v1/runs/{done_id}").json()
        assert done["status"] == "done" and done["results"]["series"]


def _process_client(tmp_path: Path, **settings: Any) -> TestClient:
    s = ApiSettings(db_url=f"sqlite:///{tmp_path / 'runs.db'}", data_dir=tmp_path / "data",
                    job_isolation="process", **settings)
    return TestClient(create_app(s, backend=ProcessModel()))


def test_process_isolation_runs_in_a_child(tmp_path: Path) -> None:
    with _process_client(tmp_path) as c:
        run_id = c.post("/api/v1/runs", json={"scenario": "historical", "seed": 2,
                                              "levers": {"protocol": False}}).json()["id"]
        run = _wait(c, run_id, timeout=120)
        assert run["status"] == "done", run["error"]
        assert run["results"]["manifest"]["pid"] != os.getpid()
        exp = fake_series(Job(run_id, "historical", {"protocol": False}, 2, 1, 1000))
        got = {s["name"]: s for s in run["results"]["series"]}
        assert got["claims"]["mean"] == exp.filter(pl.col("series") == "claims").sort(
            "period").get_column("mean").to_list()
        bad = c.post("/api/v1/runs", json={"scenario": "historical",
                                           "levers": {"explode": True}}).json()["id"]
        run = _wait(c, bad, timeout=120)
        assert run["status"] == "failed"
        assert run["error"] == "RuntimeError: the child model failed on purpose"


def test_process_stuck_in_compiled_code_is_killed_at_the_timeout(tmp_path: Path) -> None:
    with _process_client(tmp_path, job_timeout_s=8, max_concurrent_jobs=1,
                         max_queued_jobs=0) as c:
        run_id = c.post("/api/v1/runs", json={"scenario": "historical",
                                              "levers": {"hang_s": 300}}).json()["id"]
        t0 = time.monotonic()
        run = _wait(c, run_id, timeout=60)
        assert run["status"] == "failed" and "timed out" in run["error"]
        # The slot is free again soon after the deadline: the child was killed, not awaited.
        end = time.monotonic() + 30
        while (r := c.post("/api/v1/runs", json={"scenario": "historical"})).status_code == 429:
            assert time.monotonic() < end, "the stuck run still holds its slot"
            time.sleep(0.2)
        assert r.status_code == 202
        assert time.monotonic() - t0 < 60


def test_a_second_server_on_the_same_registry_keeps_the_first_ones_runs(
    db_url: str, tmp_path: Path, fake_model: FakeModel
) -> None:
    """Issue 18.3: starting a second server must neither fail the first server's running job
    nor lose its results."""
    settings = ApiSettings(db_url=db_url, data_dir=tmp_path / "data", job_isolation="thread")
    fake_model.gate.clear()  # the first server's run waits inside the model
    with TestClient(create_app(settings, backend=fake_model)) as first:
        run_id = first.post("/api/v1/runs", json={"scenario": "historical"}).json()["id"]
        deadline = time.monotonic() + 20
        while first.get(f"/api/v1/runs/{run_id}").json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        with TestClient(create_app(settings, backend=fake_model)) as second:
            assert second.get(f"/api/v1/runs/{run_id}").json()["status"] == "running"
            fake_model.gate.set()
            run = _wait(first, run_id)
            assert run["status"] == "done", run["error"]
            assert run["results"]["series"]
            assert second.get(f"/api/v1/runs/{run_id}").json()["status"] == "done"
    assert (tmp_path / "data" / "runs" / run_id / "manifest.json").is_file()
