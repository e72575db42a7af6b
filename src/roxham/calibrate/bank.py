"""Prior simulation bank: parameter draws from the priors and the model's simulated monthly
target series, cached on disk per model content hash.

Simulation ``i`` of a bank seeded ``seed`` draws its parameters as a point of the unit cube,
``u_i = default_rng(SeedSequence([seed, i, 1])).random(d)`` (mapped through each prior's
quantile function, :meth:`~roxham.calibrate.space.ParameterSpace.from_unit`), and runs with
``task_seed(seed, i)``; so simulation ``i`` is the same whatever the bank's size, executor or
number of workers, and a larger bank reuses the smaller one's simulations. Every simulation
runs from the model's start to :data:`BANK_END` (2024-12) and keeps, for each target of
``model.targets``, the monthly simulated values (annual targets are summed from them later):
one bank serves every training window inside 2017-01..2024-12.

Cache: ``<cache>/bank/<model hash>-s<seed>/chunk-<k>.npz``, :data:`CHUNK` simulations per file
(written as soon as a chunk is finished: an interrupted build resumes). ``<cache>`` is
``$ROXHAM_CACHE_DIR`` or ``platformdirs.user_cache_dir("roxham")``. The model hash
(:func:`model_hash`) covers the model's name, resolved base scenario, priors, targets and the
source files of the simulation (model, engine, law, data packages): change any of them and a
new bank is simulated.

>>> from roxham.calibrate.toy import ToyModel
>>> b = build_bank(ToyModel(), 3, seed=1, cache=None)
>>> b.u.shape, b.series["toy/X"].shape, b.months[0]
((3, 3), (3, 96), '2017-01')
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from roxham.calibrate.distance import month_range, sim_table
from roxham.calibrate.executor import Executor, LocalExecutor, task_seed
from roxham.calibrate.models import CalibratableModel

__all__ = [
    "BANK_END",
    "BANK_START",
    "CHUNK",
    "SimBank",
    "bank_draw",
    "build_bank",
    "cache_dir",
    "model_hash",
]

BANK_START = "2017-01"
BANK_END = "2024-12"
CHUNK = 100

#: source trees whose files change what a simulation returns
_SOURCE_PACKAGES = ("models/canada_us", "sim", "law", "data", "scenario.py")


def cache_dir() -> Path:
    """``$ROXHAM_CACHE_DIR`` or the platform's user cache directory for roxham (the one
    definition: :func:`roxham.diskcache.cache_dir`)."""
    from roxham.diskcache import cache_dir as _cache_dir

    return _cache_dir()


def _source_digest() -> str:
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for rel in _SOURCE_PACKAGES:
        p = root / rel
        files = [p] if p.is_file() else sorted(
            f for f in p.rglob("*") if f.is_file() and f.suffix in
            (".py", ".yaml", ".yml", ".csv", ".json", ".parquet") and "__pycache__" not in f.parts)
        for f in files:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def model_hash(model: CalibratableModel) -> str:
    """Content hash (16 hex) of what a simulation of ``model`` depends on: name, base
    scenario (``model.base_hash()`` when the model has one), priors, targets, and the source
    files of the Canada–US model, engine, law and data packages."""
    h = hashlib.sha256()
    base = model.base_hash() if hasattr(model, "base_hash") else ""
    h.update(json.dumps({
        "name": model.name, "base": base, "space": model.space.to_json(),
        "targets": sorted(t.key for t in model.targets), "end": BANK_END,
        "replicates": getattr(model, "replicates", 1),
    }, sort_keys=True, default=str).encode())
    h.update(_source_digest().encode() if model.name == "canada_us" else b"")
    return h.hexdigest()[:16]


def bank_draw(seed: int, i: int, d: int) -> np.ndarray:
    """Unit-cube point of simulation ``i`` of a bank seeded ``seed`` (``d`` parameters)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(i), 1])).random(d)


@dataclass
class SimBank:
    """Simulations ``0..n−1``: unit-cube draws ``u`` [n, d] (parameter order of the space),
    and per target key the monthly simulated values [n, months] over :attr:`months`."""

    names: list[str]
    u: np.ndarray
    months: list[str]
    series: dict[str, np.ndarray]
    hash: str
    seed: int

    def __len__(self) -> int:
        return int(self.u.shape[0])

    def ok(self) -> np.ndarray:
        """Rows whose simulated series are all finite."""
        m = np.ones(len(self), dtype=bool)
        for v in self.series.values():
            m &= np.isfinite(v).all(axis=1)
        return m


