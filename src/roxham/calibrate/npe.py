"""Neural posterior estimation (``sbi``'s NPE) on the prior simulation bank.

Method (also in models/canada_us/MODEL.md, *Inference*):

1. **Bank** — :func:`roxham.calibrate.bank.build_bank`: ``sims`` parameter draws from the
   priors, each simulated once from 2017-01 to 2024-12 (cached per model content hash).
2. **Summaries** — :mod:`roxham.calibrate.summaries` (quarterly by default), for the training
   window (only official
   figures inside it; the bank's series are summarised over exactly the same months).
3. **Training** — a masked autoregressive flow (``maf``: 4 transforms, 64 hidden units)
   learns ``q(θ | s)`` from the bank's (θ, s) pairs: θ as ``logit`` of the point of the unit
   cube (each prior's quantile function maps it back, so the flat and log-flat priors are
   exact and posterior draws never leave the prior's range), summaries standardised with the
   bank's mean and standard deviation (features constant over the bank are dropped),
   10 % held out for early stopping (20 epochs without improvement). Torch runs on one thread,
   seeded ``train_seed``: the trained network, and so every draw, is the same on every run.
   One training serves every dataset with the same summaries (amortised): the 50+ synthetic
   datasets of the simulation-based calibration and the official figures alike.
4. **Draws** — ``n`` draws of ``q(θ | s_official)`` with torch seeded from ``seed``.

The trained posterior of a window is cached (``<cache>/npe/``) per model hash, window,
feature set, bank and training settings: :func:`roxham.calibrate.posterior_for_window` trains
once per window and then only samples.

Needs the optional ``infer`` extra (``pip install 'roxham[infer]'``: ``sbi``, ``torch``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import pickle
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from roxham.errors import UserError

__all__ = ["NPEConfig", "TrainedNPE", "require_sbi", "train_npe"]

_EPS = 1e-6


def require_sbi() -> None:
    """Raise a one-line :class:`UserError` when the ``infer`` extra is not installed."""
    try:
        import sbi  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        raise UserError("this needs the optional inference packages: "
                        "pip install 'roxham[infer]' (sbi, torch)") from None


class _NoTracker:
    """sbi's training tracker that keeps nothing (its default writes TensorBoard logs into
    ./sbi-logs of the working directory)."""

    log_dir = ""

    def log_metric(self, name: str, value: float, step: int | None = None) -> None:
        """Ignore."""

    def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
        """Ignore."""

    def log_params(self, params: dict[str, Any]) -> None:
        """Ignore."""

    def add_figure(self, name: str, figure: Any, step: int | None = None) -> None:
        """Ignore."""

    def flush(self) -> None:
        """Ignore."""


@dataclass(frozen=True)
class NPEConfig:
    """Settings of the bank and the network (all part of the cache key)."""

    sims: int = 2000
    bank_seed: int = 0
    train_seed: int = 0
    estimator: str = "maf"
    hidden: int = 64
    transforms: int = 4
    batch: int = 128
    learning_rate: float = 5e-4
    max_epochs: int = 400
    stop_after: int = 20
    period: str = "quarter"

    def tag(self) -> str:
        """Short hash of the settings."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()
                              ).hexdigest()[:10]


@contextlib.contextmanager
def _torch_single_thread(seed: int) -> Iterator[Any]:
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(seed) % 2**63)
            yield torch
    finally:
        torch.set_num_threads(n)


def _logit(u: np.ndarray) -> np.ndarray:
    v = np.clip(u, _EPS, 1 - _EPS)
    return np.log(v) - np.log1p(-v)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _logistic_prior(d: int) -> Any:
    """Independent standard logistic on ℝ^d: the image of Uniform(0, 1)^d under logit."""
    import torch
    from torch.distributions import Independent, SigmoidTransform, TransformedDistribution, Uniform

    base = Uniform(torch.zeros(d), torch.ones(d))
    return Independent(TransformedDistribution(base, [SigmoidTransform().inv]), 1)


