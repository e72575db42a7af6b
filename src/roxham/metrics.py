"""Error measures shared by the models' fit reports and by calibration.

>>> round(smape([100.0, 0.0], [50.0, 0.0]), 1)
33.3
>>> round(smape([4.0], [0.0], floor=12.0), 1)
50.0
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["smape"]


def smape(sim: Sequence[float], obs: Sequence[float], floor: float = 0.0) -> float:
    """Symmetric mean absolute percentage error in percent (0 perfect, 200 worst); each
    denominator ``|sim| + |obs|`` is raised by ``floor`` (for series of small counts)."""
    if len(sim) != len(obs) or not sim:
        raise ValueError("sim and obs must have the same, non-zero length")
    tot = 0.0
    for s, o in zip(sim, obs, strict=True):
        den = abs(s) + abs(o) + floor
        tot += 0.0 if den == 0 else 2.0 * abs(s - o) / den
    return 100.0 * tot / len(sim)
