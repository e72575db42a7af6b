"""The ``southbound:`` section of a Canada–US scenario (issue 15): parameters of the flows from
Canada into the US (:mod:`roxham.models.canada_us.southbound`).

Kept apart from :mod:`~roxham.models.canada_us.scenario` so that the scenario schema gains one
field only. Every number's mark (sourced, computed, assumed, fitted) is in ``historical.yaml``
and MODEL.md ("Southbound").

>>> p = SouthboundSection()
>>> sorted(p.sector_mix_air) == sorted(SECTORS)
True
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, model_validator

from roxham.scenario import ScenarioModel

__all__ = ["GROUPS", "SECTORS", "SouthboundSection", "VisaOverride", "WindowShock", "air_mix",
           "air_mix_early", "ramp_weight"]

#: US Border Patrol sectors on the northern border, grouped as the data allow: Swanton
#: (Vermont, northeastern New York, New Hampshire), Buffalo, Detroit, Blaine and the four others
#: (Spokane, Havre, Grand Forks, Houlton) together.
SECTORS: tuple[str, ...] = ("swanton", "buffalo", "detroit", "blaine", "other")

#: Groups of southbound travellers: air arrivals into Canada by nationality (Mexico and India
#: have visa facts in ``roxham.law``; ``OTHER`` = the other nationalities, visa-required
#: throughout), and ``resident`` = crossers who did not just fly in (Canadians, residents:
#: the pre-2020 baseline of the other sectors).
GROUPS: tuple[str, ...] = ("MX", "IN", "OTHER", "resident")

NonNeg = Annotated[float, Field(ge=0.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(ScenarioModel, BaseModel):
    pass


def _order_or_date(v: object) -> object:
    """``"ORDER_KEY.start"``/``"ORDER_KEY.end"`` → that date of ``roxham.law``'s orders (the law
    owns its dates); anything else is left to Pydantic's date parsing."""
    if isinstance(v, str) and "." in v and v[:1].isalpha():
        from roxham.law import order_date

        return order_date(v)
    return v


#: A date, or the start/end of a dated order of ``roxham.law`` named as ``ORDER_KEY.start``.
OrderDate = Annotated[dt.date, BeforeValidator(_order_or_date)]


class WindowShock(_Strict):
    """A multiplier on some groups' southbound flow in ``[start, end)``; ``start``/``end`` may
    name a dated order of ``roxham.law`` (``COVID_ENTRY_PROHIBITION.start``)."""

    name: str
    start: OrderDate
    end: OrderDate
    multiplier: NonNeg
    groups: list[str] = []
    source: str = ""


class VisaOverride(_Strict):
    """A scenario's change to the visa facts of ``roxham.law`` (both directions read it).

    ``status``: ``exempt`` (no visa, as before a reimposition), ``eta_only`` (visa-exempt by air
    with an eTA only, the law's ``air_only_eta``), ``visa`` (a visa for everybody, also eTA
    holders). Applies from ``start`` (inclusive) to ``end`` (exclusive; null: no end).
    """

    nationalities: list[str]
    start: dt.date
    end: dt.date | None = None
    status: str = Field(pattern="^(exempt|eta_only|visa)$")
    source: str = ""

    @model_validator(mode="after")
    def _known(self) -> VisaOverride:
        from roxham.law.visas import COVERED

        for n in self.nationalities:
            if n not in COVERED and n != "OTHER":
                raise ValueError(f"visa_overrides: nationality {n!r} is not in roxham.law's "
                                 f"visa table (law/data/visas.yaml) nor OTHER")
        if self.end is not None and self.end <= self.start:
            raise ValueError("visa_overrides: end is not after start")
        return self


def ramp_weight(p: SouthboundSection, day: dt.date) -> float:
    """0 before ``air_mix_ramp``, 1 after it, linear in between by month (the value of the
    month's first day, or of the ramp's start: one step a month keeps the engine's choice
    table constant within a month)."""
    a, b = p.air_mix_ramp
    d = max(day.replace(day=1), a)
    return 1.0 if day >= b else 0.0 if day < a else (d - a).days / max(1, (b - a).days)


def air_mix(p: SouthboundSection, day: dt.date) -> dict[str, float]:
    """The air route's sector shares on ``day`` (see ``swanton_share_air_early``).

    >>> p = SouthboundSection()
    >>> early, late = air_mix(p, dt.date(2019, 1, 1)), air_mix(p, dt.date(2024, 1, 1))
    >>> round(early["swanton"], 2), late["swanton"]
    (0.25, 0.82)
    """
    w = ramp_weight(p, day)
    early = air_mix_early(p)
    return {k: (1 - w) * early[k] + w * p.sector_mix_air.get(k, 0.0) for k in SECTORS}


def air_mix_early(p: SouthboundSection) -> dict[str, float]:
    """The air route's sector shares before the ramp (:func:`air_mix` at weight 0): Swanton
    ``swanton_share_air_early``, the rest as the residents' other sectors."""
    rest = {k: v for k, v in p.sector_mix_resident.items() if k != "swanton"}
    tot = sum(rest.values()) or 1.0
    s0 = p.swanton_share_air_early
    return {k: (s0 if k == "swanton" else (1 - s0) * rest.get(k, 0.0) / tot) for k in SECTORS}


