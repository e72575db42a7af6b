"""Progress display for runs: a Rich progress bar that appears only for runs over a second.

>>> with RichProgress(description="tiny", min_seconds=60.0) as cb:
...     for d in range(1, 11):
...         cb(d, 10)          # nothing is shown: the run took less than min_seconds
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["RichProgress"]


class RichProgress:
    """A ``progress(done, total)`` callback drawing a Rich bar on stderr.

    The bar starts only once ``min_seconds`` have passed (short runs print nothing), and is
    refreshed at most ``refresh_per_second`` times a second. Use as a context manager.
    """

    def __init__(
        self,
        description: str = "simulating",
        *,
        min_seconds: float = 1.0,
        console: Console | None = None,
    ) -> None:
        self.description = description
        self.min_seconds = min_seconds
        self.console = console or Console(stderr=True)
        self._t0 = time.perf_counter()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._t0 = time.perf_counter()
        return self

    def __call__(self, done: int, total: int) -> None:
        """Record progress (days simulated over all replicates, and their total)."""
        if self._progress is None:
            if time.perf_counter() - self._t0 < self.min_seconds:
                return
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} days"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=total)
        assert self._task is not None
        self._progress.update(self._task, completed=done, total=total)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
