"""Parameter spaces: named free parameters with priors, mapped onto scenario keys.

A :class:`Param` names one number of a scenario by a dotted ``path``. Path segments walk
mappings by key; a segment that meets a *list of mappings* picks the element whose ``name``
equals the segment (so ``demand.shocks.haiti-tps-2017.multiplier`` is the multiplier of the
shock named ``haiti-tps-2017``).

>>> p = Param("stay", "choice.asc_stay", 0.0, 4.0)
>>> space = ParameterSpace((p,))
>>> space.apply({"choice": {"asc_stay": 2.0, "asc": {}}}, {"stay": 1.5})
{'choice': {'asc_stay': 1.5, 'asc': {}}}
>>> space.from_unit([0.5])
{'stay': 2.0}
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from roxham.errors import UserError

__all__ = ["Param", "ParameterSpace", "get_path", "set_path"]

Prior = Literal["uniform", "loguniform", "int"]


@dataclass(frozen=True)
class Param:
    """One free parameter: ``name``, scenario ``path``, prior bounds ``[low, high]``.

    ``prior``: ``uniform`` (flat on [low, high]), ``loguniform`` (flat in log), ``int``
    (integers low..high, flat). ``hand`` is the hand-tuned value (for reports), ``doc`` says
    what it is and why its range.
    """

    name: str
    path: str
    low: float
    high: float
    prior: Prior = "uniform"
    hand: float | None = None
    doc: str = ""

    def __post_init__(self) -> None:
        if not self.high > self.low:
            raise ValueError(f"parameter {self.name}: high must be > low")
        if self.prior == "loguniform" and self.low <= 0:
            raise ValueError(f"parameter {self.name}: loguniform needs low > 0")

    def to_unit(self, v: float) -> float:
        """Inverse of :meth:`from_unit` (an integer maps to the middle of its cell).

        >>> p = Param("a", "x", 1.0, 100.0, "loguniform")
        >>> p.to_unit(10.0)
        0.5
        >>> q = Param("k", "x", 0, 3, "int")
        >>> q.from_unit(q.to_unit(2.0))
        2.0
        """
        if self.prior == "loguniform":
            u = math.log(float(v) / self.low) / math.log(self.high / self.low)
        elif self.prior == "int":
            u = (float(v) - self.low + 0.5) / (self.high - self.low + 1)
        else:
            u = (float(v) - self.low) / (self.high - self.low)
        return min(max(u, 0.0), 1.0)

    def from_unit(self, u: float) -> float:
        """Map ``u`` in [0, 1] to the parameter's scale (the prior's quantile function).

        >>> Param("a", "x", 1.0, 100.0, "loguniform").from_unit(0.5)
        10.0
        """
        u = min(max(float(u), 0.0), 1.0)
        if self.prior == "loguniform":
            return float(round(math.exp(math.log(self.low) + u * math.log(self.high / self.low)),
                               12))
        if self.prior == "int":
            return float(min(int(self.low + u * (self.high - self.low + 1)), int(self.high)))
        return self.low + u * (self.high - self.low)


def _walk(node: Any, seg: str, path: str) -> Any:
    if isinstance(node, dict):
        if seg not in node:
            raise UserError(f"parameter path {path!r}: no key {seg!r}")
        return node[seg]
    if isinstance(node, list):
        for el in node:
            if isinstance(el, dict) and el.get("name") == seg:
                return el
        raise UserError(f"parameter path {path!r}: no list element named {seg!r}")
    raise UserError(f"parameter path {path!r}: {seg!r} is not inside a mapping or list")


def get_path(data: Mapping[str, Any], path: str) -> Any:
    """Value at dotted ``path`` of a nested mapping.

    >>> get_path({"a": [{"name": "x", "m": 2}]}, "a.x.m")
    2
    """
    node: Any = data
    for seg in path.split("."):
        node = _walk(node, seg, path)
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at dotted ``path`` in place (the key must exist, except a last key
    inside a mapping, e.g. a new ``choice.asc`` entry)."""
    segs = path.split(".")
    node: Any = data
    for seg in segs[:-1]:
        node = _walk(node, seg, path)
    if not isinstance(node, dict):
        raise UserError(f"parameter path {path!r}: parent is not a mapping")
    node[segs[-1]] = value


@dataclass(frozen=True)
class ParameterSpace:
    """An ordered set of :class:`Param`."""

    params: tuple[Param, ...]
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError("parameter names must be unique")
        self._index.update({n: i for i, n in enumerate(names)})

    @property
    def names(self) -> list[str]:
        """Parameter names, in order."""
        return [p.name for p in self.params]

    def __len__(self) -> int:
        return len(self.params)

    def __getitem__(self, name: str) -> Param:
        return self.params[self._index[name]]

    def subset(self, names: Sequence[str]) -> ParameterSpace:
        """The space restricted to ``names`` (in the given order)."""
        unknown = [n for n in names if n not in self._index]
        if unknown:
            raise UserError(f"unknown parameter {unknown[0]!r}; known: {', '.join(self.names)}")
        return ParameterSpace(tuple(self[n] for n in names))

    def to_unit(self, values: Mapping[str, float]) -> list[float]:
        """Map parameter values to a point of the unit cube (inverse of :meth:`from_unit`)."""
        return [p.to_unit(values[p.name]) for p in self.params]

    def from_unit(self, u: Sequence[float]) -> dict[str, float]:
        """Map a point of the unit cube to parameter values."""
        return {p.name: p.from_unit(x) for p, x in zip(self.params, u, strict=True)}

    def sample_prior(self, n: int, seed: int) -> list[dict[str, float]]:
        """``n`` independent draws from the prior (reproducible by ``seed``)."""
        rng = np.random.default_rng(seed)
        return [self.from_unit(rng.random(len(self)).tolist()) for _ in range(n)]

    def with_hand(self, values: Mapping[str, float]) -> ParameterSpace:
        """The space with ``hand`` values replaced (e.g. read from the current base scenario);
        a value outside its prior widens the prior to hold it.

        >>> sp = ParameterSpace((Param("a", "a", 0.0, 1.0, hand=0.5),)).with_hand({"a": 2.0})
        >>> sp["a"].hand, sp["a"].high
        (2.0, 2.0)
        """
        out = []
        for p in self.params:
            if p.name in values:
                v = float(values[p.name])
                out.append(dataclasses.replace(p, hand=v, low=min(p.low, v),
                                               high=max(p.high, v)))
            else:
                out.append(p)
        return ParameterSpace(tuple(out))

    def hand_values(self) -> dict[str, float]:
        """The hand-tuned values of the parameters that have one."""
        return {p.name: float(p.hand) for p in self.params if p.hand is not None}

    def apply(self, base: Mapping[str, Any], values: Mapping[str, float]) -> dict[str, Any]:
        """A deep copy of ``base`` with ``values`` written at their parameters' paths
        (``int`` parameters written as int)."""
        out = copy.deepcopy(dict(base))
        for name, v in values.items():
            if name not in self._index:
                raise UserError(f"unknown parameter {name!r}; known: {', '.join(self.names)}")
            p = self[name]
            set_path(out, p.path, round(v) if p.prior == "int" else float(v))
        return out

    def to_json(self) -> list[dict[str, Any]]:
        """The space as plain data (written into parameter files)."""
        return [
            {"name": p.name, "path": p.path, "prior": p.prior, "low": p.low, "high": p.high,
             "hand": p.hand, "doc": p.doc}
            for p in self.params
        ]
