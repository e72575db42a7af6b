"""Calendar months of a simulated period: one place for the month of each day (the model's
monthly outputs, the southbound half and its fit).

>>> import datetime as dt
>>> labels, idx, month_end = month_index(dt.date(2024, 1, 30), 4)
>>> labels, idx.tolist(), month_end.tolist()
(('2024-01', '2024-02'), [0, 0, 1, 1], [1, 3])
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import numpy.typing as npt

__all__ = ["month_index"]


@functools.lru_cache(maxsize=8)
def month_index(start: dt.date, n_days: int) -> tuple[
        tuple[str, ...], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Month labels of the period, the month of each day and the last day of each month
    (computed once per period; the arrays are read-only)."""
    labels: list[str] = []
    idx = np.empty(n_days, dtype=np.int64)
    for i in range(n_days):
        d = start + dt.timedelta(days=i)
        lab = f"{d.year:04d}-{d.month:02d}"
        if not labels or labels[-1] != lab:
            labels.append(lab)
        idx[i] = len(labels) - 1
    month_end = np.array([np.max(np.nonzero(idx == m)[0]) for m in range(len(labels))],
                         dtype=np.int64)
    idx.flags.writeable = False
    month_end.flags.writeable = False
    return tuple(labels), idx, month_end
