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
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from roxham import law
from roxham.models.canada_us.southbound_params import SouthboundSection  # issue 15
from roxham.scenario import ScenarioModel, deep_merge, resolve, user_error_from_validation
from roxham.scenario import scenario_hash as _hash

__all__ = [
    "Closure",
    "FundedCapacity",
    "IrbOutcomes",
    "ModelScenario",
    "ProcessingSection",
    "PushEvent",
    "PushFit",
    "Shock",
    "builtin_scenarios",
    "deep_merge",
    "load_scenario",
    "scenario_hash",
]

#: A count, rate or share that is meaningless below zero.
NonNeg = Annotated[float, Field(ge=0.0)]
#: A calendar year key (the documented date range).
Year = Annotated[int, Field(ge=1900, le=2100)]


class _Strict(ScenarioModel, BaseModel):  # BaseModel named for linters (RUF012)
    """Unknown keys refused, numbers finite, dates within 1900..2100."""


class Closure(_Strict):
    """A crossing physically closed from ``start`` (inclusive) to ``end`` (exclusive)."""

    crossing: str
    start: dt.date
    end: dt.date | None = None

    @model_validator(mode="after")
    def _order(self) -> Closure:
        _ordered(self.start, self.end, f"closure of {self.crossing!r}")
        return self


def _ordered(start: dt.date, end: dt.date | None, what: str) -> None:
    if end is not None and end < start:
        raise ValueError(f"{what}: end is before start (reversed range)")


class Shock(_Strict):
    """A dated demand shock: land inflow of ``origins`` (all if empty) × ``multiplier``
    on [``start``, ``end``), ramping linearly over ``ramp_days`` at both ends."""

    name: str
    start: dt.date
    end: dt.date
    multiplier: float = Field(ge=0.0)
    origins: list[str] = []
    nationalities: list[str] = []
    ramp_days: int = Field(default=0, ge=0, le=3650)
    source: str = ""

    @model_validator(mode="after")
    def _order(self) -> Shock:
        _ordered(self.start, self.end, f"shock {self.name!r}")
        return self


class PushEvent(_Strict):
    """A population losing legal status in the US (parole, TPS) on ``date`` (the
    announcement): ``people`` (S) × ``weight`` (A: 1 for a population reached for the first
    time, less for a repeated announcement) × ``nationalities`` shares (S or A) feed the land
    streams of ``origins`` with the response fitted on the 2017 Haitian TPS episode
    (:func:`roxham.models.canada_us.demand.push_response`)."""

    name: str
    date: dt.date
    people: float = Field(ge=0.0)
    weight: float = Field(default=1.0, ge=0.0, le=1.0)
    nationalities: dict[str, NonNeg]
    origins: list[str] = ["nyc"]
    source: str = ""


class PushFit(_Strict):
    """The historical episode the push response is fitted on: the population affected
    (``people``, S), the announcement day, and the demand shocks (by name) that carry its
    excess flow in the calibrated scenario (a scenario without them has no push response)."""

    date: dt.date
    people: float = Field(gt=0.0)
    shocks: list[str]
    source: str = ""


class LawSection(_Strict):
    """Law inputs: a ``roxham.law.Reform`` dict, the COVID order's [start, end) (default: the
    law's :data:`roxham.law.COVID_DIRECT_BACK`; ``None`` = no order), the information lag."""

    reform: dict[str, Any] = {}
    covid_order: tuple[dt.date, dt.date] | None = law.COVID_DIRECT_BACK.span
    information_lag_days: int = Field(default=14, ge=0, le=365)

    @model_validator(mode="after")
    def _order(self) -> LawSection:
        if self.covid_order is not None:
            _ordered(*self.covid_order, "law.covid_order")
        return self


class NetworkSection(_Strict):
    """Travel: circuity factor and km per day (assumptions), closures of crossings."""

    circuity: float = Field(default=1.2, ge=1.0, le=3.0)
    km_per_day: float = Field(default=600.0, gt=0)
    closures: list[Closure] = []


