"""The user's store of imported IRCC workbooks: one vintage per import, kept side by side.

Imported figures live in the user data directory (``$ROXHAM_DATA_DIR``, else the platform's user
data directory from :mod:`platformdirs`), never in the installed package::

    <user dir>/ircc/manifest.json          the vintages: file name, sha256, vintage date, …
    <user dir>/ircc/<sha256>.csv           the figures of that workbook (bundled CSV columns)

An import is idempotent (a workbook whose sha256 is already in the manifest changes nothing)
and crash-safe: the figures file is written to a temporary file and renamed into place, then the
manifest likewise; the manifest is the commit point, and a failure before it removes what was
written, so the store is as it was.

>>> import tempfile, os
>>> with tempfile.TemporaryDirectory() as d:
...     os.environ["ROXHAM_DATA_DIR"] = d
...     out = [v.file_name for v in vintages()]
...     del os.environ["ROXHAM_DATA_DIR"]
>>> out
[]
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from roxham.data.ircc import DEFAULT_SOURCE_URL, read_workbook
from roxham.errors import UserError

__all__ = ["CSV_COLUMNS", "ImportResult", "Vintage", "import_workbook", "store_dir",
           "user_data_dir", "vintages"]

#: Columns of a stored figures file (those of the bundled IRCC claims CSV).
CSV_COLUMNS = ("period", "geography", "series", "value", "source_url", "source_note", "kind")

_MANIFEST = "manifest.json"


def user_data_dir() -> Path:
    """``$ROXHAM_DATA_DIR`` if set, else the platform's user data directory for roxham."""
    env = os.environ.get("ROXHAM_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir as _udd

    return Path(_udd("roxham", appauthor=False))


def store_dir() -> Path:
    """Where imported IRCC workbooks are kept (``<user data dir>/ircc``)."""
    return user_data_dir() / "ircc"


@dataclass(frozen=True)
class Vintage:
    """One imported workbook."""

    file_name: str
    sha256: str
    vintage: str  #: YYYY-MM-DD, from "Source: IRCC, <Month D, YYYY>"
    first_month: str
    last_month: str
    n_figures: int
    figures_file: str  #: relative to :func:`store_dir`


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the vintage, and whether it was new."""

    vintage: Vintage
    added: bool


def vintages(root: Path | None = None) -> list[Vintage]:
    """The imported vintages, oldest first (by vintage date, then file name)."""
    d = root or store_dir()
    p = d / _MANIFEST
    if not p.is_file():
        return []
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        out = [Vintage(**v) for v in raw["vintages"]]
    except (ValueError, KeyError, TypeError) as e:
        raise UserError(f"data store {p}: unreadable manifest ({e})") from None
    return sorted(out, key=lambda v: (v.vintage, v.file_name))


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_workbook(path: Path, source_url: str = DEFAULT_SOURCE_URL,
                    root: Path | None = None) -> ImportResult:
    """Import an IRCC claims workbook into the store (see module doc)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    d = root or store_dir()
    known = vintages(d)
    for v in known:
        if v.sha256 == sha:
            return ImportResult(v, added=False)
    wb = read_workbook(path, source_url)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(wb.records)
    v = Vintage(path.name, sha, wb.vintage.isoformat(), wb.first_month, wb.last_month,
                len(wb.records), f"{sha}.csv")
    d.mkdir(parents=True, exist_ok=True)
    fig = d / v.figures_file
    try:
        _atomic_write(fig, buf.getvalue())
        manifest = {"vintages": [asdict(x) for x in [*known, v]]}
        _atomic_write(d / _MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    except BaseException:
        fig.unlink(missing_ok=True)
        raise
    return ImportResult(v, added=True)
