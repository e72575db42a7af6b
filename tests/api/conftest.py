"""Fixtures for the API tests: the app on SQLite and, when ROXHAM_TEST_PG_URL is set (``.ci/run``
sets it), on a real PostgreSQL; a small fake model backend for runs."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.jobs import Job, Lever, ProgressFn, RunOutput, ScenarioSpec

# No hypothesis profile here: the only generated tests (schemathesis) set their own size, and
# loading a profile from this conftest would change it for every other suite.

START = dt.date(2023, 3, 1)
DAYS = 30


def fake_series(job: Job) -> pl.DataFrame:
    """The fake model's output, computed independently of the job machinery.

    ``crossings``: mean = agents/100 × (1 + day mod 7), halved when the protocol lever is on;
    band ±10 %; ``claims``: 0.8 × crossings.
    """
    days = np.arange(DAYS)
    base = job.agents / 100 * (1 + days % 7) * (0.5 if job.levers["protocol"] else 1.0)
    periods = [START + dt.timedelta(days=int(d)) for d in days]
    frames = []
    for name, factor in (("crossings", 1.0), ("claims", 0.8)):
        m = base * factor
        frames.append(pl.DataFrame({"period": periods, "series": name, "mean": m,
                                    "lo": m * 0.9, "hi": m * 1.1}))
    return pl.concat(frames)


class FakeModel:
    """A model backend for tests: deterministic output, optional delay and failure."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.calls = 0

    def scenarios(self) -> Sequence[ScenarioSpec]:
        levers = (
            Lever("protocol", "bool", True, "Additional Protocol", "Protocole additionnel"),
            Lever("window", "int", 14, "Window (days)", "Délai (jours)", min=1, max=60),
            Lever("closing", "date", "2023-03-25", "Closing date", "Date de fermeture"),
            Lever("sleep", "float", 0.0, "Seconds per day (test)", "Secondes par jour",
                  min=0, max=5),
            Lever("explode", "bool", False, "Fail (test)", "Échouer (test)"),
        )
        end = START + dt.timedelta(days=DAYS - 1)
        common = dict(start=START, end=end, levers=levers, default_agents=1000,
                      observed=(("rcmp_interceptions", "QC", "crossings"),))
        return (
            ScenarioSpec("historical", "Historical", "Historique", "What happened.",
                         "Ce qui s'est passé.", **common),  # type: ignore[arg-type]
            ScenarioSpec("no_protocol", "No protocol", "Sans protocole",
                         "The 2023 Additional Protocol never happens.",
                         "Le protocole additionnel de 2023 n'a jamais lieu.",
                         **common),  # type: ignore[arg-type]
        )

    def run(self, job: Job, progress: ProgressFn) -> RunOutput:
        self.calls += 1
        self.gate.wait(30)
        for d in range(DAYS):
            if job.levers["sleep"]:
                time.sleep(job.levers["sleep"])
            progress((d + 1) / DAYS, f"day {d + 1}/{DAYS}")
        if job.levers["explode"]:
            raise RuntimeError("the fake model failed on purpose")
        return RunOutput(fake_series(job), {"model": "fake"})


@pytest.fixture
def fake_model() -> FakeModel:
    return FakeModel()


@pytest.fixture
def make_client(
    db_url: str, tmp_path: Path, fake_model: FakeModel
) -> Iterator[object]:
    """A factory: ``make_client(**settings)`` → a started TestClient (closed at teardown)."""
    opened: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        values: dict[str, object] = {"db_url": db_url, "data_dir": tmp_path / "data",
                                     "job_isolation": "thread"}
        values.update(overrides)
        app = create_app(ApiSettings.model_validate(values), backend=fake_model)
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    fake_model.gate.set()
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture
def client(make_client: object) -> TestClient:
    """The app with default limits, the fake model, and a fresh registry."""
    return make_client()  # type: ignore[operator]


class ProcessModel:
    """A picklable model for runs in a child process: finishes, fails, or hangs in
    'compiled code' (a sleep that never reports progress) when a lever says so."""

    def scenarios(self) -> Sequence[ScenarioSpec]:
        levers = (
            Lever("protocol", "bool", True, "Protocol", "Protocole"),
            Lever("hang_s", "float", 0.0, "Hang (test)", "Bloquer (test)", min=0, max=600),
            Lever("explode", "bool", False, "Fail (test)", "Échouer (test)"),
        )
        return (ScenarioSpec("historical", "Historical", "Historique", "", "",
                             start=START, end=START + dt.timedelta(days=DAYS - 1),
                             levers=levers, default_agents=1000),)

    def run(self, job: Job, progress: ProgressFn) -> RunOutput:
        progress(0.5, "half way")
        if job.levers["hang_s"]:
            time.sleep(job.levers["hang_s"])
        if job.levers["explode"]:
            raise RuntimeError("the child model failed on purpose")
        return RunOutput(fake_series(job), {"model": "process-fake", "pid": os.getpid()})
