"""The one atomic writer of run directories.

Every run directory — ``roxham run``, the generic engine's ``RunResult.write``, the web lab's
jobs, Flee's runs — is written through :func:`atomic_run_dir`: claimed first, filled under a
temporary name and renamed into place when complete, so a directory with a ``manifest.json``
is always complete. A run saved into a folder that holds other files (``roxham flee run -o``,
as Flee users do) goes through :func:`files_into` instead: its files are staged and moved in
one by one, the manifest last. What goes in it (the one layout: ``monthly.parquet``,
``replicates.parquet``, ``manifest.json``, named extras) is :mod:`roxham.store.result`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from roxham.errors import UserError
from roxham.store.claim import claim, collect_garbage, storage_error, temp_name

__all__ = ["atomic_run_dir", "check_target", "files_into"]


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


@contextmanager
def files_into(directory: str | Path) -> Iterator[Path]:
    """Write a run's files into ``directory``, which may hold other files: yields a hidden
    staging folder inside it to fill; when the block ends without error each file is moved
    into place (each move atomic, ``manifest.json`` last) and the files that the previous
    run's manifest there listed and this run does not write are removed, so the directory
    describes one run. Files of anyone else stay; a failed write leaves the directory as it
    was. The directory is claimed like every run directory.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "notes.txt").write_text("mine")
    >>> with files_into(d) as tmp:
    ...     _ = (tmp / "manifest.json").write_text('{"files": ["manifest.json"]}')
    >>> sorted(p.name for p in d.iterdir())
    ['manifest.json', 'notes.txt']
    """
    d = Path(directory)
    with claim(d):
        try:
            d.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=".roxham-stage-", dir=d))
        except OSError as e:
            raise storage_error(e, f"run directory {str(d)!r}") from None
        try:
            yield stage
            names = sorted(p.name for p in stage.iterdir() if p.name != "manifest.json")
            old = _listed(d / "manifest.json")
            for name in names:
                os.replace(stage / name, d / name)
            if (stage / "manifest.json").exists():
                os.replace(stage / "manifest.json", d / "manifest.json")
            for name in old:
                if name not in names and name != "manifest.json" and "/" not in name:
                    (d / name).unlink(missing_ok=True)
        except OSError as e:
            raise storage_error(e, f"run directory {str(d)!r}") from None
        finally:
            shutil.rmtree(stage, ignore_errors=True)


def _listed(manifest: Path) -> list[str]:
    """The files an earlier run's manifest lists (none if there is no readable one)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    return [str(f) for f in files] if isinstance(files, list) else []
