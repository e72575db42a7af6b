"""Server hardening (issue 18 items 5 and 7): Host allow-list, tokens owning runs, delete,
retention, body and header read timeouts, problem responses instead of 500."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from roxham.store import ownership
from roxham.store.registry import RunRegistry


def _wait(client: TestClient, run_id: str, headers: dict[str, str] | None = None
          ) -> dict[str, Any]:
    end = time.monotonic() + 20
    while time.monotonic() < end:
        run = client.get(f"/api/v1/runs/{run_id}", headers=headers or {}).json()
        if run.get("status") in ("done", "failed"):
            return run
        time.sleep(0.05)
    raise AssertionError("run did not finish")


def test_unknown_host_is_refused_and_loopback_names_pass(client: TestClient) -> None:
    # DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends Host: evil.example
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example"):
        r = client.get("/api/v1/runs", headers={"host": host})
        assert r.status_code == 400, host
        assert r.json()["detail"][0]["type"] == "host_not_allowed"
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
        assert client.get("/api/v1/runs", headers={"host": host}).status_code == 200, host


def test_allowed_hosts_are_configurable(make_client: Any) -> None:
    c = make_client(allowed_hosts="roxham.example.org,*.lab.example")
    assert c.get("/api/v1/runs", headers={"host": "roxham.example.org"}).status_code == 200
    assert c.get("/api/v1/runs", headers={"host": "a.lab.example"}).status_code == 200
    assert c.get("/api/v1/runs", headers={"host": "localhost"}).status_code == 400


def test_tokens_own_runs(make_client: Any) -> None:
    c = make_client(token="alpha-token,beta-token")
    a = {"authorization": "Bearer alpha-token"}
    b = {"authorization": "Bearer beta-token"}
    # no or wrong token: 401 on every run route
    assert c.get("/api/v1/runs").status_code == 401
    assert c.post("/api/v1/runs", json={"scenario": "historical"}).status_code == 401
    assert c.get("/api/v1/runs", headers={"authorization": "Bearer nope"}).status_code == 401
    assert c.get("/api/v1/runs").headers["www-authenticate"] == "Bearer"
    # the screener stays open
    assert c.get("/api/v1/provisions").status_code == 200
    ra = c.post("/api/v1/runs", json={"scenario": "historical"}, headers=a).json()["id"]
    rb = c.post("/api/v1/runs", json={"scenario": "historical"}, headers=b).json()["id"]
    assert _wait(c, ra, a)["status"] == "done" and _wait(c, rb, b)["status"] == "done"
    assert [r["id"] for r in c.get("/api/v1/runs", headers=a).json()] == [ra]
    assert [r["id"] for r in c.get("/api/v1/runs", headers=b).json()] == [rb]
    # another token's run is not found (its existence is not disclosed), nor deletable
    assert c.get(f"/api/v1/runs/{rb}", headers=a).status_code == 404
    assert c.delete(f"/api/v1/runs/{rb}", headers=a).status_code == 404
    assert c.get(f"/api/v1/runs/{rb}", headers=b).status_code == 200
    # the registry stores the token's hash, never the token
    reg: RunRegistry = c.app.state.registry  # type: ignore[attr-defined]
    assert ownership.owner_of(reg, ra) == ownership.token_hash("alpha-token") != "alpha-token"


def test_delete_removes_the_run_and_its_files(client: TestClient, tmp_path: Path) -> None:
    run_id = client.post("/api/v1/runs", json={"scenario": "historical"}).json()["id"]
    assert _wait(client, run_id)["status"] == "done"
    folder = tmp_path / "data" / "runs" / run_id
    assert folder.is_dir()
    r = client.delete(f"/api/v1/runs/{run_id}")
    assert r.status_code == 204
    assert client.get(f"/api/v1/runs/{run_id}").status_code == 404
    assert not folder.exists()
    assert client.delete(f"/api/v1/runs/{run_id}").status_code == 404


def test_an_active_run_cannot_be_deleted(client: TestClient, fake_model: Any) -> None:
    fake_model.gate.clear()
    run_id = client.post("/api/v1/runs", json={"scenario": "historical"}).json()["id"]
    r = client.delete(f"/api/v1/runs/{run_id}")
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "run_active"
    fake_model.gate.set()
    assert _wait(client, run_id)["status"] == "done"


def test_retention_deletes_old_finished_runs_only(tmp_path: Path) -> None:
    reg = RunRegistry("sqlite://")
    old, new, active = (reg.create("historical", {}) for _ in range(3))
    for r in (old, new):
        reg.start(r.id)
        reg.finish(r.id, str(tmp_path / r.id))
        (tmp_path / r.id).mkdir()
    reg.start(active.id)
    later = datetime.now(UTC) + timedelta(days=10)
    # nothing is older than 30 days ten days from now
    assert ownership.expire_runs(reg, 30, tmp_path, now=later) == 0
    # with a 5-day retention, ten days on, both finished runs go; the running one stays
    assert ownership.expire_runs(reg, 5, tmp_path, now=later) == 2
    assert reg.get(old.id) is None and reg.get(new.id) is None
    assert reg.get(active.id) is not None
    assert not (tmp_path / old.id).exists()
    assert ownership.expire_runs(reg, 0, tmp_path, now=later + timedelta(days=999)) == 0


def test_retention_setting_applies_at_start(make_client: Any, db_url: str) -> None:
    c = make_client()
    run_id = c.post("/api/v1/runs", json={"scenario": "historical"}).json()["id"]
    assert _wait(c, run_id)["status"] == "done"
    reg = RunRegistry(db_url)
    try:
        from sqlalchemy import update

        from roxham.store.registry import _RunRow

        with reg.engine.begin() as conn:  # pretend it finished 40 days ago
            conn.execute(update(_RunRow).where(_RunRow.id == run_id).values(
                finished_at=datetime.now(UTC) - timedelta(days=40)))
    finally:
        reg.close()
    c2 = make_client(run_retention_days=30)
    assert c2.get(f"/api/v1/runs/{run_id}").status_code == 404


def test_a_stalled_body_is_answered_408() -> None:
    from roxham.api.access import BodyTimeoutMiddleware

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sent: list[dict[str, Any]] = []

    async def stalled_receive() -> dict[str, Any]:
        if not sent and not getattr(stalled_receive, "once", False):
            stalled_receive.once = True  # type: ignore[attr-defined]
            return {"type": "http.request", "body": b"{", "more_body": True}
        await asyncio.sleep(10)
        return {"type": "http.request", "body": b"}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    mw = BodyTimeoutMiddleware(app, timeout_s=0.1)
    t0 = time.monotonic()
    asyncio.run(mw({"type": "http"}, stalled_receive, send))
    assert time.monotonic() - t0 < 2
    assert sent[0]["status"] == 408


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_slow_headers_are_cut_and_normal_requests_pass(tmp_path: Path) -> None:
    import uvicorn

    from roxham.api import ApiSettings, create_app
    from roxham.cli.serve_cmd import uvicorn_options

    from .conftest import FakeModel

    settings = ApiSettings(db_url="sqlite://", data_dir=tmp_path, job_isolation="thread",
                           header_timeout_s=0.5, keep_alive_s=0.5)
    port = _free_port()
    config = uvicorn.Config(create_app(settings, backend=FakeModel()), host="127.0.0.1",
                            port=port, log_level="error", **uvicorn_options(settings))
    server = uvicorn.Server(config)
    th = threading.Thread(target=server.run, daemon=True)
    th.start()
    try:
        end = time.monotonic() + 10
        while not server.started and time.monotonic() < end:
            time.sleep(0.05)
        # a slowloris client: a partial request line, then nothing
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET /api/v1/runs HTTP/1.1\r\nHost: localhost\r\nX-A: ")
        slow.settimeout(5)
        t0 = time.monotonic()
        assert slow.recv(100) == b""  # the server closed it
        assert time.monotonic() - t0 < 3
        slow.close()
        # a normal client on a fresh connection is served
        ok = socket.create_connection(("127.0.0.1", port))
        ok.settimeout(5)
        ok.sendall(b"GET /api/v1/runs HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert ok.recv(100).startswith(b"HTTP/1.1 200")
        ok.close()
    finally:
        server.should_exit = True
        th.join(10)


@pytest.mark.parametrize("body", [
    b"[" * 100_000,
    b'{"as_of_date": "2023-01-01", "facts": {"age": ' + b"9" * 5000 + b"}}",
    b"\xff\xfe{\x00}\x00",
])
def test_hostile_bodies_get_4xx(client: TestClient, body: bytes) -> None:
    for url in ("/api/v1/screen", "/api/v1/screen/batch", "/api/v1/runs"):
        r = client.post(url, content=body, headers={"content-type": "application/json"})
        assert 400 <= r.status_code < 500, (url, r.status_code)


def test_full_disk_is_507_and_registry_down_is_503(client: TestClient) -> None:
    import errno

    from sqlalchemy.exc import OperationalError

    app = client.app

    @app.get("/_test/disk")  # type: ignore[attr-defined]
    def _disk() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    @app.get("/_test/db")  # type: ignore[attr-defined]
    def _db() -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    r = client.get("/_test/disk")
    assert r.status_code == 507 and r.json()["detail"][0]["type"] == "insufficient_storage"
    r = client.get("/_test/db")
    assert r.status_code == 503
