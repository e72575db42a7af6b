"""Flee's ``simsetting.yml`` (docs/flee/ALGORITHM.md §8), read into a typed, immutable object.

Every key is optional; missing keys take Flee 3.1's code defaults. Keys Roxham implements are
read; keys of features Roxham does not implement are accepted only at their default value
(anything else is a :class:`UserError` naming the key, so a run never silently ignores a
rule); unknown keys are errors too (Flee ignores them, which hides typos).

Differences from Flee 3.1, on purpose (docs/flee/ALGORITHM.md §10):

* ``spawn_rules.camps_are_sinks`` is accepted as the documented spelling of Flee's
  ``camps_are_sicks`` (either works).
* ``spawn_rules.sum_from_camps`` ([HEAD] key) is honoured; its default here is 3.1's
  ``False`` (spawn from refugees.csv).
* ``move_rules.awareness_level`` 0 (which freezes every agent in Flee) is an error; -1 means 1.

>>> s = FleeSettings.from_mapping({"move_rules": {"awareness_level": 2}})
>>> s.awareness_level, s.max_move_speed, round(s.conflict_weight, 4)
(2, 360.0, 0.3162)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from roxham.errors import UserError

__all__ = ["FleeSettings", "read_settings"]


@dataclass(frozen=True)
class FleeSettings:
    """The subset of Flee's settings that changes Roxham's runs (defaults = Flee 3.1)."""

    # move_rules
    max_move_speed: float = 360.0
    max_walk_speed: float = 35.0
    foreign_weight: float = 1.0
    camp_weight: float = 1.0
    conflict_weight: float = 1.0 / 3.16227766017
    conflict_movechance: float = 1.0
    camp_movechance: float = 0.001
    idpcamp_movechance: float = 0.1
    default_movechance: float = 0.3
    awareness_level: int = 1
    capacity_buffer: float = 0.9
    capacity_scaling: float = 1.0
    avoid_short_stints: bool = False
    start_on_foot: bool = False
    softening: float = 10.0
    weight_softening: float = 0.0
    weight_power: float = 1.0
    distance_power: float = 1.0
    movechance_pop_base: float = 10000.0
    movechance_pop_scale_factor: float = 0.0
    # spawn_rules
    take_from_population: bool = False
    insert_day0: bool = True
    conflict_zone_spawning_only: bool = True
    camps_are_sinks: bool = False
    sum_from_camps: bool = False
    conflict_spawn_decay: tuple[float, ...] | None = None
    conflict_spawn_decay_interval: int = 30
    #: None = spawn from UNHCR totals; else "constant", "pop_ratio" or "poisson"
    conflict_spawn_mode: str | None = None
    displaced_per_conflict_day: float = 500.0
    # optimisations
    hasten: int = 1
    #: keys that were set in the file (for the manifest)
    given: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, where: str = "settings") -> FleeSettings:
        """Build from the parsed YAML mapping; :class:`UserError` names the bad key."""
        return _parse(data or {}, where)

    def replace(self, **changes: Any) -> FleeSettings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


# key -> (field name or None, parser). None = known but not implemented (must stay default).
_MOVE: dict[str, tuple[str | None, Any]] = {
    "max_move_speed": ("max_move_speed", float),
    "max_walk_speed": ("max_walk_speed", float),
    "max_crossing_speed": ("", float),  # read but unused by Flee
    "foreign_weight": ("foreign_weight", float),
    "camp_weight": ("camp_weight", float),
    "conflict_weight": ("conflict_weight", float),
    "conflict_movechance": ("conflict_movechance", float),
    "camp_movechance": ("camp_movechance", float),
    "idpcamp_movechance": ("idpcamp_movechance", float),
    "default_movechance": ("default_movechance", float),
    "awareness_level": ("awareness_level", int),
    "capacity_buffer": ("capacity_buffer", float),
    "capacity_scaling": ("capacity_scaling", float),
    "avoid_short_stints": ("avoid_short_stints", bool),
    "start_on_foot": ("start_on_foot", bool),
    "use_v1_rules": ("", bool),  # expanded below
    "softening": ("softening", float),
    "weight_softening": ("weight_softening", float),
    "weight_power": ("weight_power", float),
    "distance_power": ("distance_power", float),
    "movechance_pop_base": ("movechance_pop_base", float),
    "movechance_pop_scale_factor": ("movechance_pop_scale_factor", float),
    "pruning_threshold": ("", float),  # [HEAD]; 1.0 = off
}
# known Flee keys Roxham does not implement, with the value that means "off"
_MOVE_OFF: dict[str, Any] = {
    "stay_close_to_home": False,
    "home_distance_power": None,  # only used with stay_close_to_home
    "use_pop_for_loc_weight": False,  # a no-op in 3.1 anyway
    "pop_power_for_loc_weight": None,
    "ChildrenAvoidHazards": False,
    "BoysTakeRisk": False,
    "MatchCampEthnicity": False,
    "MatchTownEthnicity": False,
    "MatchConflictEthnicity": False,
    "WomenAvoidHazards": False,
    "ElderlyAvoidHazards": False,
    "MatchCampReligion": False,
    "avg_religion_fraction": None,
    "fixed_routes": False,
    "two_system_decision_making": False,
    "use_economic_pull": False,
    "harvest_months": [],
    "flee_when_starving": False,
    "avoid_food_deprived_locations": False,
    "flood_rules": None,
}
_SPAWN: dict[str, tuple[str | None, Any]] = {
    "take_from_population": ("take_from_population", bool),
    "insert_day0": ("insert_day0", bool),
    "conflict_zone_spawning_only": ("conflict_zone_spawning_only", bool),
    "camps_are_sicks": ("camps_are_sinks", bool),
    "camps_are_sinks": ("camps_are_sinks", bool),
    "sum_from_camps": ("sum_from_camps", bool),
    "conflict_spawn_decay_interval": ("conflict_spawn_decay_interval", int),
}
_SPAWN_OFF: dict[str, Any] = {
    "empty_camps_on_day0": False,
    "flood_zone_spawning_only": False,
    "read_from_agents_csv_file": False,
    "starvation_driven_spawning": False,
    "average_social_connectivity": None,
    "flood_driven_spawning": None,
}
_TOP_IGNORED = {
    "number_of_steps",
    "conflict_input_file",
    "flood_level_input_file",
    "default_conflict_intensity",
    "log_levels",
}
_LOG_KEYS = {"agent", "link", "camp", "init", "conflict", "idp_totals", "granularity"}


def _conv(where: str, key: str, value: Any, kind: Any) -> Any:
    try:
        if kind is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, int | float) and value in (0, 1):
                return bool(value)
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return value.strip().lower() == "true"
            raise ValueError
        if kind is int:
            if isinstance(value, bool):
                raise ValueError
            f = float(value)
            if not f.is_integer():
                raise ValueError
            return int(f)
        if isinstance(value, bool):
            raise ValueError
        return float(value)
    except (TypeError, ValueError):
        kname = {bool: "true/false", int: "an integer", float: "a number"}[kind]
        raise UserError(f"{where}: {key} must be {kname}, got {value!r}") from None


def _section(data: Mapping[str, Any], name: str, where: str) -> Mapping[str, Any]:
    sec = data.get(name)
    if sec is None:
        return {}
    if not isinstance(sec, Mapping):
        raise UserError(f"{where}: {name} must be a mapping of keys to values")
    return sec


def _parse(data: Mapping[str, Any], where: str) -> FleeSettings:
    if not isinstance(data, Mapping):
        raise UserError(f"{where}: expected a YAML mapping at the top level")
    for key in data:
        if key not in ("move_rules", "spawn_rules", "optimisations", *_TOP_IGNORED):
            raise UserError(f"{where}: unknown key {key!r}")
    vals: dict[str, Any] = {}
    logs = _section(data, "log_levels", where)
    for k in logs:
        if k not in _LOG_KEYS:
            raise UserError(f"{where}: unknown key 'log_levels.{k}'")

    move = _section(data, "move_rules", where)
    v1 = False
    for k, v in move.items():
        if k in _MOVE:
            fname, kind = _MOVE[k]
            conv = _conv(where, f"move_rules.{k}", v, kind)
            if k == "use_v1_rules":
                v1 = bool(conv)
            elif k == "pruning_threshold" and conv != 1.0:
                raise UserError(f"{where}: move_rules.pruning_threshold is not supported")
            elif fname:
                vals[fname] = conv
        elif k in _MOVE_OFF:
            off = _MOVE_OFF[k]
            if off is not None and v != off and v is not None:
                raise UserError(
                    f"{where}: move_rules.{k} = {v!r} is not supported by Roxham's Flee model"
                )
        else:
            raise UserError(f"{where}: unknown key 'move_rules.{k}'")
    if v1:  # Flee's use_v1_rules overrides these after reading
        vals.update(
            max_move_speed=200.0,
            start_on_foot=False,
            avoid_short_stints=False,
            camp_weight=2.0,
            conflict_weight=0.25,
        )
    aw = vals.get("awareness_level", 1)
    if aw == -1:
        vals["awareness_level"] = 1
    elif aw < 1:
        raise UserError(
            f"{where}: move_rules.awareness_level must be >= 1 (or -1), got {aw} "
            "(0 freezes every agent in Flee 3.1)"
        )

    spawn = _section(data, "spawn_rules", where)
    for k, v in spawn.items():
        if k in _SPAWN:
            fname, kind = _SPAWN[k]
            if fname:
                vals[fname] = _conv(where, f"spawn_rules.{k}", v, kind)
        elif k == "conflict_spawn_decay":
            if v is None:
                continue
            if not isinstance(v, list | tuple) or not v:
                raise UserError(f"{where}: spawn_rules.conflict_spawn_decay must be a list")
            vals["conflict_spawn_decay"] = tuple(
                _conv(where, "spawn_rules.conflict_spawn_decay", x, float) for x in v
            )
        elif k == "conflict_driven_spawning":
            if v is None:
                continue
            if not isinstance(v, Mapping):
                raise UserError(f"{where}: spawn_rules.conflict_driven_spawning must be a mapping")
            mode = str(v.get("spawn_mode", "constant")).strip().lower()
            if mode not in ("constant", "pop_ratio", "poisson"):
                raise UserError(
                    f"{where}: spawn_rules.conflict_driven_spawning.spawn_mode must be "
                    f"constant, pop_ratio or poisson, got {v.get('spawn_mode')!r}"
                )
            for kk in v:
                if kk not in ("spawn_mode", "displaced_per_conflict_day"):
                    raise UserError(
                        f"{where}: unknown key 'spawn_rules.conflict_driven_spawning.{kk}'"
                    )
            vals["conflict_spawn_mode"] = mode
            vals["displaced_per_conflict_day"] = _conv(
                where,
                "spawn_rules.conflict_driven_spawning.displaced_per_conflict_day",
                v.get("displaced_per_conflict_day", 0.01 if mode == "pop_ratio" else 500),
                float,
            )
        elif k in _SPAWN_OFF:
            off = _SPAWN_OFF[k]
            if off is not None and v != off and v is not None:
                raise UserError(
                    f"{where}: spawn_rules.{k} = {v!r} is not supported by Roxham's Flee model"
                )
        else:
            raise UserError(f"{where}: unknown key 'spawn_rules.{k}'")

    opt = _section(data, "optimisations", where)
    for k, v in opt.items():
        if k != "hasten":
            raise UserError(f"{where}: unknown key 'optimisations.{k}'")
        h = _conv(where, "optimisations.hasten", v, int)
        if h < 1:
            raise UserError(f"{where}: optimisations.hasten must be >= 1, got {h}")
        vals["hasten"] = h

    for name in ("max_move_speed", "max_walk_speed", "softening"):
        if name in vals and vals[name] <= 0:
            raise UserError(f"{where}: {name} must be > 0")
    if not 0.0 <= vals.get("capacity_buffer", 0.9) < 1.0:
        raise UserError(f"{where}: move_rules.capacity_buffer must be in [0, 1)")
    return FleeSettings(**vals, given=dict(data))


def read_settings(path: str | Path | None) -> FleeSettings:
    """Read a ``simsetting.yml``; ``None`` or an empty file gives Flee 3.1's defaults."""
    if path is None:
        return FleeSettings()
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{p}: file not found")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise UserError(f"{p}{line}: not valid YAML") from None
    return FleeSettings.from_mapping(data, where=str(p))
