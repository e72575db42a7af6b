"""Throughput and latency of ``POST /api/v1/screen`` over loopback.

Starts ``roxham serve`` in a second process (unless ``--url`` points at a running server), then
drives it for ``--duration`` seconds (default 30) from this process with ``--connections``
keep-alive HTTP/1.1 connections (default 4), cycling through the facts of the 69 law test
cases. Requests are what the screener page sends (determination, explanation, consequence
and "what would change it"); ``--no-what-would-change`` leaves the last out.
Prints requests/s, p50/p99 latency and errors, and the machine's 1-minute load average before
and after (the figures depend on what else runs on the machine); the last line is one JSON
object::

    {"rps": ..., "p50_ms": ..., "p99_ms": ..., "errors": ..., "load_1m_before": ..., ...}

With ``--busy``, lab runs (``POST /api/v1/runs`` of the historical scenario, as the lab
sends it) are kept going back to back while the load is driven: the figures are then the
screener's while the model runs beside it (each run executes in a child process). The JSON
line adds ``busy_run`` (runs completed and failed during the drive).

Usage: python benchmarks/api_bench.py [--duration 30] [--connections 8] [--url http://...]
       [--busy]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

CASES = Path(__file__).resolve().parents[1] / "tests" / "api" / "data" / "cases.csv"


def _bodies(what_would_change: bool) -> list[bytes]:
    with CASES.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        json.dumps({"as_of_date": r["as_of_date"], "facts": json.loads(r["facts"]),
                    "lang": "en", "what_would_change": what_would_change}).encode()
        for r in rows
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(port: int, data_dir: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "roxham", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--data-dir", data_dir]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/api/v1/scenarios"
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"api_bench: the server exited: {err.strip()[-500:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("api_bench: the server did not start within 60 s")


async def _worker(host: str, port: int, bodies: list[bytes], offset: int, stop_at: float,
                  lat: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    while time.perf_counter() < stop_at:
        body = bodies[i % len(bodies)]
        i += 1
        req = (b"POST /api/v1/screen HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % (host.encode(), len(body))) + body
        t0 = time.perf_counter()
        try:
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors[0] += 1
            writer.close()
            reader, writer = await asyncio.open_connection(host, port)
            continue
        lat.append(time.perf_counter() - t0)
        if status != 200:
            errors[0] += 1
    writer.close()


async def _drive(host: str, port: int, duration: float, connections: int,
                 what_would_change: bool) -> dict[str, float]:
    bodies = _bodies(what_would_change)
    lat: list[float] = []
    errors = [0]
    # Warm-up (first requests import and compile things), not counted.
    warm_lat: list[float] = []
    await asyncio.gather(*(_worker(host, port, bodies, k, time.perf_counter() + 2, warm_lat,
                                   [0]) for k in range(connections)))
    t0 = time.perf_counter()
    stop_at = t0 + duration
    await asyncio.gather(*(_worker(host, port, bodies, k * 7, stop_at, lat, errors)
                           for k in range(connections)))
    elapsed = time.perf_counter() - t0
    lat.sort()

    def pct(p: float) -> float:
        return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else float("nan")

    return {"rps": round(len(lat) / elapsed, 1), "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "errors": errors[0], "requests": len(lat), "duration_s": round(elapsed, 1),
            "connections": connections, "what_would_change": what_would_change}


def _api(host: str, port: int, method: str, path: str, body: dict[str, object] | None = None
         ) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://{host}:{port}{path}", data=data, method=method,
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        out: dict[str, object] = json.loads(r.read())
        return out


def _start_lab_run(host: str, port: int) -> str:
    """Queue the lab's default run and wait (≤ 120 s) until it is running."""
    run = _api(host, port, "POST", "/api/v1/runs", {"scenario": "historical", "seed": 1})
    run_id = str(run["id"])
    end = time.monotonic() + 120
    while time.monotonic() < end:
        status = _api(host, port, "GET", f"/api/v1/runs/{run_id}")["status"]
        if status != "queued":
            return run_id
        time.sleep(0.2)
    raise SystemExit("api_bench --busy: the lab run did not start within 120 s")


def _keep_busy(host: str, port: int, stop: threading.Event, started: threading.Event,
               stats: dict[str, object]) -> None:
    """Keep one lab run going until ``stop``: a new one starts as soon as one ends."""
    done = failed = 0
    run_id = _start_lab_run(host, port)
    started.set()
    while not stop.is_set():
        status = _api(host, port, "GET", f"/api/v1/runs/{run_id}")["status"]
        if status in ("done", "failed"):
            done += status == "done"
            failed += status == "failed"
            run_id = _start_lab_run(host, port)
        time.sleep(0.05)
    stats.update({"runs_completed": done, "runs_failed": failed})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--url", default="", help="a running server (default: start one)")
    ap.add_argument("--no-what-would-change", dest="wwc", action="store_false",
                    help="ask only for the determination and explanation (the screener page "
                         "also asks what would change it, about 40%% of the time)")
    ap.add_argument("--busy", action="store_true",
                    help="drive the load while a lab run (historical scenario) is running")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    proc = None
    if args.url:
        u = urlparse(args.url)
        host, port = u.hostname or "127.0.0.1", u.port or 80
    else:
        host, port = "127.0.0.1", _free_port()
        proc = _start_server(port, tempfile.mkdtemp(prefix="roxham-bench-"))
    try:
        busy: dict[str, object] = {}
        stop = threading.Event()
        started = threading.Event()
        stats: dict[str, object] = {}
        keeper = threading.Thread(target=_keep_busy, args=(host, port, stop, started, stats))
        if args.busy:
            keeper.start()
            if not started.wait(130):
                raise SystemExit("api_bench --busy: no lab run started")
        res = asyncio.run(_drive(host, port, args.duration, args.connections, args.wwc))
        if args.busy:
            stop.set()
            keeper.join(60)
            busy["busy_run"] = stats
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    res["cpus"] = os.cpu_count() or 0
    res["load_1m_before"] = round(load_before, 2)
    res["load_1m_after"] = round(os.getloadavg()[0], 2)
    print(f"POST /api/v1/screen (what_would_change={args.wwc}) for {res['duration_s']} s, "
          f"{args.connections} connections: "
          f"{res['rps']} req/s, p50 {res['p50_ms']} ms, p99 {res['p99_ms']} ms, "
          f"{res['errors']} errors (load average {res['load_1m_before']} before, "
          f"{res['load_1m_after']} after, {res['cpus']} CPUs)")
    print(json.dumps({**res, **busy}))


if __name__ == "__main__":
    main()
