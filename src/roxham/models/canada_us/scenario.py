"""Scenarios of the Canada–US model: YAML files, validated, with ``extends:``.

A scenario file is a mapping with the keys of :class:`ModelScenario`. ``extends: NAME`` (a
scenario shipped in ``roxham/models/canada_us/scenarios/``) or ``extends: path.yaml``
(relative to the file) starts from that scenario and **deep-merges** the file's keys over it:
mappings merge key by key, anything else (numbers, lists) replaces. So a user scenario can be
three lines::

    extends: historical
    name: strict-enforcement
    processing: {p_intercept_irregular: 0.999}

Unknown keys, wrong types and impossible values are refused with one line naming the key.

>>> s = load_scenario("historical")
>>> s.name, s.start.isoformat(), s.end.isoformat()
('historical', '2017-01-01', '2024-12-31')
>>> load_scenario("no-protocol").law.reform
{'no_protocol': True}
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from roxham import law
from roxham.errors import UserError, format_validation_error

__all__ = [
    "Closure",
    "ModelScenario",
    "Shock",
    "builtin_scenarios",
    "deep_merge",
    "load_scenario",
    "scenario_hash",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Closure(_Strict):
    """A crossing physically closed from ``start`` (inclusive) to ``end`` (exclusive)."""

    crossing: str
    start: dt.date
    end: dt.date | None = None


class Shock(_Strict):
    """A dated demand shock: land inflow of ``origins`` (all if empty) × ``multiplier``
    on [``start``, ``end``), ramping linearly over ``ramp_days`` at both ends."""

    name: str
    start: dt.date
    end: dt.date
    multiplier: float = Field(ge=0.0)
    origins: list[str] = []
    nationalities: list[str] = []
    ramp_days: int = Field(default=0, ge=0)
    source: str = ""


class LawSection(_Strict):
    """Law inputs: a ``roxham.law.Reform`` dict, the COVID order's [start, end) (default: the
    law's :data:`roxham.law.COVID_DIRECT_BACK`; ``None`` = no order), the information lag."""

    reform: dict[str, Any] = {}
    covid_order: tuple[dt.date, dt.date] | None = law.COVID_DIRECT_BACK.span
    information_lag_days: int = Field(default=14, ge=0, le=365)


class NetworkSection(_Strict):
    """Travel: circuity factor and km per day (assumptions), closures of crossings."""

    circuity: float = Field(default=1.2, ge=1.0, le=3.0)
    km_per_day: float = Field(default=600.0, gt=0)
    closures: list[Closure] = []


class DemandSection(_Strict):
    """Inflows (see :mod:`roxham.models.canada_us.demand`)."""

    land_base_per_day: dict[str, float]
    sw_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    sw_lag_days: int = Field(default=60, ge=0, le=730)
    seasonality_amplitude: float = Field(default=0.2, ge=0.0, lt=1.0)
    seasonality_peak_doy: int = Field(default=200, ge=1, le=366)
    shocks: list[Shock] = []
    nyc_tickets: Shock | None = None
    nyc_ticket_utility: float = 1.0
    air_claims_per_year: dict[int, float]
    inland_claims_per_year: dict[int, float]
    air_visa_gate: float = Field(default=0.3, ge=0.0, le=1.0)


class CohortSection(_Strict):
    """Fact distributions (assumptions; see :mod:`roxham.models.canada_us.cohorts`)."""

    land_nationality: dict[str, float]
    air_nationality: dict[str, float]
    inland_nationality: dict[str, float]
    family: dict[str, float]
    p_unaccompanied_minor: float = Field(default=0.01, ge=0.0, le=1.0)
    p_trv: float = Field(default=0.03, ge=0.0, le=1.0)


class ChoiceSection(_Strict):
    """Multinomial logit over crossing options and staying in the US."""

    beta_success: float = 5.0
    beta_km_per_100: float = -0.2
    asc: dict[str, float]
    asc_stay: float = 0.0
    beta_wait_per_week: float = -0.3
    retry_after_return: float = Field(default=0.5, ge=0.0, le=1.0)
    #: how far people with an STCA exception (family, minor, TRV) count on it when they cross
    #: between ports: 1 = fully; 0 = they expect the general rule (what a person without the
    #: exception gets). Ports' exceptions are always known. (A)
    exception_awareness_between_ports: float = Field(default=1.0, ge=0.0, le=1.0)


class ProcessingSection(_Strict):
    """Interception, hiding, screening and IRB processing."""

    p_intercept_irregular: float = Field(default=0.97, ge=0.0, le=1.0)
    p_intercept_hide: float = Field(default=0.3, ge=0.0, le=1.0)
    hide_wait_days: int = Field(default=16, ge=0, le=365)
    evade_wait_days: int = Field(default=3, ge=0, le=365)
    irb_pending_initial: float = Field(default=20000.0, ge=0.0)
    irb_finalised_per_year: dict[int, float]
    irb_referral_share: float = Field(default=0.93, ge=0.0, le=1.0)