class DemandSection(_Strict):
    """Inflows (see :mod:`roxham.models.canada_us.demand`)."""

    land_base_per_day: dict[str, NonNeg]
    sw_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    sw_lag_days: int = Field(default=60, ge=0, le=730)
    seasonality_amplitude: float = Field(default=0.2, ge=0.0, lt=1.0)
    seasonality_peak_doy: int = Field(default=200, ge=1, le=366)
    shocks: list[Shock] = []
    nyc_tickets: Shock | None = None
    nyc_ticket_utility: float = 1.0
    #: where the air and inland streams come from: ``forecast`` (statistical forecast of
    #: IRCC's monthly airport / inland claims from data up to an origin, × the visa gate; no
    #: official figure of a simulated month enters it) or ``official`` (the yearly figures
    #: below, the former behaviour: not for validation)
    air_inland: Literal["forecast", "official"] = "forecast"
    #: origin of the statistical forecast (``YYYY-MM``): months up to it use the observed
    #: figures, later months the forecast from it; ``None`` = rolling: each calendar year is
    #: forecast from data up to December of the year before (``roxham run``)
    air_inland_origin: str | None = None
    #: which sample path of the statistical forecast (``None``: the median)
    air_inland_sample: int | None = Field(default=None, ge=0, le=100_000)
    air_claims_per_year: dict[Year, NonNeg] = {}
    inland_claims_per_year: dict[Year, NonNeg] = {}
    air_visa_gate: float = Field(default=0.3, ge=0.0, le=1.0)
    #: COVID-19 travel restrictions on the statistical streams (``demand.covid_gate``; dates:
    #: ``roxham.law.order``): share of the claims possible without them during the entry
    #: prohibition and once eased for vaccinated travellers (A); false = no gate
    covid_travel_gate: bool = True
    covid_gate_air: float = Field(default=0.03, gt=0.0, le=1.0)
    covid_gate_inland: float = Field(default=0.25, gt=0.0, le=1.0)
    covid_gate_air_eased: float = Field(default=0.35, gt=0.0, le=1.0)
    covid_gate_inland_eased: float = Field(default=0.5, gt=0.0, le=1.0)
    #: US populations losing status (push stream) and the episode its response is fitted on
    push_events: list[PushEvent] = []
    push_fit: PushFit | None = None
    #: (A) structural multiplier of the fitted push response (1 = as in 2017)
    push_scale: float = Field(default=1.0, ge=0.0, le=20.0)
    #: US southwest driver beyond its latest month: ``flat`` (hold the mean of the last 3
    #: months), ``trend`` (the last 12 months' log-linear trend, at most ±5 %/month),
    #: ``surge`` (rising to twice the flat level over 6 months) (A)
    us_scenario: Literal["flat", "trend", "surge"] = "flat"
    #: log-level shift of the US path reached after 12 months beyond the data (driver draws)
    us_path_shift: float = Field(default=0.0, ge=-5.0, le=5.0)


class CohortSection(_Strict):
    """Fact distributions (assumptions; see :mod:`roxham.models.canada_us.cohorts`)."""

    land_nationality: dict[str, NonNeg]
    air_nationality: dict[str, NonNeg]
    inland_nationality: dict[str, NonNeg]
    family: dict[str, NonNeg]
    p_unaccompanied_minor: float = Field(default=0.01, ge=0.0, le=1.0)
    p_trv: float = Field(default=0.03, ge=0.0, le=1.0)
    #: share of land movers with a US asylum claim confirmed under the information-sharing
    #: agreement (IRPA s. 101(1)(c.1)) (A)
    p_prior_us_claim: float = Field(default=0.02, ge=0.0, le=1.0)
    #: inland claimants: share by days from first entry to the claim (buckets of
    #: ``cohorts.INLAND_DAYS``; over 365 days IRPA s. 101(1)(b.1) can act) (A)
    inland_days_since_entry: dict[int, NonNeg] = Field(
        default_factory=lambda: {30: 0.35, 180: 0.30, 540: 0.20, 1460: 0.15}
    )


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


class IrbOutcomes(_Strict):
    """RPD finalisations of a year by outcome (counts; only their shares are used)."""

    accepted: NonNeg
    rejected: NonNeg
    abandoned_withdrawn: NonNeg

    @model_validator(mode="after")
    def _positive(self) -> IrbOutcomes:
        if self.accepted + self.rejected + self.abandoned_withdrawn <= 0:
            raise ValueError("irb_outcomes: a year needs at least one finalisation")
        return self


