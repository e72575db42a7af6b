"""The one scenario core: reading YAML scenario files, ``extends:``, errors, hash, parameters.

Every model's scenarios (the Canada–US model's :mod:`roxham.models.canada_us.scenario`, the
engine's generic :mod:`roxham.sim.scenario`) are read here:

- :func:`read_scenario_text` reads a file and refuses, with one line naming the file, what is
  not a readable UTF-8 text file (a directory, a missing file, UTF-16, other encodings, an
  empty file);
- :func:`load_yaml` parses safely and maps each key path to its line, so errors name file and
  line; deeply nested documents and integers too long to convert are refused in one line;
- :func:`resolve` follows ``extends:`` (a built-in name or a path relative to the file) and
  deep-merges the file over its parent;
- :func:`user_error_from_validation` turns a pydantic error into ``file:line: key: problem``;
- :class:`ScenarioModel` is the base of scenario models: unknown keys refused, numbers finite
  (no NaN or ±inf), dates within :data:`DATE_MIN` .. :data:`DATE_MAX`;
- :func:`scenario_hash` is the one content hash of a scenario (12 hex digits);
- :func:`with_params` is the one way calibration and runs write parameter values into a
  scenario.

>>> data, lines = load_yaml("a: 1\\nb:\\n  c: 2\\n", "s.yaml")
>>> data, lines[("b", "c")]
({'a': 1, 'b': {'c': 2}}, 3)
>>> load_yaml("[" * 5000, "deep.yaml")
Traceback (most recent call last):
...
roxham.errors.UserError: deep.yaml: invalid YAML: nested too deeply
>>> deep_merge({"a": {"x": 1, "y": 2}, "b": [1]}, {"a": {"y": 3}, "b": [2]})
{'a': {'x': 1, 'y': 3}, 'b': [2]}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from roxham.errors import UserError

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "MAX_FILE_BYTES",
    "KeyPath",
    "ScenarioModel",
    "deep_merge",
    "dotted",
    "line_of",
    "load_yaml",
    "read_scenario_text",
    "resolve",
    "scenario_hash",
    "user_error_from_validation",
    "with_params",
]

#: Dates in scenarios must fall within this documented range (both ends included).
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
#: A scenario file larger than this is refused (scenarios are a few KB).
MAX_FILE_BYTES = 10 * 1024 * 1024

KeyPath = tuple[str | int, ...]


def read_scenario_text(path: str | Path) -> str:
    """The text of scenario file ``path``; one-line :class:`UserError` if it is missing, a
    directory, too large, empty, or not UTF-8 (UTF-16 is named as such)."""
    p = Path(path)
    if p.is_dir():
        raise UserError(f"scenario {str(p)!r} is a directory, not a file")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(f"scenario {str(p)!r} is larger than {MAX_FILE_BYTES} bytes")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"cannot read scenario {str(p)!r}: file not found") from None
    except OSError as e:
        raise UserError(f"cannot read scenario {str(p)!r}: {e.strerror or e}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{p}: the file is UTF-16; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise UserError(f"{p}:{line}: not UTF-8 text (byte {e.start}); save it as UTF-8"
                        ) from None
    if "\x00" in text:
        raise UserError(f"{p}: contains NUL characters; not a text file")
    if not text.strip():
        raise UserError(f"{p}: the scenario file is empty")
    return text


class _SafeNoDates(yaml.SafeLoader):
    """``yaml.SafeLoader`` without the implicit timestamp type (dates stay strings, so a bad
    date is reported by the validator with its key and line)."""


_SafeNoDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

#: Deepest nesting of mappings/lists accepted (scenarios use fewer than 10 levels).
MAX_DEPTH = 64


def _lines(node: yaml.Node, path: KeyPath, out: dict[KeyPath, int], depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise UserError("nested too deeply")
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
            out[(*path, key)] = k.start_mark.line + 1
            _lines(v, (*path, key), out, depth + 1)
            out[(*path, key)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _lines(v, (*path, i), out, depth + 1)


_QUOTED = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"|#[^\n]*")
_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """Deepest nesting of flow brackets (``[``, ``{``) outside quotes and comments: checked
    before parsing, since the YAML parser takes seconds on thousands of nested brackets."""
    depth = deepest = 0
    for m in _BRACKETS.finditer(_QUOTED.sub("", text)):
        if m.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)
    return deepest


#: parsed scenario texts by (origin, text): the same text parses to the same data
_PARSED: dict[tuple[str, str], tuple[Any, dict[KeyPath, int]]] = {}


def load_yaml(text: str, origin: str = "<scenario>") -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML safely; returns the data and a map from key paths to line numbers.

    Syntax errors, nesting deeper than :data:`MAX_DEPTH`, and integers too long to convert
    become a one-line :class:`UserError` naming the file (and line where known).

    A text parsed before in this process (same origin, same characters) is not parsed again:
    the caller gets a copy of the data (a run resolves the same built-in scenarios several
    times; the pure-Python parser takes ~0.1 s a file). Errors are never remembered.
    """
    import copy

    key = (origin, text)
    hit = _PARSED.get(key)
    if hit is None:
        hit = _parse_yaml(text, origin)
        if len(_PARSED) >= 64:
            _PARSED.clear()
        _PARSED[key] = copy.deepcopy(hit)
    else:
        hit = copy.deepcopy(hit)
    return hit


def _parse_yaml(text: str, origin: str) -> tuple[Any, dict[KeyPath, int]]:
    """:func:`load_yaml` without the memory."""
    if _flow_depth(text) > MAX_DEPTH:
        raise UserError(f"{origin}: invalid YAML: nested too deeply")
    try:
        node = yaml.compose(text, Loader=_SafeNoDates)
        lines: dict[KeyPath, int] = {}
        if node is not None:
            _lines(node, (), lines)
        data = yaml.load(text, Loader=_SafeNoDates)  # a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise UserError(f"{origin}{line}: invalid YAML: {problem}") from None
    except UserError as e:
        raise UserError(f"{origin}: invalid YAML: {e}") from None
    except RecursionError:
        raise UserError(f"{origin}: invalid YAML: nested too deeply") from None
    except (ValueError, OverflowError) as e:  # e.g. an integer of more than 4,300 digits
        what = ("an integer has more than 4300 digits" if "digits" in str(e)
                else str(e).splitlines()[0][:120])
        raise UserError(f"{origin}: invalid YAML value: {what}") from None
    return data, lines


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into a copy of ``base``: mappings key by key, other values replace."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def resolve(
    ref: str,
    *,
    builtin: Callable[[str], str | None],
    builtin_names: Callable[[], list[str]],
    base_dir: Path | None = None,
    drop_on_extend: Sequence[str] = ("name", "description"),
    _seen: tuple[str, ...] = (),
) -> tuple[dict[str, Any], dict[KeyPath, int], str]:
    """Read scenario ``ref`` (a path ending in .yaml/.yml or containing ``/``, else a
    built-in name) and its ``extends:`` chain; returns ``(data, lines, where)``: the merged
    mapping, the line map of ``ref``'s own file, and its name for messages.

    ``builtin(name)`` gives a built-in scenario's text (``None`` if unknown).
    """
    if len(_seen) > 10 or ref in _seen:
        raise UserError(f"scenario {ref!r}: 'extends' forms a cycle or is too deep")
    path: Path | None = None
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        path = Path(ref)
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        text, where = read_scenario_text(path), str(path)
    else:
        got = builtin(ref)
        if got is None:
            raise UserError(f"unknown scenario {ref!r}; built-in: {', '.join(builtin_names())}")
        text, where = got, f"{ref}.yaml"
    data, lines = load_yaml(text, where)
    if not isinstance(data, dict):
        raise UserError(f"{where}: a scenario must be a YAML mapping of keys")
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise UserError(f"{where}:{lines.get(('extends',), 1)}: 'extends' must be a "
                            "scenario name or file path")
        pdata, _, _ = resolve(parent, builtin=builtin, builtin_names=builtin_names,
                              base_dir=path.parent if path else None,
                              drop_on_extend=drop_on_extend, _seen=(*_seen, ref))
        for k in drop_on_extend:
            pdata.pop(k, None)
        data = deep_merge(pdata, data)
    return data, lines, where


def dotted(path: Sequence[str | int]) -> str:
    """A key path as text: ``network.links[2].days``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(root)"


def line_of(path: Sequence[str | int], lines: Mapping[KeyPath, int]) -> int | None:
    """The line of ``path`` (or of its nearest ancestor present in ``lines``)."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get(())


def user_error_from_validation(
    err: ValidationError, lines: Mapping[KeyPath, int], origin: str,
    field_names: Iterable[str] = (),
) -> UserError:
    """One line ``origin:line: key.path: problem`` for the first bad key (values are not
    echoed: they may be personal)."""
    items = err.errors(include_input=False, include_url=False)
    e = items[0]
    known: set[str | int] = set(field_names)
    for p in lines:
        known.update(p)
    loc = [p for p in e.get("loc", ()) if not (isinstance(p, str) and p.startswith("function-"))]
    # pydantic adds union member / model names and dict-key markers: keep real keys only
    loc = [p for p in loc if isinstance(p, int) or p in known]
    msg = str(e.get("msg", "invalid"))
    if e.get("type") == "extra_forbidden":
        msg = "unknown key"
    elif e.get("type") == "finite_number":
        msg = "must be a finite number (not NaN or infinity)"
    msg = msg.removeprefix("Value error, ")
    line = line_of(loc, lines)
    where = f"{origin}:{line}" if line else origin
    more = f" (and {len(items) - 1} more problem(s))" if len(items) > 1 else ""
    return UserError(f"{where}: {dotted(loc)}: {msg}{more}")


def _check_dates(v: Any) -> Any:
    if isinstance(v, dt.date) and not DATE_MIN <= v <= DATE_MAX:
        raise ValueError(f"date must be within {DATE_MIN} .. {DATE_MAX}")
    if isinstance(v, (list, tuple)):
        for x in v:
            _check_dates(x)
    return v


class ScenarioModel(BaseModel):
    """Base of scenario models: unknown keys refused, numbers finite, dates in range."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _dates_in_range(cls, v: Any) -> Any:
        return _check_dates(v)


def scenario_hash(scenario: BaseModel | Mapping[str, Any]) -> str:
    """The content hash of a scenario (its resolved keys): 12 hex digits of SHA-256 over the
    canonical JSON of its keys. The one scenario hash of Roxham (run manifests, parameter
    files' ``base_hash``).

    >>> scenario_hash({"a": 1}) == scenario_hash({"a": 1}), len(scenario_hash({"a": 1}))
    (True, 12)
    """
    data = scenario.model_dump(mode="json") if isinstance(scenario, BaseModel) else scenario
    from roxham.store.identity import content_hash

    return content_hash(data)


class _Space(Protocol):
    def apply(self, base: Mapping[str, Any], values: Mapping[str, float]) -> dict[str, Any]:
        ...


M = TypeVar("M", bound=BaseModel)


def with_params(scenario: M, values: Mapping[str, float], space: _Space) -> M:
    """``scenario`` with parameter ``values`` written at their paths in ``space`` (a
    :class:`roxham.calibrate.space.ParameterSpace`), validated again (a value that breaks
    the scenario's bounds is a :class:`UserError` naming the key). The one way calibration
    and runs set parameters."""
    data = space.apply(scenario.model_dump(mode="json"), values)
    try:
        return type(scenario).model_validate(data)
    except ValidationError as e:
        keys = {p for err in e.errors() for p in err["loc"] if isinstance(p, str)}
        raise user_error_from_validation(e, {}, "parameters", keys) from None
