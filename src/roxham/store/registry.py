"""The run registry: one row per simulation run, kept in SQLite (default) or PostgreSQL.

The registry records *what* was run and *where its results are*; the results themselves are
Parquet files in a run directory (:mod:`roxham.store.rundir`). Every state change is a single
``UPDATE … WHERE status IN (…)`` in its own transaction, so two processes can never both start
the same run, and a server killed at any instant leaves each row in one of the four states:

``queued`` → ``running`` → ``done`` | ``failed``

Each registry object is one *instance* (``host:pid:random``). A run it creates or starts
records that instance as its ``owner`` with a ``heartbeat_at`` time that the instance renews
(:meth:`RunRegistry.heartbeat`, every few seconds while a server runs). A run left ``queued``
or ``running`` by an owner that is gone — its heartbeat older than ``stale_after_s``, or a
process on this host that no longer exists, or an instance that closed its registry — is
marked ``failed`` (with ``resumable = True``: its scenario and parameters are intact, so it
can be started again) by :meth:`RunRegistry.recover_interrupted`, which ``roxham serve`` calls
at start-up and then now and then. Runs of a live owner (a second server on the same database,
a rolling restart) and finished runs are never touched by recovery.

>>> reg = RunRegistry("sqlite://")          # in-memory, for the example
>>> run = reg.create("historical", {"seed": 1})
>>> run.status
'queued'
>>> reg.start(run.id)
True
>>> reg.start(run.id)                        # a second worker cannot take it
False
>>> reg.set_progress(run.id, 0.5)
True
>>> reg.finish(run.id, "runs/abc")
True
>>> reg.get(run.id).status, reg.get(run.id).progress
('done', 1.0)
"""

from __future__ import annotations

import builtins
import json
import os
import socket
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    String,
    Text,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import StaticPool

from roxham.errors import UserError

RunStatus = Literal["queued", "running", "done", "failed"]

#: Every status a run can be in, in lifecycle order.
STATUSES: tuple[RunStatus, ...] = ("queued", "running", "done", "failed")

#: Message recorded on runs interrupted by a server stop.
INTERRUPTED_MESSAGE = "interrupted: the server stopped before this run finished; start it again"


_HOST = socket.gethostname()

#: Seconds without a heartbeat after which a run's owner counts as gone.
STALE_AFTER_S = 60.0

#: Seconds between two heartbeats of a server (well under :data:`STALE_AFTER_S`).
HEARTBEAT_S = 10.0


class _Base(DeclarativeBase):
    pass


class _RunRow(_Base):
    __tablename__ = "roxham_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    scenario: Mapped[str] = mapped_column(String(200))
    params_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    result_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    resumable: Mapped[bool] = mapped_column(Boolean, default=False)
    # owner/heartbeat columns: see _add_owner_columns (added to older databases on open)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)