class SouthboundSection(_Strict):
    """Parameters of the southbound flows (defaults: ``historical.yaml``'s values)."""

    enabled: bool = True
    # air arrivals heading for the US, per day, at pressure 1 and no visa gate (fitted)
    air_base_per_day: dict[str, NonNeg] = {"MX": 1.0, "IN": 0.1, "OTHER": 0.5}
    # yearly growth (log) of each group's flow from growth_from (fitted)
    growth_per_year: dict[str, float] = {"MX": 0.0, "IN": 0.0, "OTHER": 0.0}
    growth_from: dt.date = dt.date(2021, 1, 1)
    # damping of that growth (per year): the log-growth after t years is r (1 - e^(-κt)) / κ,
    # r t when κ = 0 (exponential); its value is chosen by a rolling-origin check
    growth_damping_per_year: float = Field(default=0.0, ge=0.0, le=10.0)
    # pressure = (US SW apprehensions (t - lag) / their 2017-2018 mean) ** elasticity
    pressure_elasticity: float = Field(default=1.0, ge=0.0, le=3.0)
    pressure_lag_days: int = Field(default=60, ge=0, le=365)
    resident_per_day: NonNeg = 8.0
    # share of air-route crossers by sector (C) and of the resident baseline (C)
    sector_mix_air: dict[str, Share] = {"swanton": 0.82, "buffalo": 0.02, "detroit": 0.01,
                                        "blaine": 0.15, "other": 0.0}
    # before the ramp the air route's Swanton share is ``swanton_share_air_early`` and the rest
    # goes to the other sectors as the residents' do; the share moves linearly to
    # ``sector_mix_air`` over ``air_mix_ramp`` (Montreal smuggling networks to Swanton)
    swanton_share_air_early: Share = 0.25
    air_mix_ramp: tuple[dt.date, dt.date] = (dt.date(2021, 9, 1), dt.date(2023, 1, 1))
    # the air route's level before the ramp (1 after it): the route and its smugglers grew
    air_level_early: float = Field(default=0.5, ge=0.0, le=5.0)
    sector_mix_resident: dict[str, Share] = {"swanton": 0.19, "buffalo": 0.12,
                                             "detroit": 0.37, "blaine": 0.10, "other": 0.22}
    seasonality_amplitude: float = Field(default=0.3, ge=0.0, lt=1.0)
    seasonality_peak_doy: int = Field(default=170, ge=1, le=366)
    # a person flying in with a visa requirement comes with this probability (A; the northbound
    # model's air_visa_gate is the same assumption)
    visa_gate: Share = 0.3
    # share of would-be crossers who can fly with an eTA when the law allows it only to some
    # (IRPR 7.01: Mexicans holding a US visa or a past Canadian visa) (A)
    eta_eligible_share: dict[str, Share] = {"MX": 0.05}
    days_in_canada: int = Field(default=14, ge=0, le=365)   # (A) arrival → crossing
    p_apprehension: dict[str, Share] = {"swanton": 0.77, "buffalo": 0.77, "detroit": 0.77,
                                        "blaine": 0.77, "other": 0.77}
    # month-to-month noise the model does not explain: each replicate multiplies the month's
    # rates by exp(sd × N(0,1) − sd²/2) (one draw per month, all groups); sd = the fit's
    # residual root-mean-square on log Swanton (F), so the bands cover the model's error too
    month_noise_sd: float = Field(default=0.0, ge=0.0, le=2.0)
    # the last month (YYYY-MM) of the figures the fitted values used (null: none, no level
    # discrepancy); after it each replicate's air-route level also wanders as a Gaussian
    # random walk on the log scale, step ``level_step_sd`` a month, mean kept (the model's
    # level discrepancy out of sample: growth it cannot foresee). The step is the random-walk
    # part of the fit's Swanton residuals (``metrics.level_step_variogram``) (F)
    fitted_until: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    level_step_sd: float = Field(default=0.0, ge=0.0, le=1.0)
    p_returned_to_canada: Share = 0.05   # (A) apprehended people handed back to Canada
    p_second_thoughts: Share = 0.003     # (A) referred claimants in Canada who go back south
    second_thoughts_delay_days: int = Field(default=90, ge=0, le=730)
    shocks: list[WindowShock] = []
    visa_overrides: list[VisaOverride] = []

    @model_validator(mode="after")
    def _check(self) -> SouthboundSection:
        for k in (*self.air_base_per_day, *self.growth_per_year):
            if k not in GROUPS[:-1]:
                raise ValueError(
                    f"southbound: unknown group {k!r}; known: {', '.join(GROUPS[:-1])}")
        for mix in (self.sector_mix_air, self.sector_mix_resident, self.p_apprehension):
            for k in mix:
                if k not in SECTORS:
                    raise ValueError(
                        f"southbound: unknown sector {k!r}; known: {', '.join(SECTORS)}")
        for m in (self.sector_mix_air, self.sector_mix_resident):
            if abs(sum(m.values()) - 1.0) > 1e-6:
                raise ValueError("southbound: sector shares must sum to 1")
        if self.air_mix_ramp[1] < self.air_mix_ramp[0]:
            raise ValueError("southbound.air_mix_ramp: end before start")
        for sh in self.shocks:
            for g in sh.groups:
                if g not in GROUPS:
                    raise ValueError(f"southbound.shocks: unknown group {g!r}")
        return self
