"""A real Dask cluster on this machine: ``dask scheduler`` and two ``dask worker`` processes
started with Dask's own commands (as the README tells for several machines), and the
calibration run on it equals the local run for the same seed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import roxham
from roxham.calibrate import CanadaUSModel, DaskExecutor, LocalExecutor, calibrate
from roxham.calibrate.executor import SCHEDULER_ENV, make_executor
from roxham.errors import UserError

DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``tcp://127.0.0.1:PORT`` of a scheduler with two single-threaded worker processes."""
    if DASK is None:
        pytest.fail("the 'dask' command (dask[distributed]) is not installed")
    tmp = tmp_path_factory.mktemp("dask")
    sched_file = tmp / "scheduler.json"
    env = dict(os.environ)
    # the workers import the same Roxham as this test (the source tree under test)
    src = str(Path(roxham.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    procs: list[subprocess.Popen[bytes]] = []
    log = (tmp / "cluster.log").open("wb")
    try:
        procs.append(subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(sched_file)], env=env, stdout=log, stderr=log))
        t0 = time.monotonic()
        while not sched_file.exists() or not sched_file.read_text().strip():
            if time.monotonic() - t0 > 60 or procs[0].poll() is not None:
                pytest.fail("dask scheduler did not start: " + (tmp / "cluster.log").read_text())
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        for _ in range(2):
            procs.append(subprocess.Popen(
                [DASK, "worker", address, "--nworkers", "1", "--nthreads", "1",
                 "--no-dashboard", "--host", "127.0.0.1"], env=env, stdout=log, stderr=log))
        from distributed import Client

        with Client(address, timeout="30s") as c:
            c.wait_for_workers(2, timeout=120)
        yield address
    finally:
        _stop(procs)
        log.close()


def test_calibration_on_a_dask_cluster_equals_the_local_run(cluster: str) -> None:
    model = CanadaUSModel()
    kw = {"budget": 6, "batch": 3, "seed": 5, "train_end": "2017-03", "refine": 1,
          "refine_seeds": 1}
    local = calibrate(model, executor=LocalExecutor(1), **kw)  # type: ignore[arg-type]
    ex = make_executor(dask=cluster)
    try:
        assert isinstance(ex, DaskExecutor) and ex.workers == 2
        remote = calibrate(model, executor=ex, **kw)  # type: ignore[arg-type]
    finally:
        ex.close()
    assert [t["distance"] for t in remote.trials] == [t["distance"] for t in local.trials]
    assert [t["seed"] for t in remote.trials] == [t["seed"] for t in local.trials]
    assert remote.best == local.best and remote.best_distance == local.best_distance
    assert remote.posterior_samples == local.posterior_samples


def test_the_environment_names_the_scheduler(cluster: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCHEDULER_ENV, cluster)
    ex = make_executor()
    try:
        assert isinstance(ex, DaskExecutor)
        assert ex.map(abs, [-3, 2, -1]) == [3, 2, 1]
    finally:
        ex.close()
    # --workers keeps the run local whatever the environment says
    assert isinstance(make_executor(workers=1), LocalExecutor)


def test_an_unreachable_scheduler_is_one_clear_error() -> None:
    with pytest.raises(UserError, match="cannot reach Dask scheduler"):
        make_executor(dask="tcp://127.0.0.1:9")


def test_roxham_calibrate_scheduler_resumes_and_equals_local(
    cluster: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.calibrate.test_cli import _run

    base = ["calibrate", "--method", "optimize", "--budget", "4", "--batch", "2",
            "--train-end", "2017-02", "--json"]
    rc, out, _ = _run([*base, "-w", "1", "-o", str(tmp_path / "local.yaml")], capsys)
    assert rc == 0
    local = json.loads(out)
    target = tmp_path / "dask.yaml"
    rc, out, _ = _run([*base, "--scheduler", cluster, "-o", str(target)], capsys)
    assert rc == 0
    remote = json.loads(out)
    assert remote["best"] == local["best"]
    assert remote["best_distance"] == local["best_distance"]
    # the checkpoint written from the cluster's results resumes (nothing simulated again)
    rc, out, _ = _run([*base, "--scheduler", cluster, "-o", str(target)], capsys)
    again = json.loads(out)
    assert rc == 0 and again["resumed"] == remote["n_simulations"]
    assert again["best"] == remote["best"]
