"""Parameter draws for a forecast origin: the one door (docs: CONTRACTS, issue 13).

:func:`parameter_draws` gives the shipped calibration's posterior draws for origins at or after
the end of its window (2017-01..2022-12: it saw nothing after the origin), and for earlier
origins ``roxham.calibrate.posterior_for_window`` (NPE on the prior bank, fitted only on
official figures up to the origin). :func:`parameter_draws_info` says which was used; the
forecast's manifest records it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SHIPPED_TRAIN_END", "parameter_draws", "parameter_draws_info"]

#: End of the shipped calibration's training window.
SHIPPED_TRAIN_END = "2022-12"


def parameter_draws_info(origin: str, n: int, seed: int
                         ) -> tuple[list[dict[str, float]], dict[str, Any]]:
    """(draws, what the manifest records about them)."""
    shipped = _shipped_train_end()
    if shipped is None or origin < shipped:
        from roxham.calibrate import posterior_for_window

        draws = posterior_for_window(model="canada_us", train_end=origin, n=n, seed=seed)
        return [dict(d) for d in draws], {
            "method": "roxham.calibrate.posterior_for_window", "train_end": origin,
            "fallback": False, "leak": False, "n": len(draws)}
    from roxham.calibrate.ensemble import draw_parameters
    from roxham.calibrate.runs import load_calibration

    pf = load_calibration()
    if pf is None:  # pragma: no cover - a calibration ships with the package
        return [], {"method": "none (scenario's own values)", "fallback": True,
                    "leak": False, "n": 0}
    names, samples, weights = pf.posterior()
    draws = draw_parameters(names, samples, weights, n, seed, point=pf.parameters)
    train = pf.data.get("train") or {}
    end = str(train.get("end", SHIPPED_TRAIN_END))
    return draws, {
        "method": "shipped calibration's posterior draws "
                  f"({pf.where.split('/')[-1]}, fitted {train.get('start')}..{end}, at or "
                  "before the origin)",
        "train_end": end, "fallback": False, "leak": origin < end,
        "n": len(draws)}


def _shipped_train_end() -> str | None:
    """End month of the shipped calibration's window (``None`` if none ships)."""
    from roxham.calibrate.runs import load_calibration

    pf = load_calibration()
    if pf is None:  # pragma: no cover - a calibration ships with the package
        return None
    return str((pf.data.get("train") or {}).get("end", SHIPPED_TRAIN_END))[:7]


def parameter_draws(origin: str, n: int, seed: int) -> list[dict[str, float]]:
    """``n`` parameter draws for a forecast from ``origin`` (``YYYY-MM``), deterministic for
    ``seed``: ``roxham.calibrate.posterior_for_window(model="canada_us", train_end=origin,
    n=n, seed=seed)`` when it exists, else the shipped calibration's draws."""
    return parameter_draws_info(origin, n, seed)[0]
