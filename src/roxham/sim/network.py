"""The location graph: typed locations, directed links in CSR form, and the route options.

A :class:`Network` is immutable structure (names, kinds, link ends, lengths) plus the *open*
masks that the policy timeline flips (:attr:`Simulation.loc_open`, :attr:`Simulation.link_open`
live on the simulation, not here, so one network can serve many runs).

Links are stored sorted by their start location, so the links leaving location ``l`` are
``out_ptr[l]:out_ptr[l + 1]`` (CSR). An **option** is what an agent at a location can choose:
a path of one or more links (:class:`Options`). With ``Options.from_links`` (the default) the
options of a location are exactly its outgoing links; ``Options.from_paths(max_hops=2)`` gives
Flee's "awareness level" 2 (all loop-free paths of one or two links).

>>> net = Network.build(
...     [("A", "origin"), ("B", "hub"), ("C", "destination")],
...     [("A", "B", 10.0), ("B", "C", 20.0), ("A", "C", 50.0)],
... )
>>> net.n_locations, net.n_links
(3, 3)
>>> [net.link_name(k) for k in net.links_from("A")]
['A->B', 'A->C']
>>> opts = Options.from_paths(net, max_hops=2)
>>> [opts.describe(o, net) for o in opts.options_at(net.index("A"))]
['A->B', 'A->C', 'A->B->C']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from roxham.errors import UserError

__all__ = ["ArrivalAction", "LocationKind", "Network", "Options"]


class LocationKind(IntEnum):
    """What a location is. Models may attach further meaning through :attr:`Network.attrs`."""

    ORIGIN = 0
    HUB = 1
    IRREGULAR_CROSSING = 2
    PORT_OF_ENTRY = 3
    AIRPORT = 4
    INLAND_OFFICE = 5
    DESTINATION = 6
    OUTSIDE_OPTION = 7
    SINK = 8
    TOWN = 9
    CAMP = 10
    CONFLICT_ZONE = 11

    @classmethod
    def parse(cls, value: str | int | LocationKind) -> LocationKind:
        """``"irregular_crossing"``, ``"IRREGULAR_CROSSING"``, 2 or the member itself."""
        if isinstance(value, LocationKind):
            return value
        if isinstance(value, int):
            return cls(value)
        key = str(value).strip().upper().replace("-", "_").replace(" ", "_")
        try:
            return cls[key]
        except KeyError:
            names = ", ".join(m.name.lower() for m in cls)
            raise UserError(f"unknown location kind {value!r} (expected one of: {names})") from None


class ArrivalAction(IntEnum):
    """What happens to an agent when it arrives at (or passes through) a location."""

    NONE = 0
    #: irregular crossing: intercepted with the location's probability (then claims), else evades
    CROSSING = 1
    #: the agent claims here; the law oracle decides (referred to a queue, or returned)
    CLAIM = 2
    #: the agent stops here for good (state SETTLED): sinks, the outside option
    ABSORB = 3


#: Default arrival action of each location kind.
DEFAULT_ACTION: dict[LocationKind, ArrivalAction] = {
    LocationKind.IRREGULAR_CROSSING: ArrivalAction.CROSSING,
    LocationKind.PORT_OF_ENTRY: ArrivalAction.CLAIM,
    LocationKind.AIRPORT: ArrivalAction.CLAIM,
    LocationKind.INLAND_OFFICE: ArrivalAction.CLAIM,
    LocationKind.OUTSIDE_OPTION: ArrivalAction.ABSORB,
    LocationKind.SINK: ArrivalAction.ABSORB,
}

LocationSpec = tuple[str, str | int | LocationKind] | tuple[str, str | int | LocationKind, Mapping]
LinkSpec = tuple[str, str, float] | tuple[str, str, float, Mapping]


@dataclass(frozen=True, eq=False)
class Network:
    """Typed locations and directed links (CSR by start location).

    Attributes:
        names: location names (unique).
        kind: ``int8[n_locations]``, a :class:`LocationKind` per location.
        action: ``int8[n_locations]``, an :class:`ArrivalAction` per location.
        attrs: per-location numeric attributes (``float64[n_locations]`` each), free for models
            (e.g. ``"population"``, ``"capacity"``, ``"interception"``).
        labels: per-location text attributes (``tuple[str | None, ...]`` each), e.g.
            ``"province"``, ``"place"`` (the claim place the law oracle is asked about; by
            default ``between_ports``, ``land_poe``, ``airport``, ``inland`` from the kind) and
            ``"return_to"`` (where a returned claimant is sent).
        link_src, link_dst: ``int32[n_links]``, sorted by ``link_src``.
        link_km: ``float32[n_links]``, length (km; or days when the speed is 1 per day).
        link_speed: ``float32[n_links]``, speed on that link in km/day; 0 = the run's default.
        out_ptr: ``int32[n_locations + 1]``, CSR pointer: links of ``l`` are
            ``out_ptr[l]:out_ptr[l+1]``.
        link_attrs: per-link numeric attributes (``float64[n_links]`` each).
    """

    names: tuple[str, ...]
    kind: npt.NDArray[np.int8]
    action: npt.NDArray[np.int8]
    link_src: npt.NDArray[np.int32]
    link_dst: npt.NDArray[np.int32]
    link_km: npt.NDArray[np.float32]
    link_speed: npt.NDArray[np.float32]
    out_ptr: npt.NDArray[np.int32]
    attrs: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    link_attrs: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    labels: dict[str, tuple[str | None, ...]] = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def build(
        cls,
        locations: Sequence[LocationSpec],
        links: Iterable[LinkSpec],
        *,
        two_way: bool = False,
    ) -> Network:
        """Build from ``(name, kind[, attrs])`` and ``(from, to, km[, attrs])`` tuples.

        Location attrs may hold ``action`` (an :class:`ArrivalAction` name), numbers (in
        :attr:`attrs`) and strings (in :attr:`labels`).
        Link attrs may hold ``speed`` (km/day) and numbers. ``two_way=True`` adds the
        reverse of every link (Flee's routes.csv semantics).

        Raises :class:`UserError` for duplicate names, unknown link ends, negative lengths.
        """
        names: list[str] = []
        index: dict[str, int] = {}
        kinds: list[int] = []
        actions: list[int] = []
        loc_attr_rows: list[Mapping] = []
        for i, spec in enumerate(locations):
            name, kind_v = str(spec[0]), spec[1]
            extra: Mapping = spec[2] if len(spec) > 2 else {}
            if name in index:
                raise UserError(
                    f"location {name!r} is defined twice (entries {index[name]} and {i})"
                )
            kind = LocationKind.parse(kind_v)
            index[name] = i
            names.append(name)
            kinds.append(int(kind))
            act = extra.get("action")
            if act is None:
                actions.append(int(DEFAULT_ACTION.get(kind, ArrivalAction.NONE)))
            else:
                try:
                    actions.append(int(ArrivalAction[str(act).upper()]))
                except KeyError:
                    raise UserError(
                        f"location {name!r}: unknown action {act!r} "
                        f"(expected one of: {', '.join(a.name.lower() for a in ArrivalAction)})"
                    ) from None
            loc_attr_rows.append({k: v for k, v in extra.items() if k != "action"})
        n = len(names)
        attr_keys = sorted({k for row in loc_attr_rows for k in row})
        text_keys = {
            k for row in loc_attr_rows for k, v in row.items() if isinstance(v, str) or v is None
        }
        attrs = {
            k: np.array([float(row.get(k, np.nan)) for row in loc_attr_rows], dtype=np.float64)
            for k in attr_keys
            if k not in text_keys
        }
        labels: dict[str, tuple[str | None, ...]] = {
            k: tuple(None if row.get(k) is None else str(row.get(k)) for row in loc_attr_rows)
            for k in sorted(text_keys)
        }
        src: list[int] = []
        dst: list[int] = []
        km: list[float] = []
        speed: list[float] = []
        link_rows: list[Mapping] = []
        for j, lk in enumerate(links):
            a, b, length = str(lk[0]), str(lk[1]), float(lk[2])
            extra_l: Mapping = lk[3] if len(lk) > 3 else {}
            for end in (a, b):
                if end not in index:
                    raise UserError(f"link {j} ({a} -> {b}): unknown location {end!r}")
            if not np.isfinite(length) or length < 0 or length > 1e12:
                raise UserError(f"link {j} ({a} -> {b}): length must be in [0, 1e12], got {length}")
            sp = float(extra_l.get("speed", 0.0))
            if not np.isfinite(sp) or sp < 0 or sp > 1e12:
                raise UserError(f"link {j} ({a} -> {b}): speed must be in [0, 1e12], got {sp}")
            pairs = [(a, b), (b, a)] if two_way else [(a, b)]
            for s, d in pairs:
                src.append(index[s])
                dst.append(index[d])
                km.append(length)
                speed.append(float(extra_l.get("speed", 0.0)))
                link_rows.append({k: v for k, v in extra_l.items() if k != "speed"})
        order = np.argsort(np.asarray(src, dtype=np.int64), kind="stable")
        link_src = np.asarray(src, dtype=np.int32)[order]
        link_dst = np.asarray(dst, dtype=np.int32)[order]
        out_ptr = np.zeros(n + 1, dtype=np.int32)
        np.add.at(out_ptr, link_src.astype(np.int64) + 1, 1)
        out_ptr = np.cumsum(out_ptr).astype(np.int32)
        link_keys = sorted({k for row in link_rows for k in row})
        link_attrs = {
            k: np.array([float(link_rows[o].get(k, np.nan)) for o in order], dtype=np.float64)
            for k in link_keys
        }
        return cls(
            names=tuple(names),
            kind=np.asarray(kinds, dtype=np.int8),
            action=np.asarray(actions, dtype=np.int8),
            link_src=link_src,
            link_dst=link_dst,
            link_km=np.asarray(km, dtype=np.float32)[order],
            link_speed=np.asarray(speed, dtype=np.float32)[order],
            out_ptr=out_ptr,
            attrs=attrs,
            link_attrs=link_attrs,
            _index=index,
            labels=labels,
        )

    # ------------------------------------------------------------------ queries
    @property
    def n_locations(self) -> int:
        """Number of locations."""
        return len(self.names)

    @property
    def n_links(self) -> int:
        """Number of directed links."""
        return len(self.link_src)

    def index(self, name: str) -> int:
        """Index of a location by name; :class:`UserError` naming it if unknown."""
        try:
            return self._index[name]
        except KeyError:
            raise UserError(f"unknown location {name!r}") from None

    def has(self, name: str) -> bool:
        """Whether a location of that name exists."""
        return name in self._index

    def links_from(self, name_or_index: str | int) -> range:
        """Indices of the links leaving a location."""
        i = self.index(name_or_index) if isinstance(name_or_index, str) else int(name_or_index)
        return range(int(self.out_ptr[i]), int(self.out_ptr[i + 1]))

    def link_index(self, src: str, dst: str) -> int:
        """Index of the link ``src -> dst``; :class:`UserError` if there is none."""
        s, d = self.index(src), self.index(dst)
        for k in self.links_from(s):
            if int(self.link_dst[k]) == d:
                return k
        raise UserError(f"there is no link {src} -> {dst}")

    def link_name(self, k: int) -> str:
        """``"A->B"`` for link ``k``."""
        return f"{self.names[int(self.link_src[k])]}->{self.names[int(self.link_dst[k])]}"

    def label(self, key: str, i: int) -> str | None:
        """Text attribute ``key`` of location ``i`` (None if not set)."""
        col = self.labels.get(key)
        return None if col is None else col[i]

    def locations_of_kind(self, kind: LocationKind | str) -> npt.NDArray[np.int64]:
        """Indices of the locations of a kind."""
        return np.flatnonzero(self.kind == int(LocationKind.parse(kind)))


@dataclass(frozen=True, eq=False)
class Options:
    """What agents can choose at each location: paths of links, in CSR form.

    Attributes:
        opt_ptr: ``int32[n_locations + 1]``: the options of location ``l`` are
            ``opt_ptr[l]:opt_ptr[l+1]`` (global option indices).
        path_ptr: ``int32[n_options + 1]``: option ``o`` is the link sequence
            ``path_links[path_ptr[o]:path_ptr[o+1]]``.
        path_links: ``int32``: link indices.
        dest: ``int32[n_options]``: the final location of each option.
        km: ``float64[n_options]``: total length of each option.
        origin: ``int32[n_options]``: the location where the option starts.
    """

    opt_ptr: npt.NDArray[np.int32]
    path_ptr: npt.NDArray[np.int32]
    path_links: npt.NDArray[np.int32]
    dest: npt.NDArray[np.int32]
    km: npt.NDArray[np.float64]
    origin: npt.NDArray[np.int32]

    @property
    def n_options(self) -> int:
        """Total number of options over all locations."""
        return len(self.dest)

    def options_at(self, loc: int) -> range:
        """Global indices of the options of location ``loc``."""
        return range(int(self.opt_ptr[loc]), int(self.opt_ptr[loc + 1]))

    def links_of(self, o: int) -> npt.NDArray[np.int32]:
        """Link indices of option ``o``."""
        return self.path_links[self.path_ptr[o] : self.path_ptr[o + 1]]

    def describe(self, o: int, net: Network) -> str:
        """``"A->B->C"`` for option ``o``."""
        links = self.links_of(o)
        names = [net.names[int(net.link_src[links[0]])]]
        names += [net.names[int(net.link_dst[k])] for k in links]
        return "->".join(names)

    def available(
        self, link_open: npt.NDArray[np.bool_], loc_open: npt.NDArray[np.bool_], net: Network
    ) -> npt.NDArray[np.bool_]:
        """``bool[n_options]``: every link of the path is open and every location after the
        start is open. The engine forces the probability of unavailable options to 0."""
        lk_ok = link_open[self.path_links] & loc_open[net.link_dst[self.path_links]]
        bad = np.zeros(self.n_options, dtype=np.int64)
        owner = np.repeat(np.arange(self.n_options), np.diff(self.path_ptr))
        np.add.at(bad, owner, (~lk_ok).astype(np.int64))
        return bad == 0

    @classmethod
    def from_links(cls, net: Network) -> Options:
        """One option per outgoing link (Flee awareness 1)."""
        return cls.from_paths(net, max_hops=1)

    @classmethod
    def from_paths(
        cls,
        net: Network,
        max_hops: int = 1,
        *,
        pass_through: npt.NDArray[np.bool_] | None = None,
    ) -> Options:
        """All loop-free paths of 1..``max_hops`` links from each location.

        ``pass_through[l]`` marks locations that do not count as a hop and are never a
        destination (Flee's "marker" locations): paths continue through them.
        """
        if max_hops < 1:
            raise UserError(f"max_hops must be >= 1, got {max_hops}")
        n = net.n_locations
        marker = np.zeros(n, dtype=bool) if pass_through is None else np.asarray(pass_through)
        paths: list[list[int]] = []
        ptr = [0]
        for start in range(n):

            def extend(loc: int, links: list[int], hops: int, seen: set[int]) -> None:
                for k in range(int(net.out_ptr[loc]), int(net.out_ptr[loc + 1])):
                    d = int(net.link_dst[k])
                    if d in seen:
                        continue
                    new = [*links, k]
                    if marker[d]:
                        extend(d, new, hops, seen | {d})  # markers do not count as a hop
                        continue
                    paths.append(new)
                    if hops + 1 < max_hops:
                        extend(d, new, hops + 1, seen | {d})

            before = len(paths)
            extend(start, [], 0, {start})
            # shorter paths first, stable within equal length (options of awareness 1 first)
            seg = sorted(paths[before:], key=len)
            paths[before:] = seg
            ptr.append(len(paths))
        path_ptr = np.zeros(len(paths) + 1, dtype=np.int32)
        path_ptr[1:] = np.cumsum([len(p) for p in paths], dtype=np.int64)
        flat = np.asarray([k for p in paths for k in p], dtype=np.int32)
        dest = np.asarray([int(net.link_dst[p[-1]]) for p in paths], dtype=np.int32)
        km = np.asarray([float(net.link_km[p].sum()) for p in paths], dtype=np.float64)
        origin = np.asarray([int(net.link_src[p[0]]) for p in paths], dtype=np.int32)
        return cls(
            opt_ptr=np.asarray(ptr, dtype=np.int32),
            path_ptr=path_ptr,
            path_links=flat,
            dest=dest,
            km=km,
            origin=origin,
        )
