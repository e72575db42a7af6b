"""A live server (Uvicorn in a thread, fake model) and headless Debian Chromium via Playwright.

Screenshots go to ``$ROXHAM_SCREENSHOTS`` when set (to look at them), else to a temp folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from api.conftest import FakeModel
from roxham.api import ApiSettings, create_app
from roxham.api.jobs import Job, ProgressFn, RunOutput

# Generous waits: CI machines are shared and slow; a passing check returns as soon as it holds.
expect.set_options(timeout=30_000)

CHROMIUM = os.environ.get("ROXHAM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

NO_CHROMIUM = (f"the browser tests need Chromium, not found at {CHROMIUM}: install it "
               "(Debian/Ubuntu: apt-get install chromium; scripts/test does so as root) or set "
               "ROXHAM_CHROMIUM=/path/to/chromium")


class _NoChromium(pytest.Module):
    """A test module that, without Chromium, fails to collect with one line."""

    def collect(self) -> list[pytest.Item]:  # type: ignore[override]
        pytest.fail(NO_CHROMIUM, pytrace=False)


def pytest_pycollect_makemodule(module_path: Path,
                                parent: pytest.Collector) -> pytest.Module | None:
    """Without a Chromium, each browser test module fails to collect with one line (no test
    runs, no traceback) instead of one error with a traceback per test."""
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return None
    return _NoChromium.from_parent(parent, path=module_path)


class LabModel(FakeModel):
    """The fake model, plus an internal input series (``input_*``) as the real model has."""

    def run(self, job: Job, progress: ProgressFn) -> RunOutput:
        out = super().run(job, progress)
        first = out.table.filter(pl.col("series") == "crossings").with_columns(
            pl.lit("input_land_deciders US-NY").alias("series"))
        return RunOutput(pl.concat([out.table, first]), out.manifest)


def no_overflow(page: Page) -> None:
    """Nothing on the page is wider than the window (no sideways scrolling)."""
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"the page is {width} px wide in a {inner} px window"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-server")
    app = create_app(ApiSettings(db_url=f"sqlite:///{data / 'runs.db'}", data_dir=data,
                                 job_isolation="thread"),
                     backend=LabModel())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 20
    while not server.started and time.monotonic() < end:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("ROXHAM_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _page(browser: Browser, base_url: str, width: int) -> Iterator[Page]:
    ctx = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    ctx.set_default_timeout(60_000)
    pg = ctx.new_page()
    errors: list[str] = []
    # A 422 is the API's answer to bad input the page then shows; anything else is a fault.
    pg.on("console", lambda m: errors.append(m.text)
          if m.type == "error" and "status of 422" not in m.text else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert errors == [], errors


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh browser context (no remembered language), 1280 px wide; fails on console
    errors (e.g. CSP)."""
    yield from _page(browser, base_url, 1280)


@pytest.fixture
def browser_ctx_390(browser: Browser, base_url: str) -> Iterator[Page]:
    """The same at a phone's width (390 px)."""
    yield from _page(browser, base_url, 390)
