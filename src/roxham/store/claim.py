"""Claiming a run directory before writing it, and clearing what killed writers left behind.

A writer holds an exclusive ``flock`` on ``.<name>.lock`` beside the run directory ``<name>``
for as long as it computes and writes; a second writer for the same directory is refused at
once (:class:`RunDirBusy`) instead of silently replacing the first one's result at the end.
The lock belongs to the process: the kernel releases it when the process dies, however it
dies, so a claim is never stale.

Temporary folders are named ``.<name>.tmp-<pid>`` (and ``.<name>.old-<pid>`` while a run is
replaced). One whose claim is free belongs to no live writer: :func:`collect_garbage` removes
it (``roxham runs gc``; every writer also does so for its own parent folder when it starts).

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> with claim(root / "run"):
...     try:
...         with claim(root / "run", reentrant=False):
...             pass
...     except RunDirBusy as e:
...         print("busy")
busy
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from roxham.errors import UserError

__all__ = ["RunDirBusy", "StorageFull", "claim", "collect_garbage", "storage_error", "temp_name"]

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)$")
_LOCK = re.compile(r"^\.(?P<name>.+)\.lock$")

# run directory (resolved) → (lock fd, thread that claimed it): the claims of this process
_held: dict[str, tuple[int, int]] = {}
_held_lock = threading.Lock()


class RunDirBusy(UserError):
    """Another writer holds the run directory."""


class StorageFull(UserError):
    """The disk (or quota) is full: nothing was saved."""


def storage_error(e: OSError, what: str) -> UserError:
    """One clear error for an OSError met while saving ``what``."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(f"cannot write {what}: no space left on the device; nothing was saved")
    return UserError(f"cannot write {what}: {e.strerror or e}")


def temp_name(final: Path, kind: str = "tmp") -> Path:
    """The temporary sibling of ``final`` used by this process."""
    return final.with_name(f".{final.name}.{kind}-{os.getpid()}")


def _lock_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.lock")


def _try_lock(final: Path) -> int | None:
    """The fd of the locked claim file, or ``None`` if another process holds it."""
    lock = _lock_path(final)
    while True:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        # the holder before us may have unlinked the file after we opened it: lock the file
        # that is at the path now
        try:
            now = os.stat(lock)
        except FileNotFoundError:
            os.close(fd)
            continue
        st = os.fstat(fd)
        if (now.st_ino, now.st_dev) != (st.st_ino, st.st_dev):
            os.close(fd)
            continue
        return fd


def _release(final: Path, fd: int) -> None:
    try:
        _lock_path(final).unlink(missing_ok=True)
    finally:
        os.close(fd)


@contextmanager
def claim(final: str | Path, *, reentrant: bool = True) -> Iterator[Path]:
    """Hold ``final`` for writing; :class:`RunDirBusy` (one line, exit 2) if another writer
    holds it. A claim already held by this process is reused (``reentrant``), so a command may
    claim its output before a long computation and write it later."""
    final = Path(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise storage_error(e, f"run directory {str(final)!r}") from None
    key = str(final.resolve())
    me = threading.get_ident()
    with _held_lock:
        if key in _held and reentrant and _held[key][1] == me:
            mine = False
        elif key in _held:  # another thread of this process writes it
            raise RunDirBusy(f"run directory {str(final)!r} is being written already")
        else:
            try:
                fd = _try_lock(final)
            except OSError as e:
                raise storage_error(e, f"run directory {str(final)!r}") from None
            if fd is None:
                raise RunDirBusy(
                    f"run directory {str(final)!r} is being written by another process; "
                    "choose another -o directory or wait"
                )
            _held[key] = (fd, me)
            mine = True
    try:
        yield final
    finally:
        if mine:
            with _held_lock:
                fd, _ = _held.pop(key)
            _release(final, fd)


def collect_garbage(root: str | Path) -> list[Path]:
    """Remove the temporary folders under ``root`` (not recursive) that no live writer holds;
    returns what was removed."""
    root = Path(root)
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for p in entries:
        m = _TEMP.match(p.name)
        lock = _LOCK.match(p.name) if m is None else None
        if lock is not None and p.is_file():  # a claim file a killed writer left: unlinked
            final = p.with_name(lock["name"])     # by releasing it, if nobody holds it
            with _held_lock:
                if str(final.resolve()) in _held:
                    continue
                fd = _try_lock(final)
            if fd is not None:
                _release(final, fd)
                removed.append(p)
            continue
        if m is None or not p.is_dir():
            continue
        final = p.with_name(m["name"])
        key = str(final.resolve())
        with _held_lock:
            if key in _held:
                continue
            fd = _try_lock(final)
        if fd is None:
            continue
        try:
            shutil.rmtree(p, ignore_errors=True)
            if not p.exists():
                removed.append(p)
        finally:
            _release(final, fd)
    return removed