class FundedCapacity(_Strict):
    """RPD finalisations a year that the IRB is funded or plans for, in force from ``start``.

    ``known`` is the date of the document that states the figure (a budget, a departmental
    plan): it must not be after ``start``, so that a run never takes a period's capacity from a
    document written during that period (the validity rule; issue 19).
    """

    start: dt.date
    per_year: NonNeg
    known: dt.date

    @model_validator(mode="after")
    def _known_before(self) -> FundedCapacity:
        if self.known > self.start:
            raise ValueError(
                f"irb_funded_capacity: a figure known on {self.known} cannot act from "
                f"{self.start} (start on or after the date it was known)")
        return self


class ProcessingSection(_Strict):
    """Interception, hiding, screening and IRB processing."""

    p_intercept_irregular: float = Field(default=0.97, ge=0.0, le=1.0)
    p_intercept_hide: float = Field(default=0.3, ge=0.0, le=1.0)
    hide_wait_days: int = Field(default=16, ge=0, le=365)
    evade_wait_days: int = Field(default=3, ge=0, le=365)
    irb_pending_initial: float = Field(default=20000.0, ge=0.0)
    irb_finalised_per_year: dict[Year, NonNeg]
    #: the IRB's finalisations of year Y are taken from year Y − lag (1: last year's figure,
    #: so no official figure of a simulated year enters the run; 0: the year's own figure)
    irb_capacity_lag_years: int = Field(default=1, ge=0, le=5)
    #: where the RPD's capacity comes from: ``finalised`` (``irb_finalised_per_year``, lagged by
    #: ``irb_capacity_lag_years``) or ``funded`` (``irb_funded_capacity``: figures known on or
    #: before the day they act, × ``irb_hearing_disruption``)
    irb_capacity_source: Literal["finalised", "funded"] = "finalised"
    #: funded / planned RPD finalisations a year, each from its ``start`` (the latest on or
    #: before a day; the earliest before the first start)
    irb_funded_capacity: list[FundedCapacity] = Field(default_factory=list)
    #: × the funded capacity from each date on, for dated events that stop hearings (the
    #: COVID-19 suspension of 2020); the latest date on or before a day. Only with
    #: ``irb_capacity_source: funded`` (finalised figures already contain such events)
    irb_hearing_disruption: dict[dt.date, NonNeg] = Field(default_factory=dict)
    irb_referral_share: float = Field(default=0.93, ge=0.0, le=1.0)
    #: days from a claim to its referral to the IRB (eligibility front end) (A)
    referral_delay_days: int = Field(default=5, ge=0, le=3650)
    #: IRB decision capacity × factor from each date on (the latest date on or before a day)
    irb_capacity_factor: dict[dt.date, NonNeg] = Field(default_factory=dict)
    #: processing-time target from each date on (days; 0 = none): the RPD's capacity is raised
    #: as needed to decide every claim within that many days (a policy lever, not a figure)
    irb_wait_target_days: dict[dt.date, NonNeg] = Field(default_factory=dict)
    #: RPD finalisations by outcome per year (accepted, rejected, abandoned_withdrawn);
    #: shares are taken from the nearest year
    irb_outcomes: dict[Year, IrbOutcomes] = Field(
        default_factory=lambda: {2021: IrbOutcomes(accepted=30290, rejected=12190,
                                                   abandoned_withdrawn=5534)})
    #: share of RPD rejections appealed to the RAD (A)
    rad_appeal_share: float = Field(default=0.5, ge=0.0, le=1.0)
    rad_pending_initial: float = Field(default=0.0, ge=0.0)
    rad_finalised_per_year: dict[Year, NonNeg] = Field(default_factory=lambda: {2017: 3137.0})
    #: share of claimants found ineligible (other than the STCA) who apply for a PRRA (A)
    prra_apply_share: float = Field(default=0.9, ge=0.0, le=1.0)
    #: share of the referred claims that the 2026 law reaches while pending (made from
    #: D_C2_INTRO, referred before D_C12_RA, refused if determined on D_C12_RA) given a
    #: s. 104(1)(a) notice on D_C12_RA, leaving the IRB inventory. The notice is discretionary
    #: and roxham.law does not model it (docs/law/RULES.md A11): 0 by default (A, range 0-1)
    pending_notice_share: float = Field(default=0.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _funded_needs_figures(self) -> ProcessingSection:
        if self.irb_capacity_source == "funded" and not self.irb_funded_capacity:
            raise ValueError("irb_capacity_source: funded needs irb_funded_capacity")
        return self


class ModelScenario(_Strict):
    """A validated scenario of the Canada–US model."""

    name: str
    description: str = ""
    extends: str | None = None
    start: dt.date = dt.date(2017, 1, 1)
    end: dt.date = dt.date(2024, 12, 31)
    seed: int = Field(default=1, ge=0, le=2**63 - 1)
    replicates: int = Field(default=8, ge=1, le=1000)
    law: LawSection = LawSection()
    network: NetworkSection = NetworkSection()
    demand: DemandSection
    cohorts: CohortSection
    choice: ChoiceSection
    processing: ProcessingSection
    southbound: SouthboundSection = SouthboundSection()  # issue 15: southbound.py

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
        if self.demand.air_inland == "official" and not (
                self.demand.air_claims_per_year and self.demand.inland_claims_per_year):
            raise ValueError("demand.air_inland: official needs air_claims_per_year and "
                             "inland_claims_per_year")
        if self.demand.air_inland_origin is not None:
            from roxham.data.cutoff import parse_month
            from roxham.errors import UserError

            try:
                parse_month(self.demand.air_inland_origin)
            except UserError as e:
                raise ValueError(f"demand.air_inland_origin: {e}") from None
        for pe in self.demand.push_events:
            for n in pe.nationalities:
                if n not in NATIONALITIES:
                    raise ValueError(f"push event {pe.name!r}: unknown nationality {n!r}")
            for o in pe.origins:
                if o not in ORIGINS:
                    raise ValueError(f"push event {pe.name!r}: unknown origin {o!r}")

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
        from roxham.models.canada_us.cohorts import FAMILY_KINDS, INLAND_DAYS

        bad_days = [d for d in c.inland_days_since_entry if d not in INLAND_DAYS]
        if bad_days or sum(c.inland_days_since_entry.values()) <= 0:
            raise ValueError(
                f"cohorts.inland_days_since_entry: keys must be among {list(INLAND_DAYS)} "
                "(days) with shares summing to more than 0"
            )

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


def _builtin_text(name: str) -> str | None:
    if name not in builtin_scenarios():
        return None
    return resources.files(_PKG).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_scenario(ref: str, overrides: dict[str, Any] | None = None) -> ModelScenario:
    """Load a built-in scenario by name or a YAML file by path, resolving ``extends``
    (:func:`roxham.scenario.resolve`). Errors: one :class:`UserError` line naming the file,
    the line and the key."""
    data, lines, where = resolve(ref, builtin=_builtin_text, builtin_names=builtin_scenarios)
    if overrides:
        data = deep_merge(data, overrides)
    data.setdefault("name", Path(ref).stem if ref.endswith((".yaml", ".yml")) else ref)
    try:
        return ModelScenario.model_validate(data)
    except ValidationError as e:
        raise user_error_from_validation(e, lines, where, _FIELDS) from None


def scenario_hash(s: ModelScenario) -> str:
    """Short content hash of a scenario (its resolved keys): :func:`roxham.scenario.scenario_hash`.

    >>> len(scenario_hash(load_scenario("historical")))
    12
    """
    return _hash(s)


def _field_names(model: type[Any]) -> set[str]:
    out: set[str] = set()
    for name, f in model.model_fields.items():
        out.add(name)
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, ScenarioModel):
            out |= _field_names(ann)
    return out


_FIELDS = sorted(_field_names(ModelScenario) | _field_names(Shock) | _field_names(Closure)
                 | _field_names(PushEvent) | _field_names(PushFit)
                 | _field_names(SouthboundSection))