@dataclass(frozen=True)
class RunRecord:
    """One run as stored in the registry (an immutable snapshot)."""

    id: str
    status: RunStatus
    progress: float
    scenario: str
    params: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result_path: str | None = None
    error: str | None = None
    message: str = ""
    resumable: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (timestamps as ISO 8601 strings)."""

        def iso(t: datetime | None) -> str | None:
            return None if t is None else t.isoformat()

        return {
            "id": self.id,
            "status": self.status,
            "progress": self.progress,
            "message": self.message,
            "scenario": self.scenario,
            "params": self.params,
            "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "result_path": self.result_path,
            "error": self.error,
            "resumable": self.resumable,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(t: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; everything we store is UTC.
    if t is not None and t.tzinfo is None:
        return t.replace(tzinfo=UTC)
    return t


def _record(row: _RunRow) -> RunRecord:
    return RunRecord(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]
        progress=float(row.progress),
        scenario=row.scenario,
        params=json.loads(row.params_json),
        created_at=_aware(row.created_at),
        started_at=_aware(row.started_at),
        finished_at=_aware(row.finished_at),
        result_path=row.result_path,
        error=row.error,
        message=row.message or "",
        resumable=bool(row.resumable),
    )


def normalize_db_url(url: str | Path) -> str:
    """Turn what a user types after ``--db`` into a SQLAlchemy URL.

    A bare path means a SQLite file; ``postgresql://`` uses the psycopg (3) driver.

    >>> normalize_db_url("runs.db")
    'sqlite:///runs.db'
    >>> normalize_db_url("postgresql://u@localhost/roxham")
    'postgresql+psycopg://u@localhost/roxham'
    >>> normalize_db_url("sqlite://")
    'sqlite://'
    """
    text = str(url).strip()
    if not text:
        raise UserError("--db: empty database URL")
    if "://" not in text:
        return f"sqlite:///{text}"
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    return text


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


class RunRegistry:
    """The table of runs, through SQLAlchemy 2.

    ``url`` is a SQLAlchemy URL or a path to a SQLite file (created with its parent folder if
    missing). The table is created if it does not exist. Safe to share between threads; several
    processes may open the same database (state changes are conditional updates).
    """

    def __init__(
        self, url: str | Path = "sqlite:///roxham-runs.db", *,
        stale_after_s: float = STALE_AFTER_S,
    ) -> None:
        self.url = normalize_db_url(url)
        #: This registry object's identity as the owner of the runs it creates and starts.
        self.instance = f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self.stale_after_s = float(stale_after_s)
        try:
            parsed = make_url(self.url)
        except ArgumentError as e:
            raise UserError(f"--db: cannot parse database URL {self.url!r}") from e
        kwargs: dict[str, Any] = {"future": True}
        if parsed.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            database = parsed.database
            if database in (None, "", ":memory:"):
                kwargs["poolclass"] = StaticPool
            else:
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(parsed, **kwargs)
        except (NoSuchModuleError, ImportError) as e:
            raise UserError(
                f"--db: no driver for {parsed.get_backend_name()!r} "
                "(PostgreSQL needs the psycopg package: pip install 'psycopg[binary]')"
            ) from e
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            _Base.metadata.create_all(self.engine)
            _add_owner_columns(self.engine)
        except OperationalError as e:
            raise UserError(
                f"--db: cannot open the run registry at {_redact(self.url)}: "
                f"{str(e.orig).strip().splitlines()[0] if e.orig else e}"
            ) from e

    # -- plumbing ---------------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def _transition(
        self, run_id: str, allowed_from: tuple[str, ...], **values: Any
    ) -> bool:
        stmt = (
            update(_RunRow)
            .where(_RunRow.id == run_id, _RunRow.status.in_(allowed_from))
            .values(**values)
        )
        with self._tx() as conn:
            return conn.execute(stmt).rowcount == 1

    def close(self) -> None:
        """Give up the runs this instance still owns (a later recovery marks them at once)
        and release the database connections."""
        try:
            stmt = (
                update(_RunRow)
                .where(_RunRow.owner == self.instance,
                       _RunRow.status.in_(("queued", "running")))
                .values(heartbeat_at=None)
            )
            with self._tx() as conn:
                conn.execute(stmt)
        except OperationalError:  # the database is gone: nothing to give up
            pass
        self.engine.dispose()

    # -- API ---------------------------------------------------------------------------------
    def create(self, scenario: str, params: Mapping[str, Any] | None = None) -> RunRecord:
        """Register a new run in state ``queued`` and return it."""
        run_id = uuid.uuid4().hex
        values = {
            "id": run_id,
            "status": "queued",
            "progress": 0.0,
            "message": "",
            "scenario": scenario,
            "params_json": json.dumps(dict(params or {}), sort_keys=True),
            "created_at": _now(),
            "resumable": False,
            "owner": self.instance,
            "heartbeat_at": _now(),
        }
        with self._tx() as conn:
            conn.execute(insert(_RunRow).values(**values))
        rec = self.get(run_id)
        assert rec is not None
        return rec

    def get(self, run_id: str) -> RunRecord | None:
        """The run with this id, or ``None``."""
        with self.engine.connect() as conn:
            row = conn.execute(select(_RunRow.__table__).where(_RunRow.id == run_id)).first()
        return None if row is None else _record(_RunRow(**row._mapping))

    def list(
        self, *, status: RunStatus | None = None, limit: int = 100, offset: int = 0
    ) -> list[RunRecord]:
        """Runs, newest first, optionally only those in ``status``."""
        stmt = select(_RunRow.__table__).order_by(_RunRow.created_at.desc(), _RunRow.id)
        if status is not None:
            stmt = stmt.where(_RunRow.status == status)
        stmt = stmt.limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [_record(_RunRow(**r._mapping)) for r in conn.execute(stmt)]

    def start(self, run_id: str) -> bool:
        """``queued`` → ``running``. False if the run is not queued (someone else took it)."""
        now = _now()
        return self._transition(
            run_id, ("queued",), status="running", started_at=now, progress=0.0,
            owner=self.instance, heartbeat_at=now,
        )

    def set_progress(self, run_id: str, progress: float, message: str = "") -> bool:
        """Record progress (clamped to [0, 1]) of a running run. False if it is not running."""
        p = min(1.0, max(0.0, float(progress)))
        return self._transition(run_id, ("running",), progress=p, message=message[:500],
                                heartbeat_at=_now())

    def finish(self, run_id: str, result_path: str) -> bool:
        """``running`` → ``done`` with the path of its results. False if it was not running
        (for instance it was already marked failed after a timeout or a restart)."""
        return self._transition(
            run_id, ("running",), status="done", progress=1.0, finished_at=_now(),
            result_path=str(result_path), message="done",
        )

    def fail(self, run_id: str, error: str, *, resumable: bool = False) -> bool:
        """``queued``/``running`` → ``failed`` with an error message."""
        return self._transition(
            run_id, ("queued", "running"), status="failed", finished_at=_now(),
            error=error[:2000], resumable=resumable,
        )

    def heartbeat(self) -> int:
        """Renew this instance's claim on the runs it owns that are still queued or running;
        returns how many."""
        stmt = (
            update(_RunRow)
            .where(_RunRow.owner == self.instance, _RunRow.status.in_(("queued", "running")))
            .values(heartbeat_at=_now())
        )
        with self._tx() as conn:
            return int(conn.execute(stmt).rowcount)

    def _gone_owners(self) -> builtins.list[str]:
        """Owners of active runs that are processes of this host that no longer exist."""
        stmt = (
            select(_RunRow.owner)
            .where(_RunRow.status.in_(("queued", "running")), _RunRow.owner.is_not(None))
            .distinct()
        )
        with self.engine.connect() as conn:
            owners = [str(o) for (o,) in conn.execute(stmt)]
        return [o for o in owners if o != self.instance and not _owner_alive(o)]

    def recover_interrupted(self) -> int:
        """Mark every run left ``queued`` or ``running`` by an owner that is gone as ``failed``
        and resumable; returns how many.

        An owner is gone when its heartbeat is older than ``stale_after_s`` (or was given up
        by :meth:`close`), when it is a process of this host that no longer exists, or when
        the run has no owner (written by an older version). Runs of live owners — another
        server on the same database — and finished runs are untouched.
        """
        cutoff = _now() - timedelta(seconds=self.stale_after_s)
        gone = self._gone_owners()
        stmt = (
            update(_RunRow)
            .where(
                _RunRow.status.in_(("queued", "running")),
                or_(_RunRow.owner.is_(None), _RunRow.owner != self.instance),
                or_(
                    _RunRow.owner.is_(None),
                    _RunRow.heartbeat_at.is_(None),
                    _RunRow.heartbeat_at < cutoff,
                    _RunRow.owner.in_(gone),
                ),
            )
            .values(status="failed", finished_at=_now(), error=INTERRUPTED_MESSAGE,
                    resumable=True)
        )
        with self._tx() as conn:
            return int(conn.execute(stmt).rowcount)

    def delete(self, run_id: str) -> bool:
        """Forget a finished or failed run (its files are not touched). False if absent/active."""
        stmt = delete(_RunRow).where(
            _RunRow.id == run_id, _RunRow.status.in_(("done", "failed"))
        )
        with self._tx() as conn:
            return conn.execute(stmt).rowcount == 1


def _owner_alive(owner: str) -> bool:
    """False only when ``owner`` is a process of this host that does not exist any more
    (other hosts are judged by their heartbeat)."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by another user
        return True
    return True


def _add_owner_columns(engine: Engine) -> None:
    """Schema step: add ``owner`` and ``heartbeat_at`` to a registry created by an older
    version (``create_all`` creates missing tables only, not missing columns)."""
    have = {c["name"] for c in inspect(engine).get_columns(_RunRow.__tablename__)}
    timestamp = "TIMESTAMP WITH TIME ZONE" if engine.dialect.name == "postgresql" else "DATETIME"
    with engine.begin() as conn:
        if "owner" not in have:
            conn.exec_driver_sql(
                f"ALTER TABLE {_RunRow.__tablename__} ADD COLUMN owner VARCHAR(200)")
        if "heartbeat_at" not in have:
            conn.exec_driver_sql(
                f"ALTER TABLE {_RunRow.__tablename__} ADD COLUMN heartbeat_at {timestamp}")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except Exception:  # in-memory databases have no WAL; that is fine
        pass
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


__all__ = [
    "HEARTBEAT_S",
    "INTERRUPTED_MESSAGE",
    "STALE_AFTER_S",
    "STATUSES",
    "RunRecord",
    "RunRegistry",
    "RunStatus",
    "normalize_db_url",
]