class ModelScenario(_Strict):
    """A validated scenario of the Canada–US model."""

    name: str
    description: str = ""
    extends: str | None = None
    start: dt.date = dt.date(2017, 1, 1)
    end: dt.date = dt.date(2024, 12, 31)
    seed: int = Field(default=1, ge=0)
    replicates: int = Field(default=8, ge=1, le=1000)
    law: LawSection = LawSection()
    network: NetworkSection = NetworkSection()
    demand: DemandSection
    cohorts: CohortSection
    choice: ChoiceSection
    processing: ProcessingSection

    @model_validator(mode="after")
    def _check(self) -> ModelScenario:
        from roxham.models.canada_us.cohorts import NATIONALITIES
        from roxham.models.canada_us.geography import CROSSINGS, ORIGINS

        if self.end < self.start:
            raise ValueError("end is before start")
        if (self.end - self.start).days > 20 * 366:
            raise ValueError("period longer than 20 years")
        ids = [c.id for c in CROSSINGS]
        for cl in self.network.closures:
            if cl.crossing not in ids:
                raise ValueError(
                    f"network.closures: unknown crossing {cl.crossing!r}; known: {', '.join(ids)}"
                )
        for k in self.choice.asc:
            if k not in ids:
                raise ValueError(f"choice.asc: unknown crossing {k!r}; known: {', '.join(ids)}")
        shocks = [*self.demand.shocks, *([self.demand.nyc_tickets] if self.demand.nyc_tickets
                                         else [])]
        for o in [*self.demand.land_base_per_day, *(o for sh in shocks for o in sh.origins)]:
            if o not in ORIGINS:
                raise ValueError(f"unknown origin {o!r}; known: {', '.join(ORIGINS)}")
        c = self.cohorts
        nats = [*c.land_nationality, *c.air_nationality, *c.inland_nationality,
                *(n for sh in shocks for n in sh.nationalities)]
        for n in nats:
            if n not in NATIONALITIES:
                raise ValueError(
                    f"unknown nationality {n!r}; known: {', '.join(NATIONALITIES)}"
                )
        if sum(c.family.values()) > 1.0 or any(v < 0 for v in c.family.values()):
            raise ValueError("cohorts.family shares must be >= 0 and sum to at most 1")
        from roxham.models.canada_us.cohorts import FAMILY_KINDS

        for k in c.family:
            if k not in FAMILY_KINDS or k == "none":
                raise ValueError(f"cohorts.family: unknown kind {k!r}")
        return self

    @property
    def n_days(self) -> int:
        """Days in the period, both ends included."""
        return (self.end - self.start).days + 1


_PKG = "roxham.models.canada_us.scenarios"


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package.

    >>> "historical" in builtin_scenarios()
    True
    """
    return sorted(
        p.name[:-5] for p in resources.files(_PKG).iterdir() if p.name.endswith(".yaml")
    )


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge ``over`` into a copy of ``base``: mappings key by key, other values replace.

    >>> deep_merge({"a": {"x": 1, "y": 2}, "b": [1]}, {"a": {"y": 3}, "b": [2]})
    {'a': {'x': 1, 'y': 3}, 'b': [2]}
    """
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _read_yaml(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise UserError(f"{where}:{line} is not valid YAML") from None
    if not isinstance(data, dict):
        raise UserError(f"{where}: a scenario must be a YAML mapping of keys")
    return data


def _raw(ref: str, base_dir: Path | None, seen: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    if len(seen) > 10 or ref in seen:
        raise UserError(f"scenario {ref!r}: 'extends' forms a cycle or is too deep")
    path: Path | None = None
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        path = Path(ref)
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        if not path.is_file():
            raise UserError(f"scenario file {str(path)!r} not found")
        text, where = path.read_text(encoding="utf-8"), str(path)
    else:
        if ref not in builtin_scenarios():
            raise UserError(
                f"unknown scenario {ref!r}; built-in: {', '.join(builtin_scenarios())}"
            )
        text = resources.files(_PKG).joinpath(f"{ref}.yaml").read_text(encoding="utf-8")
        where = f"{ref}.yaml"
    data = _read_yaml(text, where)
    parent = data.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise UserError(f"{where}: 'extends' must be a scenario name or file path")
        pdata, _ = _raw(parent, path.parent if path else None, (*seen, ref))
        pdata.pop("name", None)
        pdata.pop("description", None)
        data = deep_merge(pdata, data)
    return data, where


def load_scenario(ref: str, overrides: dict[str, Any] | None = None) -> ModelScenario:
    """Load a built-in scenario by name or a YAML file by path, resolving ``extends``."""
    data, where = _raw(ref, None, ())
    if overrides:
        data = deep_merge(data, overrides)
    data.setdefault("name", Path(ref).stem if ref.endswith((".yaml", ".yml")) else ref)
    try:
        return ModelScenario.model_validate(data)
    except ValidationError as e:
        raise UserError(format_validation_error(e, where)) from None


def scenario_hash(s: ModelScenario) -> str:
    """Short content hash of a scenario (its resolved keys).

    >>> len(scenario_hash(load_scenario("historical")))
    12
    """
    from roxham.store.identity import content_hash

    return content_hash(s.model_dump(mode="json"))
