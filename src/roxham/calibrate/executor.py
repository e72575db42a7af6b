"""Executors: run independent simulation tasks locally (processes) or on a Dask cluster.

Results never depend on the executor or its number of workers: every task carries its own
seed, derived from the run's seed and the task id (:func:`task_seed`, Roxham's seed scheme in
:mod:`roxham.store.identity`), and :meth:`map`
returns results in task order, whatever order they finished in.

>>> ex = LocalExecutor(workers=1)
>>> ex.map(abs, [-2, 3, -1])
[2, 3, 1]
>>> task_seed(1, 0) == task_seed(1, 0) != task_seed(1, 1)
True
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

from roxham.errors import UserError
from roxham.store.identity import task_seed

__all__ = [
    "SCHEDULER_ENV",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "code_fingerprint",
    "make_executor",
    "task_seed",
]

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int], None]


class Executor(Protocol):
    """Runs ``fn`` over items; results in item order."""

    workers: int

    def map(self, fn: Callable[[T], R], items: Sequence[T],
            progress: Progress | None = None) -> list[R]:
        """``[fn(x) for x in items]``, possibly in parallel; ``progress(1)`` per finished item."""
        ...

    def close(self) -> None:
        """Release workers."""
        ...


class LocalExecutor:
    """Local processes (``workers`` > 1, ``spawn`` start method: safe with Polars and Numba
    threads) or the calling process (``workers`` = 1). Workers persist between
    :meth:`map` calls so their caches (compiled kernel, law table) stay warm."""

    def __init__(self, workers: int | None = None) -> None:
        n = workers if workers is not None else (os.cpu_count() or 1)
        if n < 1:
            raise UserError("--workers must be >= 1")
        self.workers = n
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"))
        return self._pool

    def map(self, fn: Callable[[T], R], items: Sequence[T],
            progress: Progress | None = None) -> list[R]:
        """Run ``fn`` over ``items``; results in item order."""
        if self.workers == 1 or len(items) <= 1:
            out = []
            for x in items:
                out.append(fn(x))
                if progress:
                    progress(1)
            return out
        pool = self._get_pool()
        futs: dict[Future[R], int] = {pool.submit(fn, x): i for i, x in enumerate(items)}
        results: list[Any] = [None] * len(items)
        pending = set(futs)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    results[futs[f]] = f.result()
                    if progress:
                        progress(1)
        except BaseException:
            for f in pending:
                f.cancel()
            raise
        return results

    def close(self) -> None:
        """Shut the worker processes down."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __repr__(self) -> str:
        return f"LocalExecutor(workers={self.workers})"


#: Environment variable naming a Dask scheduler for every entry point that builds its
#: executor with :func:`make_executor` and is given neither an address nor ``--workers``.
SCHEDULER_ENV = "ROXHAM_SCHEDULER"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 (12 hex digits) of the installed ``roxham`` package: its Python sources and
    data files (paths and contents). Two processes with the same fingerprint compute the same
    results for the same task."""
    import hashlib
    from pathlib import Path

    import roxham

    root = Path(roxham.__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".nbi",
                                                                               ".nbc"):
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


class DaskExecutor:
    """A Dask cluster: ``DaskExecutor("tcp://host:8786")`` or ``DaskExecutor(client)``.

    The cluster is started with Dask's own commands (``dask scheduler`` on one machine,
    ``dask worker tcp://host:8786 --nthreads 1`` on each machine, see README); every worker
    needs the same Roxham code as the client (checked on connection:
    :func:`code_fingerprint`). Tasks are submitted with ``pure=False`` and gathered in task
    order; each carries its own seed, so the results equal a local run's."""

    def __init__(self, address_or_client: Any) -> None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - dependency declared in pyproject
            raise UserError("Dask executor needs the 'distributed' package") from None
        if isinstance(address_or_client, str):
            try:
                self._client = Client(address_or_client, timeout="10s")
            except (OSError, TimeoutError) as e:
                raise UserError(f"cannot reach Dask scheduler {address_or_client}: {e}") from None
            self._own = True
        else:
            self._client = address_or_client
            self._own = False
        info = self._client.scheduler_info()
        self.workers = max(1, sum(int(w.get("nthreads", 1))
                                  for w in info.get("workers", {}).values()))
        self._check_code()

    def _check_code(self) -> None:
        """Refuse workers whose Roxham code differs from this process's (their results would
        not be this code's)."""
        try:
            prints = self._client.run(code_fingerprint)
        except Exception as e:  # a worker without roxham cannot unpickle the function
            self.close()
            raise UserError(f"Dask workers cannot run Roxham ({type(e).__name__}: {e}); "
                            "install the same Roxham on every worker") from None
        mine = code_fingerprint()
        bad = sorted(w for w, fp in prints.items() if fp != mine)
        if bad:
            self.close()
            raise UserError(f"Dask worker {bad[0]} runs other Roxham code (fingerprint "
                            f"{prints[bad[0]]}, here {mine}); install the same version on "
                            "every worker")

    def map(self, fn: Callable[[T], R], items: Sequence[T],
            progress: Progress | None = None) -> list[R]:
        """Run ``fn`` over ``items`` on the cluster; results in item order."""
        from distributed import as_completed

        if not items:
            return []
        futs = self._client.map(fn, list(items), pure=False)
        for f in as_completed(futs):
            f.result()  # raise the first failure
            if progress:
                progress(1)
        return list(self._client.gather(futs))

    def close(self) -> None:
        """Close the client if this executor opened it."""
        if self._own:
            self._client.close()

    def __repr__(self) -> str:
        return f"DaskExecutor(workers={self.workers})"


def make_executor(workers: int | None = None, dask: str | None = None) -> Executor:
    """A :class:`DaskExecutor` when ``dask`` (a scheduler address, ``--scheduler``) is given,
    or when neither it nor ``workers`` is and the environment variable
    :data:`SCHEDULER_ENV` names one; else a :class:`LocalExecutor`."""
    if not dask and workers is None:
        dask = os.environ.get(SCHEDULER_ENV) or None
    if dask:
        if not dask.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
            raise UserError(f"--scheduler must be a Dask scheduler address like "
                            f"tcp://host:8786, got {dask!r}")
        return DaskExecutor(dask)
    return LocalExecutor(workers)
