"""What identifies a run: the content hash of its scenario and the seeds of its replicates.

One hash and one seed scheme for every model and entry point, so a run saved by the CLI, the
web lab or calibration names its scenario and seeds the same way.

>>> content_hash({"b": 1, "a": [1, 2]}) == content_hash({"a": [1, 2], "b": 1})
True
>>> len(content_hash({"a": 1}))
12
>>> replicate_seeds(1, 2) == replicate_seeds(1, 3)[:2]
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

import numpy as np

__all__ = ["HASH_DIGITS", "content_hash", "json_default", "replicate_seeds", "task_seed"]

#: Hex digits kept of the SHA-256 (48 bits: collisions are negligible among a user's runs).
HASH_DIGITS = 12


def json_default(o: Any) -> Any:
    """How values JSON does not know are written, in hashes and manifests alike: dates as
    ISO text, NumPy scalars and arrays as numbers and lists, sets sorted, Pydantic models as
    their JSON data, anything else as ``str``.

    >>> json.dumps({"d": dt.date(2024, 1, 2), "n": np.int64(3), "s": {2, 1}}, default=json_default)
    '{"d": "2024-01-02", "n": 3, "s": [1, 2]}'
    """
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if hasattr(o, "item"):
        return o.item()
    if hasattr(o, "tolist"):
        return o.tolist()
    if isinstance(o, (set, frozenset, tuple)):
        return sorted(o) if isinstance(o, (set, frozenset)) else list(o)
    return str(o)


def content_hash(data: Any) -> str:
    """SHA-256 of ``data`` as canonical JSON (sorted keys), first :data:`HASH_DIGITS` hex
    digits. The Canada–US model's scenario hash (recorded by calibrations) is this hash of
    the resolved scenario."""
    text = json.dumps(data, sort_keys=True, default=json_default)
    return hashlib.sha256(text.encode()).hexdigest()[:HASH_DIGITS]


def replicate_seeds(seed: int, replicates: int, bits: Literal[32, 64] = 32) -> list[int]:
    """The seed of each replicate: ``SeedSequence(seed).spawn(replicates)[r]``, one word of
    ``bits`` bits. Replicate ``r`` gets the same seed whatever the number of replicates or
    workers."""
    dtype = np.uint32 if bits == 32 else np.uint64
    children = np.random.SeedSequence(int(seed)).spawn(int(replicates))
    return [int(c.generate_state(1, dtype=dtype)[0]) for c in children]


def task_seed(seed: int, task_id: int) -> int:
    """The seed of simulation ``task_id`` of a calibration, bank or check seeded ``seed``:
    ``SeedSequence([seed, task_id])``, one 32-bit word. Like :func:`replicate_seeds`, it
    depends on the task's number only, never on the executor or the number of workers (the
    calibration's tasks are numbered; its replicates inside a task use
    :func:`replicate_seeds` of this seed).

    >>> task_seed(1, 0) == task_seed(1, 0) != task_seed(1, 1)
    True
    """
    return int(np.random.SeedSequence([int(seed), int(task_id)]).generate_state(1)[0])
