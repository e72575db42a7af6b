"""The one atomic writer of run directories.

Every run directory — ``roxham run``, the generic engine's ``RunResult.write``, the web lab's
jobs, Flee's runs — is written through :func:`atomic_run_dir`: claimed first, filled under a
temporary name and renamed into place when complete, so a directory with a ``manifest.json``
is always complete. What goes in it (the one layout: ``monthly.parquet``,
``replicates.parquet``, ``manifest.json``, named extras) is :mod:`roxham.store.result`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from roxham.errors import UserError
from roxham.store.claim import claim, collect_garbage, storage_error, temp_name

__all__ = ["atomic_run_dir", "check_target"]


@contextmanager
def atomic_run_dir(final: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Write a run directory all at once: yields a temporary sibling to fill; when the block
    ends without error it becomes ``final``; on error it is removed and ``final`` is untouched.

    The target is claimed first (:func:`roxham.store.claim.claim`): a second writer for the
    same directory is refused at once (:class:`~roxham.store.claim.RunDirBusy`). A non-empty
    ``final`` is refused (:class:`UserError`) unless ``overwrite``; then the old directory is
    replaced only once the new one is complete. Temporary folders that killed writers left in
    the same parent are removed first. A write that fails for lack of space raises
    :class:`~roxham.store.claim.StorageFull` (other OS errors: :class:`UserError`).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> with atomic_run_dir(root / "run") as tmp:
    ...     _ = (tmp / "manifest.json").write_text("{}")
    >>> sorted(p.name for p in root.iterdir()), (root / "run" / "manifest.json").exists()
    (['run'], True)
    """
    final = Path(final)
    with claim(final):
        check_target(final, overwrite=overwrite)
        collect_garbage(final.parent)
        tmp = temp_name(final)
        try:
            if tmp.exists():
                shutil.rmtree(tmp)
            tmp.mkdir(parents=True)
        except OSError as e:
            raise storage_error(e, f"run directory {str(final)!r}") from None
        try:
            yield tmp
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise storage_error(e, f"run directory {str(final)!r}") from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        check_target(final, overwrite=overwrite)
        old = temp_name(final, "old") if final.exists() else None
        try:
            if old is not None:
                final.rename(old)
            tmp.rename(final)
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise storage_error(e, f"run directory {str(final)!r}") from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def check_target(final: Path, *, overwrite: bool = False) -> None:
    """:class:`UserError` unless ``final`` may receive a run (absent or empty directory, or
    ``overwrite``)."""
    if final.exists():
        if not final.is_dir():
            raise UserError(f"run directory {final} exists and is not a directory")
        if not overwrite and any(final.iterdir()):
            raise UserError(
                f"run directory {final} exists and is not empty (--force replaces it)"
            )
