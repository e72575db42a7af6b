"""The run registry on SQLite and, when ROXHAM_TEST_PG_URL is set, on a real PostgreSQL."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from roxham.errors import UserError
from roxham.store.registry import INTERRUPTED_MESSAGE, RunRegistry, normalize_db_url

PG_URL = os.environ.get("ROXHAM_TEST_PG_URL")


def test_lifecycle_and_timestamps(db_url: str) -> None:
    reg = RunRegistry(db_url)
    run = reg.create("historical", {"seed": 7, "agents": 1000})
    assert run.status == "queued" and run.progress == 0.0
    assert run.params == {"seed": 7, "agents": 1000}
    assert run.started_at is None and run.finished_at is None
    assert reg.start(run.id)
    assert reg.set_progress(run.id, 0.25, "day 100 of 400")
    mid = reg.get(run.id)
    assert mid is not None and mid.status == "running" and mid.progress == 0.25
    assert mid.message == "day 100 of 400"
    assert reg.finish(run.id, "/data/runs/x")
    done = reg.get(run.id)
    assert done is not None
    assert done.status == "done" and done.progress == 1.0 and done.result_path == "/data/runs/x"
    assert done.created_at is not None and done.started_at is not None
    assert done.finished_at is not None
    assert done.created_at <= done.started_at <= done.finished_at
    assert done.created_at.tzinfo is not None
    reg.close()


def test_illegal_transitions_are_refused(db_url: str) -> None:
    reg = RunRegistry(db_url)
    run = reg.create("historical")
    # cannot finish or report progress on a run that never started
    assert not reg.finish(run.id, "x")
    assert not reg.set_progress(run.id, 0.5)
    assert reg.start(run.id)
    assert not reg.start(run.id)  # only one worker can take a run
    assert reg.fail(run.id, "boom")
    # a failed run cannot be finished by a late worker, nor restarted
    assert not reg.finish(run.id, "late")
    assert not reg.start(run.id)
    rec = reg.get(run.id)
    assert rec is not None and rec.status == "failed" and rec.error == "boom"
    assert rec.result_path is None
    # unknown ids
    assert reg.get("nope") is None
    assert not reg.start("nope")


def test_progress_is_clamped(db_url: str) -> None:
    reg = RunRegistry(db_url)
    run = reg.create("s")
    reg.start(run.id)
    reg.set_progress(run.id, 7.0)
    assert reg.get(run.id).progress == 1.0  # type: ignore[union-attr]
    reg.set_progress(run.id, -3)
    assert reg.get(run.id).progress == 0.0  # type: ignore[union-attr]


def test_recover_marks_only_unfinished_runs(db_url: str) -> None:
    reg = RunRegistry(db_url)
    queued = reg.create("a")
    running = reg.create("b")
    done = reg.create("c")
    failed = reg.create("d")
    reg.start(running.id)
    reg.set_progress(running.id, 0.4)
    reg.start(done.id)
    reg.finish(done.id, "runs/c")
    reg.start(failed.id)
    reg.fail(failed.id, "bad scenario")
    reg.close()

    # a new server process opens the same database
    reg2 = RunRegistry(db_url)
    assert reg2.recover_interrupted() == 2
    by_id = {r.id: r for r in reg2.list()}
    for rid in (queued.id, running.id):
        assert by_id[rid].status == "failed"
        assert by_id[rid].resumable
        assert by_id[rid].error == INTERRUPTED_MESSAGE
        assert by_id[rid].params == {}
    assert by_id[done.id].status == "done" and by_id[done.id].result_path == "runs/c"
    assert by_id[failed.id].error == "bad scenario" and not by_id[failed.id].resumable
    assert reg2.recover_interrupted() == 0


def test_list_order_filter_and_delete(db_url: str) -> None:
    reg = RunRegistry(db_url)
    ids = [reg.create(f"s{i}").id for i in range(5)]
    listed = [r.id for r in reg.list()]
    assert set(listed) == set(ids)
    created = [r.created_at for r in reg.list()]
    assert created == sorted(created, reverse=True)  # type: ignore[type-var]
    reg.start(ids[0])
    assert [r.id for r in reg.list(status="running")] == [ids[0]]
    assert len(reg.list(limit=2)) == 2
    assert not reg.delete(ids[0])  # running: refused
    reg.fail(ids[0], "x")
    assert reg.delete(ids[0])
    assert reg.get(ids[0]) is None


def test_concurrent_start_only_one_wins(db_url: str) -> None:
    reg = RunRegistry(db_url)
    run = reg.create("race")
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        other = RunRegistry(db_url)
        barrier.wait()
        wins.append(other.start(run.id))
        other.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_killed_process_leaves_registry_consistent(db_url: str) -> None:
    """A process killed (SIGKILL) while it holds a running run: the row stays readable,
    the finished run it wrote before is intact, recovery marks the other one failed."""
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from roxham.store.registry import RunRegistry
        reg = RunRegistry({db_url!r})
        a = reg.create("first"); reg.start(a.id); reg.finish(a.id, "runs/first")
        b = reg.create("second"); reg.start(b.id); reg.set_progress(b.id, 0.3)
        print(a.id, b.id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9
    first, second = proc.stdout.split()
    reg = RunRegistry(db_url)
    assert reg.get(second).status == "running"  # type: ignore[union-attr]
    assert reg.recover_interrupted() == 1
    a, b = reg.get(first), reg.get(second)
    assert a is not None and a.status == "done" and a.result_path == "runs/first"
    assert b is not None and b.status == "failed" and b.resumable


def _start_in_child(url: str, run_id: str, q: mp.Queue) -> None:  # type: ignore[type-arg]
    q.put(RunRegistry(url).start(run_id))


def test_two_processes_cannot_both_start(db_url: str) -> None:
    reg = RunRegistry(db_url)
    run = reg.create("p")
    ctx = mp.get_context("spawn")
    q: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [ctx.Process(target=_start_in_child, args=(db_url, run.id, q)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    results = sorted(q.get(timeout=5) for _ in procs)
    assert results == [False, False, True]


def test_params_roundtrip_json(db_url: str) -> None:
    reg = RunRegistry(db_url)
    params = {"levers": {"protocol": False, "window_days": 14}, "note": "Roxham Road — été"}
    run = reg.create("historical", params)
    assert reg.get(run.id).params == json.loads(json.dumps(params))  # type: ignore[union-attr]


def test_sqlite_path_without_scheme_creates_parent(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "runs.db"
    reg = RunRegistry(str(path))
    reg.create("x")
    assert path.exists()


def test_bad_urls_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="--db"):
        RunRegistry("")
    with pytest.raises(UserError, match="--db"):
        RunRegistry("nosuchdialect://x/y")
    # a PostgreSQL server that is not there: one clear message, no password shown
    with pytest.raises(UserError, match=r"--db: cannot open") as exc:
        RunRegistry("postgresql://u:secret@127.0.0.1:1/db")
    assert "secret" not in str(exc.value)


def test_normalize_db_url() -> None:
    assert normalize_db_url("postgres://h/db") == "postgresql+psycopg://h/db"
    assert normalize_db_url("/abs/runs.db") == "sqlite:////abs/runs.db"
    assert normalize_db_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_second_instance_leaves_a_live_owners_runs_alone(db_url: str) -> None:
    """Issue 18.3: a second server on the same registry must not mark the first server's
    running jobs failed; only runs whose owner has gone quiet are recovered."""
    first = RunRegistry(db_url, stale_after_s=1.0)
    queued = first.create("a")
    running = first.create("b")
    assert first.start(running.id)
    second = RunRegistry(db_url, stale_after_s=1.0)
    assert second.instance != first.instance
    assert second.recover_interrupted() == 0
    assert first.set_progress(running.id, 0.5)  # still running, still ours
    assert first.finish(running.id, "runs/b")
    # the first goes quiet (no heartbeat) for longer than the timeout: now it is gone
    import time

    time.sleep(1.3)
    assert second.recover_interrupted() == 1
    q = second.get(queued.id)
    assert q is not None and q.status == "failed" and q.resumable
    done = second.get(running.id)
    assert done is not None and done.status == "done" and done.result_path == "runs/b"


def test_heartbeats_keep_an_owner_alive(db_url: str) -> None:
    import time

    first = RunRegistry(db_url, stale_after_s=0.8)
    run = first.create("a")
    first.start(run.id)
    second = RunRegistry(db_url, stale_after_s=0.8)
    for _ in range(4):
        time.sleep(0.4)
        assert first.heartbeat() == 1
        assert second.recover_interrupted() == 0
    first.close()  # a clean stop gives its runs up: recovered at once
    assert second.recover_interrupted() == 1


def test_an_older_registry_gets_the_owner_columns(db_url: str) -> None:
    """A registry created before runs had owners (no owner/heartbeat_at columns) opens, gets
    the columns, and its unfinished runs count as ownerless (recovered)."""
    from sqlalchemy import create_engine, text

    from roxham.store.registry import normalize_db_url

    engine = create_engine(normalize_db_url(db_url))
    with engine.begin() as con:
        con.execute(text(
            "CREATE TABLE roxham_runs (id VARCHAR(32) PRIMARY KEY, status VARCHAR(16), "
            "progress FLOAT, message TEXT, scenario VARCHAR(200), params_json TEXT, "
            "created_at TIMESTAMP, started_at TIMESTAMP, finished_at TIMESTAMP, "
            "result_path TEXT, error TEXT, resumable BOOLEAN)"))
        con.execute(text(
            "INSERT INTO roxham_runs VALUES ('x', 'running', 0.1, '', 's', '{}', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL, NULL, NULL, FALSE)"))
    engine.dispose()
    reg = RunRegistry(db_url)
    assert reg.recover_interrupted() == 1  # no owner recorded: an old server's run
    run = reg.create("new")
    assert reg.start(run.id)
    assert RunRegistry(db_url).recover_interrupted() == 0  # the new run's owner is alive
    reg.close()
