"""Who owns a run, and when old runs expire (kept apart from the run table on purpose).

When ``roxham serve`` is given access tokens, each run is owned by the token that queued it:
the registry stores the token's SHA-256 (never the token) in its own table
``roxham_run_owners``, next to the run table of :mod:`roxham.store.registry`. A client lists,
reads and deletes only its own runs.

>>> from roxham.store.registry import RunRegistry
>>> reg = RunRegistry("sqlite://")
>>> run = reg.create("historical", {})
>>> set_owner(reg, run.id, token_hash("s3cret"))
>>> owner_of(reg, run.id) == token_hash("s3cret"), owned_run_ids(reg, token_hash("other"))
(True, [])
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import DateTime, String, delete, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from roxham.store.registry import RunRegistry

__all__ = [
    "expire_runs",
    "forget_run",
    "owned_run_ids",
    "owner_of",
    "set_owner",
    "token_hash",
]


class _Base(DeclarativeBase):
    pass


class _OwnerRow(_Base):
    __tablename__ = "roxham_run_owners"

    run_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


_ready: set[int] = set()


def _table(reg: RunRegistry) -> None:
    if id(reg.engine) not in _ready:
        _Base.metadata.create_all(reg.engine)
        _ready.add(id(reg.engine))


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of an access token: what the registry stores."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def set_owner(reg: RunRegistry, run_id: str, owner: str) -> None:
    """Record that ``owner`` (a :func:`token_hash`) owns run ``run_id``."""
    _table(reg)
    with reg.engine.begin() as conn:
        conn.execute(insert(_OwnerRow).values(run_id=run_id, owner=owner,
                                              created_at=datetime.now(UTC)))


def owner_of(reg: RunRegistry, run_id: str) -> str | None:
    """The owner (token hash) of a run, ``None`` if the run has none."""
    _table(reg)
    with reg.engine.connect() as conn:
        row = conn.execute(select(_OwnerRow.owner).where(_OwnerRow.run_id == run_id)).first()
    return None if row is None else str(row[0])


def owned_run_ids(reg: RunRegistry, owner: str, limit: int = 100, offset: int = 0
                  ) -> list[str]:
    """Ids of the runs of ``owner``, newest first."""
    _table(reg)
    stmt = (select(_OwnerRow.run_id).where(_OwnerRow.owner == owner)
            .order_by(_OwnerRow.created_at.desc(), _OwnerRow.run_id).limit(limit).offset(offset))
    with reg.engine.connect() as conn:
        return [str(r[0]) for r in conn.execute(stmt)]


def forget_run(reg: RunRegistry, run_id: str, data_dir: Path | None = None) -> bool:
    """Delete a finished or failed run: its registry row, its owner row, and its result
    folder when that lies inside ``data_dir``. False if the run is absent or still active."""
    rec = reg.get(run_id)
    if rec is None or not reg.delete(run_id):
        return False
    _table(reg)
    with reg.engine.begin() as conn:
        conn.execute(delete(_OwnerRow).where(_OwnerRow.run_id == run_id))
    if rec.result_path and data_dir is not None:
        path = Path(rec.result_path).resolve()
        root = Path(data_dir).resolve()
        if path != root and path.is_relative_to(root) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
    return True


def expire_runs(reg: RunRegistry, days: float, data_dir: Path | None = None,
                now: datetime | None = None) -> int:
    """Delete finished/failed runs that finished more than ``days`` ago (``days <= 0``: keep
    all). Returns how many were deleted."""
    if days <= 0:
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    old: list[str] = []
    for status in ("done", "failed"):
        offset = 0
        while True:
            page = reg.list(status=status, limit=500, offset=offset)
            old += [r.id for r in page
                    if (r.finished_at or r.created_at) is not None
                    and (r.finished_at or r.created_at) < cutoff]  # type: ignore[operator]
            if len(page) < 500:
                break
            offset += 500
    return sum(forget_run(reg, i, data_dir) for i in old)
