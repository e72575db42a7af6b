"""Content-keyed results on disk, in Roxham's cache directory (``$ROXHAM_CACHE_DIR`` or the
platform's user cache directory), for what a build computes again in every new process:

- ``<cache_dir>/streams``: the statistical air/inland streams' fitted forecasts (AutoETS,
  :func:`roxham.models.canada_us.demand.stream_forecast`);
- ``<cache_dir>/law_tables``: the Canada–US model's law tables
  (:func:`roxham.models.canada_us.model.full_build`).

An entry's name is the SHA-256 of **everything it is computed from**: its inputs (as given
by the caller) and the source files of the code that computes it (:func:`source_digest`)
plus the versions of the libraries it uses. A changed input, code or library is a new name
(a miss), never a stale hit. Entries are written atomically (a temporary file renamed) and
an unreadable entry counts as a miss; deleting the directory is always safe.
``ROXHAM_DISK_CACHE=0`` turns the disk cache off (every build computes afresh).

Imports no other ``roxham`` package (any layer may use it).

>>> k = content_key("example", 1, b"\\x00")
>>> len(k), k == content_key("example", 1, b"\\x00"), k == content_key("example", 2, b"\\x00")
(64, True, False)
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["cache_dir", "content_key", "enabled", "load", "save", "source_digest"]

_ROOT = Path(__file__).resolve().parent


def cache_dir() -> Path:
    """``$ROXHAM_CACHE_DIR`` or the platform's user cache directory for roxham."""
    env = os.environ.get("ROXHAM_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("roxham"))


def enabled() -> bool:
    """False when ``$ROXHAM_DISK_CACHE`` is ``0`` (or ``false``/``no``/``off``)."""
    return os.environ.get("ROXHAM_DISK_CACHE", "1").strip().lower() not in (
        "0", "false", "no", "off")


@functools.lru_cache(maxsize=32)
def source_digest(*paths: str) -> str:
    """SHA-256 of the named source trees or files of the ``roxham`` package (paths relative
    to it, e.g. ``"law"`` or ``"statforecast.py"``): every file's relative path and bytes,
    caches (``__pycache__``) left out. Read once per process."""
    h = hashlib.sha256()
    for rel in paths:
        p = _ROOT / rel
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            if "__pycache__" in f.parts or f.suffix in (".pyc", ".nbi", ".nbc"):
                continue
            h.update(str(f.relative_to(_ROOT)).encode())
            h.update(b"\0")
            h.update(f.read_bytes() if f.is_file() else b"<missing>")
            h.update(b"\0")
    return h.hexdigest()


def content_key(*parts: Any) -> str:
    """SHA-256 (hex) of ``parts``: bytes as they are, anything else by its ``repr`` (give
    plain data: numbers, strings, tuples, sorted items)."""
    h = hashlib.sha256()
    for p in parts:
        b = p if isinstance(p, bytes) else repr(p).encode()
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def _path(kind: str, key: str) -> Path:
    return cache_dir() / kind / f"{key}.npz"


def load(kind: str, key: str) -> tuple[dict[str, npt.NDArray[Any]], dict[str, Any]] | None:
    """The arrays and metadata saved under ``kind``/``key``, or None (absent, unreadable or
    the disk cache off)."""
    if not enabled():
        return None
    p = _path(kind, key)
    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files if k != "__meta__"}
            meta = json.loads(str(z["__meta__"])) if "__meta__" in z.files else {}
    except (OSError, ValueError, KeyError, EOFError):  # absent or damaged: a miss
        return None
    if meta.get("__key__") != key:
        return None
    return arrays, meta


def save(kind: str, key: str, arrays: dict[str, npt.NDArray[Any]],
         meta: dict[str, Any] | None = None) -> None:
    """Save ``arrays`` (and JSON ``meta``) under ``kind``/``key`` atomically. A cache that
    cannot be written (read-only or full disk) is skipped: it only saves time."""
    if not enabled():
        return
    p = _path(kind, key)
    buf = io.BytesIO()
    payload: dict[str, Any] = {"__meta__": np.array(json.dumps({**(meta or {}), "__key__": key}))}
    payload.update(arrays)
    np.savez(buf, **payload)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(buf.getvalue())
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
