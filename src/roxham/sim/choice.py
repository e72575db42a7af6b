"""Choice: probability tables and the multinomial logit.

Each day the model gives the engine a table ``prob[g, o]``: the probability that an agent of
choice group ``g`` standing at the start of option ``o`` takes option ``o`` today. Over the
options of one location a row sums to at most 1; the rest is the probability of staying put
(so Flee's "move chance × route weights" and a logit with a "stay" alternative both fit). The
engine zeroes unavailable options (a closed link or location on the path) and turns the table
into cumulative probabilities per location (:func:`cumulative_by_location`); the compiled
kernel then draws one uniform per deciding agent and scans its location's few options.

>>> import numpy as np
>>> u = np.log(np.array([[1.0, 2.0, 2.0]]))          # utilities of 3 options at one place
>>> p = logit(u, segments=np.array([0, 3]))
>>> np.round(p, 3).tolist()
[[0.2, 0.4, 0.4]]
>>> p = logit(u, segments=np.array([0, 3]), stay_utility=np.array([[0.0]]))
>>> np.round(p, 3).tolist()                              # the rest (1/6) is "stay"
[[0.167, 0.333, 0.333]]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "ChoiceModel",
    "DayContext",
    "FixedChoice",
    "LogitChoice",
    "cumulative_by_location",
    "logit",
    "weights_to_probabilities",
]


@dataclass
class DayContext:
    """What a choice model sees on a day (read it, do not modify it).

    Attributes:
        day: day index from the start of the period (0-based); ``date`` its calendar date.
        network, options: the run's :class:`~roxham.sim.network.Network` and
            :class:`~roxham.sim.network.Options`.
        available: ``bool[n_options]``, every link and location on the path is open today.
        loc_count: ``int64[n_locations]``, agents at each location now (start of the day,
            before today's spawning).
        params: the run's parameters as of today (``set_parameter`` events applied).
        group_cohort, group_profile: ``int[n_groups]``, the cohort and fact profile of each
            choice group.
        perceived_success: ``float64[n_profiles, n_options]``, 1.0 where a claim at the
            option's first claim place would be referred under the law as the agent perceives
            it (the law of ``info_lag_days`` ago), 0.0 where it would be returned, and
            ``no_claim_value`` (default 0) for options with no claim place on the path.
        option_place: ``int[n_options]``, the claim place index of each option, -1 if none.
        places: the claim places (index → name) of ``option_place`` and
            ``perceived_referred``.
        perceived_referred: ``bool[n_places, n_profiles]``, the law as the agents perceive it
            today (the engine's law-table row of ``day − info_lag_days``): True where a claim
            at that place by that profile would be referred. The row ``perceived_success``
            is built from; a model that weighs places its own way reads it here (a choice
            model needs no handle on the simulation).
        versions: ``(available, perceived)`` counters that change whenever ``available`` or
            ``perceived_success``/``perceived_referred`` change (for caching; ``(-1, -1)`` =
            unknown).
    """

    day: int
    date: dt.date
    network: Any
    options: Any
    available: npt.NDArray[np.bool_]
    loc_count: npt.NDArray[np.int64]
    params: Mapping[str, Any]
    group_cohort: npt.NDArray[np.int32]
    group_profile: npt.NDArray[np.int32]
    perceived_success: npt.NDArray[np.float64]
    option_place: npt.NDArray[np.int32]
    extra: dict[str, Any] = field(default_factory=dict)
    versions: tuple[int, int] = (-1, -1)
    places: tuple[str, ...] = ()
    perceived_referred: npt.NDArray[np.bool_] = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.bool_)
    )


@runtime_checkable
class ChoiceModel(Protocol):
    """Gives the engine ``prob[g, o]`` each day (see the module docstring).

    ``probabilities`` may return the same array object as the day before to say "unchanged"
    (the engine then skips rebuilding its lookup table).

    A model whose table depends only on the day, the parameters, ``available`` and the
    perceived law (never on ``loc_count`` or ``extra["state"]``, the run's state) may say so
    with a class attribute ``reads_run_state = False``: the engine then asks it about the
    following days before running them and runs the days with the same table in one kernel
    call (same results, less per-day overhead). Without the attribute the engine assumes the
    model reads the run state. Such a model may also have a method ``next_change(ctx) ->
    int``: the first day after ``ctx.day`` on which its table may differ while ``available``
    and the perceived law stay as they are (the engine does not ask it before then).
    """

    def probabilities(self, ctx: DayContext) -> npt.NDArray[np.float64]:
        """``float64[n_groups, n_options]``; per location a row sums to <= 1."""
        ...


class FixedChoice:
    """The same probabilities every day (``[n_options]`` or ``[n_groups, n_options]``).

    >>> FixedChoice(np.array([0.5, 0.5])).table.shape
    (1, 2)
    """

    #: the table never depends on the run's state (see :class:`ChoiceModel`)
    reads_run_state = False

    def __init__(self, prob: npt.ArrayLike) -> None:
        p = np.asarray(prob, dtype=np.float64)
        self.table = p[None, :] if p.ndim == 1 else p

    def probabilities(self, ctx: DayContext) -> npt.NDArray[np.float64]:
        """The fixed table, broadcast to every group."""
        n_groups = len(ctx.group_cohort)
        if self.table.shape[0] == n_groups:
            return self.table
        if self.table.shape[0] != 1:
            raise ValueError(f"FixedChoice has {self.table.shape[0]} rows for {n_groups} groups")
        self.table = np.repeat(self.table, n_groups, axis=0)
        return self.table


Feature = npt.ArrayLike | Callable[[DayContext], npt.ArrayLike]


class LogitChoice:
    """Multinomial logit over each location's options, with a "stay" alternative.

    Utility of option ``o`` for group ``g``::

        u[g, o] = asc[o] + sum_k beta_k * x_k[g or -, o] + beta_law * perceived_success[f(g), o]

    and staying has utility ``stay_utility`` (a number, or ``[n_locations]``; None = no stay
    alternative: somebody moves every day). Features ``x_k`` are arrays ``[n_options]`` or
    ``[n_groups, n_options]``, or callables ``ctx -> array`` (e.g. a seasonal risk); the
    built-in feature ``"km"`` is the path length. A parameter named ``"beta.<feature>"``
    (``"beta.law"``, ``"beta.km"``) in ``ctx.params`` overrides a coefficient, so
    ``set_parameter`` events and calibration can change it.

    >>> ch = LogitChoice({"km": -0.01}, law=2.0, stay_utility=0.0)
    >>> ch.coefficients
    {'km': -0.01, 'law': 2.0}
    """

    def __init__(
        self,
        coefficients: Mapping[str, float] | None = None,
        *,
        features: Mapping[str, Feature] | None = None,
        law: float = 0.0,
        asc: npt.ArrayLike | None = None,
        stay_utility: float | npt.ArrayLike | None = 0.0,
    ) -> None:
        self.coefficients: dict[str, float] = {**dict(coefficients or {}), "law": float(law)}
        self.features: dict[str, Feature] = dict(features or {})
        self.asc = None if asc is None else np.asarray(asc, dtype=np.float64)
        self.stay_utility = stay_utility
        self._last_key: tuple[Any, ...] | None = None
        self._last: npt.NDArray[np.float64] | None = None

    def _feature(self, name: str, ctx: DayContext) -> npt.NDArray[np.float64]:
        if name in self.features:
            f = self.features[name]
            val = f(ctx) if callable(f) else f
            return np.asarray(val, dtype=np.float64)
        if name == "km":
            return np.asarray(ctx.options.km, dtype=np.float64)
        raise KeyError(f"LogitChoice: unknown feature {name!r}")

    def probabilities(self, ctx: DayContext) -> npt.NDArray[np.float64]:
        """The logit table of the day (cached while nothing it depends on changes)."""
        coefs = {k: float(ctx.params.get(f"beta.{k}", v)) for k, v in self.coefficients.items()}
        dynamic = any(callable(f) for f in self.features.values())
        av, pv = ctx.versions
        key = (
            tuple(sorted(coefs.items())),
            ctx.available.tobytes() if av < 0 else av,
            (ctx.perceived_success.tobytes() if pv < 0 else pv) if coefs["law"] != 0.0 else 0,
        )
        if not dynamic and key == self._last_key and self._last is not None:
            return self._last
        n_g = len(ctx.group_cohort)
        n_o = ctx.options.n_options
        u = np.zeros((n_g, n_o))
        if self.asc is not None:
            u += self.asc
        for name, beta in coefs.items():
            if name == "law" or beta == 0.0:
                continue
            u += beta * self._feature(name, ctx)
        if coefs["law"] != 0.0:
            u += coefs["law"] * ctx.perceived_success[ctx.group_profile]
        stay = None
        if self.stay_utility is not None:
            n_loc = ctx.network.n_locations
            s = np.broadcast_to(np.asarray(self.stay_utility, dtype=np.float64), (n_loc,))
            stay = np.broadcast_to(s, (n_g, n_loc))
        p = logit(u, ctx.options.opt_ptr, available=ctx.available, stay_utility=stay)
        self._last_key = key
        self._last = p
        return p


def logit(
    utility: npt.NDArray[np.floating],
    segments: npt.NDArray[np.integer],
    *,
    available: npt.NDArray[np.bool_] | None = None,
    stay_utility: npt.NDArray[np.floating] | None = None,
) -> npt.NDArray[np.float64]:
    """Multinomial logit within each location's options.

    Args:
        utility: ``float[n_groups, n_options]``.
        segments: the options' CSR pointer (``Options.opt_ptr``, length ``n_locations + 1``).
        available: ``bool[n_options]`` (or ``[n_groups, n_options]``); unavailable options get
            probability 0 and the others are renormalised.
        stay_utility: ``float[n_groups, n_locations]``, utility of staying put; when given,
            staying is one more alternative of the logit (its share is ``1 - sum(row)``).

    Returns ``float64[n_groups, n_options]``: ``exp(u_o) / (sum_{o' open at l} exp(u_o') +
    exp(u_stay))``. A location whose options are all unavailable gets 0 (everyone stays).
    """
    u = np.asarray(utility, dtype=np.float64)
    if u.ndim != 2:
        raise ValueError("utility must be 2-D (groups × options)")
    seg = np.asarray(segments, dtype=np.int64)
    n_loc = len(seg) - 1
    n_opt = u.shape[1]
    if seg[-1] != n_opt:
        raise ValueError(f"segments end at {seg[-1]} but there are {n_opt} options")
    counts = np.diff(seg)
    owner = np.repeat(np.arange(n_loc), counts)
    avail = np.ones((1, n_opt), dtype=bool) if available is None else np.asarray(available)
    if avail.ndim == 1:
        avail = avail[None, :]
    # stabilise: subtract the max per (group, location) including "stay"
    masked = np.where(avail, u, -np.inf)
    seg_max = np.full((u.shape[0], n_loc), -np.inf)
    if n_opt:
        np.maximum.at(seg_max.T, owner, masked.T)
    if stay_utility is not None:
        s = np.asarray(stay_utility, dtype=np.float64)
        seg_max = np.maximum(seg_max, s)
    seg_max = np.where(np.isfinite(seg_max), seg_max, 0.0)
    e = np.where(avail, np.exp(masked - seg_max[:, owner]), 0.0)
    denom = np.zeros((u.shape[0], n_loc))
    if n_opt:
        np.add.at(denom.T, owner, e.T)
    if stay_utility is not None:
        denom = denom + np.exp(s - seg_max)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(denom[:, owner] > 0, e / denom[:, owner], 0.0)
    return np.asarray(p, dtype=np.float64)


def weights_to_probabilities(
    weights: npt.NDArray[np.floating],
    segments: npt.NDArray[np.integer],
    move_probability: npt.NDArray[np.floating],
    *,
    available: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.float64]:
    """Flee-style choice: move with probability ``move_probability[g, l]`` (or ``[l]``), then
    pick an option with probability proportional to its weight among available options.
    If all available weights at a location are 0 the choice is uniform among them (Flee's
    rule); a location with no available option keeps everyone.

    >>> w = np.array([[1.0, 3.0, 0.0]])
    >>> weights_to_probabilities(w, np.array([0, 3]), np.array([0.5])).tolist()
    [[0.125, 0.375, 0.0]]
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 1:
        w = w[None, :]
    seg = np.asarray(segments, dtype=np.int64)
    n_loc = len(seg) - 1
    owner = np.repeat(np.arange(n_loc), np.diff(seg))
    avail = np.ones((1, w.shape[1]), dtype=bool) if available is None else np.asarray(available)
    if avail.ndim == 1:
        avail = avail[None, :]
    w = np.where(avail, np.maximum(w, 0.0), 0.0)
    total = np.zeros((w.shape[0], n_loc))
    np.add.at(total.T, owner, w.T)
    n_avail = np.zeros((avail.shape[0], n_loc))
    np.add.at(n_avail.T, owner, avail.T.astype(np.float64))
    uniform = np.where(n_avail[:, owner] > 0, avail / np.maximum(n_avail[:, owner], 1), 0.0)
    share = np.where(total[:, owner] > 0, w / np.where(total > 0, total, 1.0)[:, owner], uniform)
    mp = np.asarray(move_probability, dtype=np.float64)
    if mp.ndim == 1:
        mp = mp[None, :]
    return np.asarray(share * mp[:, owner], dtype=np.float64)


def cumulative_by_location(
    prob: npt.NDArray[np.floating],
    segments: npt.NDArray[np.integer],
    available: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.float64]:
    """Cumulative probabilities within each location's options (the kernel's lookup table).

    Unavailable options get probability 0. Raises ``ValueError`` if a probability is negative
    or not finite, or a row sums to more than 1 (+1e-9) at a location.

    >>> c = cumulative_by_location(np.array([[0.2, 0.3, 0.5, 0.1]]), np.array([0, 2, 4]))
    >>> np.round(c, 12).tolist()
    [[0.2, 0.5, 0.5, 0.6]]
    """
    p = np.array(prob, dtype=np.float64, copy=True)
    if p.ndim == 1:
        p = p[None, :]
    if not np.all(np.isfinite(p)) or (p < 0).any():
        raise ValueError("choice probabilities must be finite and >= 0")
    if available is not None:
        p = np.where(available, p, 0.0)
    seg = np.asarray(segments, dtype=np.int64)
    c = np.cumsum(p, axis=1)
    # subtract the cumulative sum before each segment start
    n_loc = len(seg) - 1
    owner = np.repeat(np.arange(n_loc), np.diff(seg))
    before = np.zeros((p.shape[0], n_loc))
    starts = seg[:-1]
    has = starts > 0
    before[:, has] = c[:, starts[has] - 1]
    c = c - before[:, owner]
    if c.size:
        ends = seg[1:] - 1
        nonempty = np.diff(seg) > 0
        tot = c[:, ends[nonempty]]
        if (tot > 1.0 + 1e-9).any():
            raise ValueError("choice probabilities at a location sum to more than 1")
    return np.ascontiguousarray(c)
