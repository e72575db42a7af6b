"""Checkpoint of finished simulations: a JSON-lines file, one header line then one line per
finished task, appended (and flushed) after every batch. An interrupted calibration started
again with the same file, settings and seed skips the tasks already there.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "sims.jsonl"
>>> c = Checkpoint(p, {"seed": 1})
>>> c.append([{"id": 0, "distance": 1.5}])
>>> Checkpoint(p, {"seed": 1}).done[0]["distance"]
1.5
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from roxham.errors import UserError

__all__ = ["Checkpoint"]


class Checkpoint:
    """Finished tasks by id, persisted at ``path`` (``None``: in memory only).

    ``header`` fingerprints the run (model, space, window, seed…); a file whose header
    differs is refused, so a checkpoint is never mixed into another calibration."""

    def __init__(self, path: Path | None, header: dict[str, Any]) -> None:
        self.path = path
        self.header = json.loads(json.dumps(header))
        self.done: dict[int, dict[str, Any]] = {}
        if path is None:
            return
        if path.exists() and path.stat().st_size > 0:
            lines = path.read_text(encoding="utf-8").splitlines()
            try:
                head = json.loads(lines[0])
            except (json.JSONDecodeError, IndexError):
                raise UserError(f"{path}: not a calibration checkpoint") from None
            if head.get("header") != self.header:
                raise UserError(
                    f"{path}: checkpoint of another calibration (different settings); "
                    "remove it or choose another output"
                )
            good = [lines[0]]
            for ln in lines[1:]:
                try:
                    row = json.loads(ln)
                except json.JSONDecodeError:
                    break  # a line cut by an interruption: that task runs again
                self.done[int(row["id"])] = row
                good.append(ln)
            if len(good) < len(lines) or not path.read_text(encoding="utf-8").endswith("\n"):
                path.write_text("\n".join(good) + "\n", encoding="utf-8")  # drop the cut tail
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"header": self.header}) + "\n", encoding="utf-8")

    def append(self, rows: Iterable[dict[str, Any]]) -> None:
        """Record finished tasks (and write them to the file)."""
        rows = list(rows)
        for r in rows:
            self.done[int(r["id"])] = r
        if self.path is not None and rows:
            with self.path.open("a", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r) + "\n")
                f.flush()