@dataclass
class TrainedNPE:
    """A trained posterior ``q(θ | s)``: the sbi posterior and the summaries' scaling."""

    posterior: Any
    names: list[str]
    x_mean: np.ndarray
    x_std: np.ndarray
    keep: np.ndarray
    epochs: int
    val_loss: float
    n_train: int
    wall_s: float

    def scale(self, x: np.ndarray) -> np.ndarray:
        """Standardised kept features (clipped to ±8 standard deviations of the bank)."""
        xs = (np.atleast_2d(x)[:, self.keep] - self.x_mean) / self.x_std
        return np.clip(xs, -8.0, 8.0)

    def outlying(self, x: np.ndarray) -> dict[str, float]:
        """How far ``x`` lies from the bank: largest |z| of its features, and the share of
        features outside ±3 standard deviations (a misspecification warning)."""
        z = np.abs((np.atleast_2d(x)[:, self.keep] - self.x_mean) / self.x_std)[0]
        return {"max_abs_z": float(z.max()) if z.size else 0.0,
                "share_beyond_3sd": float((z > 3).mean()) if z.size else 0.0}

    def sample_unit(self, x: np.ndarray, n: int, seed: int) -> np.ndarray:
        """``n`` draws [n, d] of the unit-cube point given summaries ``x`` [F]."""
        with _torch_single_thread(seed) as torch:
            xt = torch.as_tensor(self.scale(x), dtype=torch.float32)
            z = self.posterior.sample((n,), x=xt, show_progress_bars=False)
        return _sigmoid(z.double().numpy())

    def log_prob_unit(self, u: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Log density of the posterior given ``x`` at unit-cube points ``u`` [n, d] (on the
        network's logit scale)."""
        with _torch_single_thread(0) as torch:
            xt = torch.as_tensor(self.scale(x), dtype=torch.float32)
            zt = torch.as_tensor(_logit(np.atleast_2d(u)), dtype=torch.float32)
            lp = self.posterior.log_prob(zt, x=xt)
        return np.asarray(lp.detach().double().numpy())

    def sample_unit_batched(self, xs: np.ndarray, n: int, seed: int) -> np.ndarray:
        """``n`` draws for each row of ``xs`` [B, F]: [n, B, d]."""
        with _torch_single_thread(seed) as torch:
            xt = torch.as_tensor(self.scale(xs), dtype=torch.float32)
            z = self.posterior.sample_batched((n,), x=xt, show_progress_bars=False)
        return _sigmoid(z.double().numpy())


def train_npe(u: np.ndarray, x: np.ndarray, names: list[str], config: NPEConfig
              ) -> TrainedNPE:
    """Train NPE on unit-cube draws ``u`` [n, d] and summaries ``x`` [n, F] (rows with a
    non-finite summary are left out)."""
    import time

    require_sbi()
    from sbi.inference import NPE
    from sbi.neural_nets import posterior_nn

    t0 = time.perf_counter()
    ok = np.isfinite(x).all(axis=1) & np.isfinite(u).all(axis=1)
    u, x = u[ok], x[ok]
    if len(u) < 20:
        raise UserError(f"NPE needs at least 20 usable simulations, got {len(u)}")
    std = x.std(axis=0)
    keep = std > 1e-6
    if not keep.any():
        raise UserError("no summary varies over the simulations: nothing to learn from")
    mean = x[:, keep].mean(axis=0)
    sd = std[keep]
    xs = np.clip((x[:, keep] - mean) / sd, -8.0, 8.0)
    z = _logit(u)
    with _torch_single_thread(config.train_seed) as torch, warnings.catch_warnings():
        # sbi warns that the logistic prior has no closed-form mean (it estimates it) and
        # when max_epochs stops training: the epochs are recorded in TrainedNPE instead
        warnings.simplefilter("ignore", UserWarning)
        est = posterior_nn(model=config.estimator, hidden_features=config.hidden,
                           num_transforms=config.transforms, z_score_x="none",
                           z_score_theta="independent")
        inf = NPE(prior=_logistic_prior(u.shape[1]), density_estimator=est,
                  show_progress_bars=False, tracker=_NoTracker())
        inf.append_simulations(torch.as_tensor(z, dtype=torch.float32),
                               torch.as_tensor(xs, dtype=torch.float32))
        net = inf.train(training_batch_size=config.batch, learning_rate=config.learning_rate,
                        max_num_epochs=config.max_epochs,
                        stop_after_epochs=config.stop_after, show_train_summary=False)
        post = inf.build_posterior(net)
        summ = getattr(inf, "summary", {}) or {}
        vals = summ.get("best_validation_loss") or summ.get("validation_loss") or [math.nan]
        epochs = int((summ.get("epochs_trained") or [0])[-1])
    return TrainedNPE(post, list(names), mean, sd, keep, epochs, float(vals[-1]), len(u),
                      round(time.perf_counter() - t0, 2))


def save_trained(obj: TrainedNPE, path: Path) -> None:
    """Write ``obj`` (pickle through torch's serialiser) atomically."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp, pickle_protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def load_trained(path: Path) -> TrainedNPE | None:
    """A cached trained posterior, or ``None`` if absent or unreadable."""
    import torch

    if not path.is_file():
        return None
    try:
        obj = torch.load(path, weights_only=False)
    except Exception:  # a cache file from another version: retrain
        return None
    return obj if isinstance(obj, TrainedNPE) else None