def _bank_task(model: CalibratableModel, keys: list[str], months: list[str],
               task: tuple[int, list[float], int]) -> tuple[int, np.ndarray]:
    """Simulate one bank row: ``(i, [len(keys), len(months)] monthly values)``."""
    i, u, seed = task
    params = model.space.from_unit(u)
    series = getattr(model, "simulate_series", None)
    if series is not None:  # summarised in the run (the same numbers, no table)
        tab = series(params, seed, months[-1], keys)
    else:
        tab = sim_table(model.simulate(params, seed, months[-1]), keys)
    out = np.full((len(keys), len(months)), np.nan)
    for j, k in enumerate(keys):
        vals = tab.get(k, {})
        for t, m in enumerate(months):
            if m in vals:
                out[j, t] = vals[m]
    return i, out


def build_bank(
    model: CalibratableModel,
    n: int,
    seed: int = 0,
    executor: Executor | None = None,
    cache: Path | str | None = "default",
    progress: Callable[[int], None] | None = None,
) -> SimBank:
    """The first ``n`` simulations of the bank of ``model`` seeded ``seed``: read from the
    cache, the missing chunks simulated (in parallel by ``executor``) and written.
    ``cache=None`` keeps nothing on disk."""
    d = len(model.space)
    keys = sorted(t.key for t in model.targets)
    months = month_range(BANK_START, BANK_END)
    mh = model_hash(model)
    root: Path | None = None
    if cache is not None:
        root = (cache_dir() if cache == "default" else Path(cache)) / "bank" / f"{mh}-s{seed}"
        root.mkdir(parents=True, exist_ok=True)
    n_chunks = -(-n // CHUNK)
    us: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    ex = executor
    own = False
    try:
        for k in range(n_chunks):
            lo, hi = k * CHUNK, min((k + 1) * CHUNK, n)
            f = root / f"chunk-{k:05d}.npz" if root is not None else None
            if f is not None and f.is_file():
                z = np.load(f)
                if list(z["keys"]) == keys and z["u"].shape[0] >= hi - lo:
                    us.append(z["u"][: hi - lo])
                    vals.append(z["v"][: hi - lo])
                    if progress:
                        progress(hi - lo)
                    continue
            # a cached chunk is always full: simulate the whole chunk when writing it
            top = (k + 1) * CHUNK if f is not None else hi
            tasks = [(i, bank_draw(seed, i, d).tolist(), task_seed(seed, i))
                     for i in range(lo, top)]
            if ex is None:
                ex, own = LocalExecutor(), True
            res = ex.map(partial(_bank_task, model, keys, months), tasks, progress=progress)
            res.sort(key=lambda r: r[0])
            u = np.array([t[1] for t in tasks], dtype=float)
            v = np.stack([r[1] for r in res]).astype(np.float32)
            if f is not None:
                # a name of its own: two processes (e.g. two backtest origins) may write
                # the same chunk at once; each replaces the file atomically with its own
                tmp = f.with_name(f"{f.stem}.{os.getpid()}.{uuid.uuid4().hex}.tmp.npz")
                np.savez_compressed(tmp, u=u, v=v, keys=np.array(keys))
                tmp.replace(f)
            us.append(u[: hi - lo])
            vals.append(v[: hi - lo])
    finally:
        if own and ex is not None:
            ex.close()
    u_all = np.concatenate(us) if us else np.zeros((0, d))
    v_all = np.concatenate(vals) if vals else np.zeros((0, len(keys), len(months)))
    return SimBank(model.space.names, u_all, months,
                   {k: v_all[:, j, :].astype(float) for j, k in enumerate(keys)}, mh, seed)


def bank_info(bank: SimBank) -> dict[str, Any]:
    """What a parameter file records about the bank."""
    return {"simulations": len(bank), "usable": int(bank.ok().sum()), "seed": bank.seed,
            "model_hash": bank.hash, "months": [bank.months[0], bank.months[-1]]}
