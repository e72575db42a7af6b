"""Calibrate, validate and quantify uncertainty of roxham models (docs/ARCHITECTURE.md).

Generic core: :class:`~roxham.calibrate.space.ParameterSpace` (priors),
:func:`~roxham.calibrate.distance.distance` (sMAPE over official monthly series),
executors (:class:`~roxham.calibrate.executor.LocalExecutor`,
:class:`~roxham.calibrate.executor.DaskExecutor`), :func:`~roxham.calibrate.fit.calibrate`
(optimiser), and likelihood-free inference: prior simulation bank
(:mod:`~roxham.calibrate.bank`), rejection ABC on it (:mod:`~roxham.calibrate.abc`, ``roxham
calibrate --method abc``), summaries (:mod:`~roxham.calibrate.summaries`), neural posterior
estimation (:mod:`~roxham.calibrate.npe`) and
:func:`~roxham.calibrate.inference.posterior_for_window`; model discrepancy that widens
calibrated bands (:mod:`~roxham.calibrate.discrepancy`).
What the Canada–US model fits, and its priors: :mod:`roxham.calibrate.priors`.
"""

from __future__ import annotations

from roxham.calibrate.distance import Observed, Target, distance, load_observed, smape
from roxham.calibrate.executor import DaskExecutor, LocalExecutor, make_executor, task_seed
from roxham.calibrate.fit import Calibration, calibrate
from roxham.calibrate.inference import posterior_for_window
from roxham.calibrate.models import CalibratableModel, CanadaUSModel
from roxham.calibrate.space import Param, ParameterSpace

__all__ = [
    "CalibratableModel",
    "Calibration",
    "CanadaUSModel",
    "DaskExecutor",
    "LocalExecutor",
    "Observed",
    "Param",
    "ParameterSpace",
    "Target",
    "calibrate",
    "distance",
    "load_observed",
    "make_executor",
    "posterior_for_window",
    "smape",
    "task_seed",
]
