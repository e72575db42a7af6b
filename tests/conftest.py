"""Fixtures shared by several suites: a fresh run-registry database.

``db_url`` is a SQLite file, and also a fresh database on a real PostgreSQL server when
``ROXHAM_TEST_PG_URL`` is set (``.ci/run`` starts one and sets it). PostgreSQL is listed only
where a server is provided, never skipped.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_URL = os.environ.get("ROXHAM_TEST_PG_URL")

# Imported IRCC workbooks live in the user data directory: tests get an empty one of their own,
# never the developer's (roxham.data.store).
os.environ["ROXHAM_DATA_DIR"] = tempfile.mkdtemp(prefix="roxham-test-user-data-")
DB_KINDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _fresh_pg_database(admin_url: str) -> tuple[str, str]:
    """Create an empty database on the test server; return (url, name)."""
    import psycopg

    name = f"roxham_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}", name


def _drop_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=DB_KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty registry database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.db'}"
        return
    assert PG_URL
    url, name = _fresh_pg_database(PG_URL)
    try:
        yield url
    finally:
        _drop_pg_database(PG_URL, name)
