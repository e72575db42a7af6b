"""The scalar evaluator: docs/law/RULES.md §5 for one person, with a trace of every provision read.

>>> det = determine({"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": "2023-04-10"},
...                  "claim": {"date": "2023-04-10"}}, dt.date(2023, 4, 10))
>>> det.result_code, det.grounds, det.provisions
('INELIGIBLE/STCA', ['101(1)(e)'], ['IRPR 159.4(1.1)', 'IRPA 101(1)(e)', 'IRPR 159.5(g)(i)'])
>>> [(d.field, d.value) for d in det.derived]  # Haitians need both visas (data/visas.yaml)
[('visa_req_ca', True), ('visa_req_us', True)]
>>> determine({"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": "2022-04-10"},
...            "claim": {"date": "2022-04-10"}}, dt.date(2022, 4, 10)).result_code
'ELIGIBLE/STCA_NOT_APPLICABLE'
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from roxham.errors import UserError
from roxham.law.facts import MAX_DATE, Facts
from roxham.law.reform import (
    EXCEPTION_IDS,
    GROUND_IDS,
    NEVER,
    LawParams,
    Reform,
    day_number,
    law_params,
)
from roxham.law.registry import get_provision
from roxham.law.rules import (
    anniversary,
    irpr_159_1_family_member,
    irpr_159_5_doc,
    irpr_159_5_family,
)
from roxham.law.visas import DerivedFact, derive_visa_facts

__all__ = [
    "RESULT_CODES",
    "STCA_STATUSES",
    "Determination",
    "TraceStep",
    "coerce_facts",
    "consequence",
    "determine",
]

#: Result codes (docs/law/RULES.md §1); the index is the batch code.
RESULT_CODES: tuple[str, ...] = (
    "ELIGIBLE/STCA_NOT_IN_FORCE",
    "ELIGIBLE/STCA_NOT_APPLICABLE",
    "ELIGIBLE/STCA_EXCEPTION",
    "INELIGIBLE/STCA",
    "INELIGIBLE/OTHER_GROUND",
)
#: STCA statuses (docs/law/RULES.md §1); the index is the batch code.
STCA_STATUSES: tuple[str, ...] = ("NOT_IN_FORCE", "NOT_APPLICABLE", "EXCEPTION", "APPLIES")

_EXC_BIT = {e: i for i, e in enumerate(EXCEPTION_IDS)}
_S159_6_MASK = (
    (1 << _EXC_BIT["IRPR 159.6(a)"])
    | (1 << _EXC_BIT["IRPR 159.6(b)"])
    | (1 << _EXC_BIT["IRPR 159.6(c)"])
)
_ALL_MASK = (1 << len(EXCEPTION_IDS)) - 1
_GROUND_BIT = {g: i for i, g in enumerate(GROUND_IDS)}
_BEFORE_IRPA = "as_of is before 2002-06-28: these rules start with IRPA s. 101 (out of scope)"


class TraceStep(NamedTuple):
    """One provision evaluated: what it read, what it found.

    ``version`` is the first day of the text applied (``"not in force"`` when none applied on
    the determination date); ``value`` is the provision's truth value on these facts (None
    when it was only consulted).
    """

    provision: str
    version: str
    inputs: dict[str, Any]
    value: bool | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "provision": self.provision,
            "version": self.version,
            "inputs": {k: _jsonable(v) for k, v in self.inputs.items()},
            "value": self.value,
            "note": self.note,
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


@dataclass(frozen=True, slots=True)
class Determination:
    """The answer for one person (docs/law/RULES.md §1) with its reasons.

    ``route`` is how the STCA reaches the claimant (``LAND_POE``, ``BETWEEN``, ``TRANSIT``)
    and ``scope`` why it does not (``NATIONALITY``, ``STATELESS_FORMER_RESIDENCE``,
    ``FORMER_RESIDENCE``, ``NOT_FROM_US``, ``PLACE_OR_TIME``), when it is in force.
    ``provisions`` are the deciding provisions: the scope or route provisions, the exceptions
    established, the grounds found and, when the STCA applies, the limbs of the exceptions
    that were in play but failed (e.g. ``IRPR 159.5(g)(ii)``). ``consequence`` is written in
    the language asked of :func:`determine` (``lang``).
    """

    result_code: str
    eligible: bool
    stca_status: str
    grounds: list[str]
    provisions: list[str]
    flags: list[str]
    consequence: str
    trace: list[TraceStep]
    as_of: dt.date
    route: str = ""
    scope: str = ""
    exceptions: list[str] = field(default_factory=list)
    failed_exceptions: list[str] = field(default_factory=list)
    entry_mode: str = ""
    days_after_entry: int = 0
    reform: str = ""
    derived: list[DerivedFact] = field(default_factory=list)

    def to_dict(self, trace: bool = False) -> dict[str, Any]:
        """JSON-ready form (the trace only if asked; it repeats the facts)."""
        out: dict[str, Any] = {
            "result_code": self.result_code,
            "eligible": self.eligible,
            "stca_status": self.stca_status,
            "grounds": list(self.grounds),
            "provisions": list(self.provisions),
            "flags": list(self.flags),
            "consequence": self.consequence,
            "as_of": self.as_of.isoformat(),
            "route": self.route,
            "scope": self.scope,
            "exceptions": list(self.exceptions),
            "derived": [d.to_dict() for d in self.derived],
        }
        if trace:
            out["trace"] = [s.to_dict() for s in self.trace]
        return out


@functools.lru_cache(maxsize=4096)
def _intervals(pid: str, reform_key: str) -> tuple[tuple[int, int, str], ...]:
    reform = Reform.model_validate_json(reform_key) if reform_key else None
    try:
        prov = get_provision(pid)
    except UserError:
        return ()
    return tuple(
        (
            day_number(v.start) if v.start != dt.date.min else -(2**31),
            NEVER if v.end is None else day_number(v.end),
            v.start.isoformat() if v.start != dt.date.min else "",
        )
        for v in prov.versions_for(reform)
    )


_TABLES: dict[str, dict[str, tuple[tuple[int, int, str], ...]]] = {}


class _Trace:
    __slots__ = ("day", "key", "steps", "table")

    def __init__(self, day: int, key: str) -> None:
        self.day = day
        self.key = key
        self.steps: list[TraceStep] = []
        self.table = _TABLES.setdefault(key, {}) if len(_TABLES) < 256 else {}

    def add(self, pid: str, value: bool | None, note: str = "", **inputs: Any) -> None:
        iv = self.table.get(pid)
        if iv is None:
            iv = self.table[pid] = _intervals(pid, self.key)
        version = "not in force"
        day = self.day
        for start, end, label in iv:
            if start <= day < end:
                version = label
                break
        self.steps.append(TraceStep(pid, version, inputs, value, note))


def coerce_facts(facts: Facts | Mapping[str, Any]) -> Facts:
    """Validate a mapping into :class:`Facts` (a :class:`Facts` passes through)."""
    if isinstance(facts, Facts):
        return facts
    if not isinstance(facts, Mapping):
        raise UserError(f"facts must be a JSON object, not {type(facts).__name__}")
    return Facts.model_validate(dict(facts))


def _entry_on_or_after_protocol(f: Facts, p: LawParams) -> bool:
    if p.d_protocol == NEVER:
        return False
    e = day_number(f.entry.date)
    if e != p.d_protocol:
        return e > p.d_protocol
    minute = f.entry.minute
    return minute < 0 or minute >= p.protocol_minute


def determine(
    facts: Facts | Mapping[str, Any],
    as_of: dt.date,
    reform: Reform | None = None,
    *,
    lang: str = "en",
    today: dt.date | None = None,
) -> Determination:
    """Decide eligibility to refer the claim (IRPA s. 101(1), IRPR ss. 159.1–159.7).

    ``today`` (passed by the CLI and the API; the engine never reads the clock) refuses an
    ``as_of`` after it: the law of a future date is not known.

    ``as_of`` is the day eligibility is determined; it selects the law's version. ``lang``
    (``"en"`` or ``"fr"``) is the language of ``consequence``. Raises pydantic's
    ``ValidationError`` for invalid facts and :class:`UserError` for an ``as_of`` before the
    claim or an unknown language.
    """
    if lang not in _CONSEQUENCE:
        raise UserError(f"unknown language {lang!r}; expected en or fr")
    f, derived = derive_visa_facts(coerce_facts(facts))
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if not isinstance(as_of, dt.date):
        raise UserError(f"as_of must be a date, not {type(as_of).__name__}")
    if as_of > MAX_DATE:
        raise UserError(f"as_of {as_of} is after {MAX_DATE}: out of the law engine's range")
    if today is not None and as_of > today:
        raise UserError(
            f"as_of {as_of} is after today ({today}): the law of a future date is not known; "
            "screen with today's law or describe the change as a reform"
        )
    if as_of < f.claim.date:
        raise UserError("as_of is before claim.date: eligibility is determined after the claim")
    p = law_params(reform)
    key = reform.model_dump_json() if reform is not None else ""
    a = day_number(as_of)
    if a < p.d_irpa:
        raise UserError(_BEFORE_IRPA)
    claim = day_number(f.claim.date)
    d = f.days_after_entry
    t = _Trace(a, key)
    flags: set[str] = set()
    provs: list[str] = []
    exceptions: list[str] = []
    failed: list[str] = []
    ground_mask = 0
    route = ""
    scope = ""
    stca = ""
    mode = f.entry.mode

    # ---- Step 0: is the STCA regime in force? --------------------------------------------
    if a < p.d_stca:
        stca = "NOT_IN_FORCE"
        t.add("IRPR 159.3", False, "the STCA rules are not yet in force", as_of=as_of)
    elif f.agreement_suspended or p.suspended:
        stca = "NOT_IN_FORCE"
        provs.append("IRPR 159.7")
        t.add("IRPR 159.7", True, "the Agreement is suspended", agreement_suspended=True)
    else:
        t.add("IRPR 159.3", True, "the United States is a designated country")
        # ---- Step 2 first (place and time), so a scope exclusion can name the route too --
        route_provs: list[str] = []
        route_flags: list[str] = []
        na_provs: list[str] = []
        if mode == "AIRPORT":
            if f.us_removal_transit:
                route, route_provs = "TRANSIT", ["IRPR 159.4(2)"]
                t.add("IRPR 159.4(2)", True, "airport, in transit under a US removal order")
            else:
                na_provs = ["IRPR 159.4(1)(c)"]
                t.add("IRPR 159.4(1)(c)", True, "airport port of entry", entry_mode=mode)
        elif mode == "HARBOUR":
            na_provs = ["IRPR 159.4(1)(b)"]
            t.add("IRPR 159.4(1)(b)", True, "harbour port of entry", entry_mode=mode)
        elif mode == "COAST_NON_POE":
            na_provs, route_flags = ["IRPR 159.4(1)(a)"], ["A4"]
            t.add("IRPR 159.4(1)(a)", True, "not a port of entry, not the land border")
        elif mode == "BETWEEN_POE":
            after = _entry_on_or_after_protocol(f, p) and a >= p.d_protocol
            if p.a3 and p.d_protocol != NEVER and claim >= p.d_protocol:
                after = True  # [A3] reform: the Protocol reaches earlier entries
            if (
                f.entry.time is not None
                and p.d_protocol != NEVER
                and (0 <= p.d_protocol - day_number(f.entry.date) <= 1)
            ):
                route_flags.append("A15")
            inside = d <= p.window - 1
            t.add(
                "IRPR 159.4(1.1)",
                after and inside,
                "",
                entry_date=f.entry.date,
                entry_time=f.entry.time,
                claim_date=f.claim.date,
                days_after_entry=d,
                window_days=p.window,
            )
            if not after:
                na_provs = ["IRPR 159.4(1)(a)"]
                if p.d_protocol != NEVER and claim >= p.d_protocol and inside:
                    route_flags.append("A3")
                t.add("IRPR 159.4(1)(a)", True, "entered between ports before the Protocol")
            elif inside:
                route, route_provs = "BETWEEN", ["IRPR 159.4(1.1)"]
            else:
                na_provs = ["IRPR 159.4(1)(a)"]
                if d == p.window:
                    route_flags.append("A1")
                t.add("IRPR 159.4(1)(a)", True, "claim made after the 159.4(1.1) window")
        else:  # LAND_POE
            if f.claim.where == "POE_ON_ARRIVAL" or p.a5:
                route, route_provs = "LAND_POE", ["IRPA 101(1)(e)", "IRPR 159.3"]
                t.add("IRPR 159.3", True, "land port of entry, claim on arrival")
            else:
                na_provs, route_flags = ["STCA Art. 4(1)", "IRPA 101(1)(e)"], ["A5"]
                t.add(
                    "STCA Art. 4(1)",
                    False,
                    "admitted at a land port of entry, claimed later inland",
                    claim_where=f.claim.where,
                )

        # ---- Step 1: personal scope -------------------------------------------------------
        nat_us = "US" in f.nat
        fhr_us = (f.stateless or p.a10) and "US" in f.fhr
        from_us = f.entry.from_ == "US"
        t.add("IRPA 101(1)(e)", not nat_us, "country of nationality", nat=list(f.nat))
        if f.stateless:
            t.add("IRPR 159.2", fhr_us, "stateless; former habitual residence", fhr=list(f.fhr))
        t.add("IRPR 159.1", from_us, "'United States' (50 states + DC)", entry_from=f.entry.from_)
        if nat_us or fhr_us or not from_us:
            stca = "NOT_APPLICABLE"
            if nat_us:
                scope, provs = "NATIONALITY", ["IRPA 101(1)(e)"]
            elif fhr_us and not f.stateless:  # [A10] reform: the literal Act
                scope, provs = "FORMER_RESIDENCE", ["IRPA 101(1)(e)"]
                flags.add("A10")
            elif fhr_us:
                scope, provs = "STATELESS_FORMER_RESIDENCE", ["IRPR 159.2", "IRPA 101(1)(e)"]
            else:
                scope, provs = "NOT_FROM_US", ["IRPA 101(1)(e)", "IRPR 159.1", "IRPR 159.3"]
            # the place-and-time rule that also keeps the STCA away, or would bring it in
            provs += na_provs + (route_provs if route in ("BETWEEN", "TRANSIT") else [])
            route = ""
        elif not route:
            stca = "NOT_APPLICABLE"
            scope = "PLACE_OR_TIME"
            provs = na_provs
            flags.update(route_flags)
        else:
            flags.update(route_flags)
            if "US" in f.fhr:
                flags.add("A10")  # former habitual residence read only for stateless persons
            # ---- Step 3: exceptions -----------------------------------------------------
            mask = 0
            would_159_5 = False
            minor = f.age is not None and f.age < p.adult_age
            for i, m in enumerate(f.family):
                q = irpr_159_1_family_member(m.canonical_rel, minor)
                t.add("IRPR 159.1", q, "family member", member=i, rel=m.rel)
                if not q:
                    continue
                if not m.proven:
                    t.add("IRPR 159.5", False, "relationship or status not proven", member=i)
                    continue
                fnd = irpr_159_5_family(m, p.adult_age)
                flags.update(fnd.flags)
                if fnd.exception:
                    mask |= 1 << _EXC_BIT[fnd.exception]
                    t.add(fnd.exception, True, "", member=i, status=m.status, in_ca=m.in_ca)
                elif fnd.failed:
                    failed.append(fnd.failed)
                    t.add(fnd.failed, False, "", member=i, status=m.status, in_ca=m.in_ca)
            # (e) unaccompanied minor
            e_ok = (
                minor
                and not f.accompanied_by_parent_or_guardian
                and not f.has_spouse_or_cl
                and not f.parent_or_guardian_in_ca_or_us
            )
            if e_ok:
                mask |= 1 << _EXC_BIT["IRPR 159.5(e)"]
            elif minor or not f.accompanied_by_parent_or_guardian:
                if not minor or f.accompanied_by_parent_or_guardian:
                    failed.append("IRPR 159.5(e)(i)")
                if f.has_spouse_or_cl:
                    failed.append("IRPR 159.5(e)(ii)")
                if f.parent_or_guardian_in_ca_or_us:
                    failed.append("IRPR 159.5(e)(iii)")
            t.add(
                "IRPR 159.5(e)",
                e_ok,
                "",
                age=f.age,
                accompanied=f.accompanied_by_parent_or_guardian,
                spouse_or_cl=f.has_spouse_or_cl,
                parent_or_guardian_in_ca_or_us=f.parent_or_guardian_in_ca_or_us,
            )
            # (f) documents
            f_ok = False
            f_limbs: list[str] = []
            for j, doc in enumerate(f.docs):
                fnd = irpr_159_5_doc(doc)
                flags.update(fnd.flags)
                if fnd.exception:
                    f_ok = True
                    f_limbs.append(fnd.failed)
                elif fnd.failed:
                    failed.append(fnd.failed)
                t.add(fnd.failed or "IRPR 159.5(f)", bool(fnd.exception), "", doc=j, type=doc.type)
            if f_ok:
                mask |= 1 << _EXC_BIT["IRPR 159.5(f)"]
            # (g) visa-exempt for Canada, visa-required for the US; unknown = not established
            g_ok = f.visa_req_ca is False and f.visa_req_us is True
            if g_ok:
                mask |= 1 << _EXC_BIT["IRPR 159.5(g)"]
            else:
                if f.visa_req_ca is True:
                    failed.append("IRPR 159.5(g)(i)")
                if f.visa_req_us is False:
                    failed.append("IRPR 159.5(g)(ii)")
            t.add("IRPR 159.5(g)", g_ok, "", visa_req_ca=f.visa_req_ca, visa_req_us=f.visa_req_us)
            # (h)
            if f.us_refused_entry_no_adjudication:
                mask |= 1 << _EXC_BIT["IRPR 159.5(h)(i)"]
            if f.pr_removed_from_us:
                mask |= 1 << _EXC_BIT["IRPR 159.5(h)(ii)"]
            t.add("IRPR 159.5(h)(i)", f.us_refused_entry_no_adjudication, "")
            t.add("IRPR 159.5(h)(ii)", f.pr_removed_from_us, "")
            if route == "TRANSIT":
                would_159_5 = bool(mask & ~_S159_6_MASK & ~p.removed_mask & _ALL_MASK)
                mask &= _S159_6_MASK
                failed = []
                t.add("IRPR 159.5", False, "not available to airport claimants")
            # IRPR 159.6: every route
            dp = f.death_penalty
            if dp is not None and dp.punishable_by_death:
                bit = "IRPR 159.6(a)" if dp.country == "US" else "IRPR 159.6(b)"
                mask |= 1 << _EXC_BIT[bit]
                t.add(bit, True, "", country=dp.country, status=dp.status)
            if f.tsr_national:
                tsr_on = a < p.d_tsr_repeal
                if tsr_on:
                    mask |= 1 << _EXC_BIT["IRPR 159.6(c)"]
                t.add("IRPR 159.6(c)", tsr_on, "" if tsr_on else "repealed by SOR/2009-210")
            removed = mask & p.removed_mask
            if removed:
                t.add(
                    "IRPR 159.5",
                    None,
                    "exceptions removed by the reform: "
                    + ", ".join(e for i, e in enumerate(EXCEPTION_IDS) if removed >> i & 1),
                )
            mask &= ~p.removed_mask
            exceptions = [e for i, e in enumerate(EXCEPTION_IDS) if mask >> i & 1]
            if mask:
                stca = "EXCEPTION"
                provs = route_provs + exceptions
                if "IRPR 159.5(f)" in exceptions:
                    provs += f_limbs
                if "IRPA 101(1)(e)" in provs:
                    provs.remove("IRPA 101(1)(e)")
                failed = []
            else:
                stca = "APPLIES"
                ground_mask |= 1 << _GROUND_BIT["101(1)(e)"]
                provs = list(route_provs)
                if "IRPA 101(1)(e)" not in provs:
                    provs.append("IRPA 101(1)(e)")
                if would_159_5:
                    provs.append("IRPR 159.5")
                for x in failed:
                    if x not in provs:
                        provs.append(x)

    # ---- Other grounds of IRPA s. 101(1) --------------------------------------------------
    pr = f.prior
    if pr.protection_conferred_in_canada:
        ground_mask |= 1 << _GROUND_BIT["101(1)(a)"]
    t.add("IRPA 101(1)(a)", pr.protection_conferred_in_canada, "")
    b = pr.canada_claim == "REJECTED_BY_BOARD"
    if b:
        ground_mask |= 1 << _GROUND_BIT["101(1)(b)"]
    t.add("IRPA 101(1)(b)", b, "", prior_claim=pr.canada_claim)
    # (b.1) / (b.2): claims made from D_C2_INTRO, determined from D_C12_RA
    b_claims = claim >= p.d_c2_intro
    b1 = False
    first = None
    for e in f.all_entries():
        if day_number(e) > p.d_covid_b1:
            first = e
            break
    if first is not None:
        ann = anniversary(first)
        b1 = f.claim.date > ann
        if f.claim.date == ann or (first.month == 2 and first.day == 29):
            if b_claims:
                flags.add("A11")
    # (b.2) needs the s. 159.4(1.1) time limit to exist on the determination date
    b2 = mode == "BETWEEN_POE" and d >= p.window and p.d_protocol <= a
    if b_claims and a < p.d_c12_ra and (b1 or b2):
        flags.add("A11")  # later law reaches the claim; s. 104(1)(a) notice discretionary
    in_force_b = a >= p.d_c12_ra and b_claims
    if in_force_b and b2 and day_number(f.entry.date) < p.d_c2_intro:
        # (b.2) reaches an entry made before the ground was introduced; unlike (b.1) ("entered
        # Canada after June 24, 2020") its text sets no entry date: retrospective reach [A17]
        flags.add("A17")
    if in_force_b:
        if b1:
            ground_mask |= 1 << _GROUND_BIT["101(1)(b.1)"]
        if b2:
            ground_mask |= 1 << _GROUND_BIT["101(1)(b.2)"]
            if d == p.window:
                flags.add("A2")
            if "US" in f.nat or (f.stateless and "US" in f.fhr):
                flags.add("A13")
    t.add(
        "IRPA 101(1)(b.1)", in_force_b and b1, "", first_entry_after=first, claim_date=f.claim.date
    )
    t.add("IRPA 101(1)(b.2)", in_force_b and b2, "", entry_mode=mode, days_after_entry=d)
    c = False
    if pr.canada_claim in ("INELIGIBLE", "INELIGIBLE_101_1_E", "WITHDRAWN", "ABANDONED"):
        carve_out = (
            a >= p.d_prior_claim_def
            and pr.canada_claim == "INELIGIBLE_101_1_E"
            and f.us_refused_entry_no_adjudication
        )
        t.add("IRPR 159.01", carve_out, "prior claim", prior_claim=pr.canada_claim)
        if carve_out:
            provs.append("IRPR 159.01")
        else:
            c = True
            if pr.canada_claim == "INELIGIBLE_101_1_E":
                flags.add("A9")
    if c:
        ground_mask |= 1 << _GROUND_BIT["101(1)(c)"]
    t.add("IRPA 101(1)(c)", c, "", prior_claim=pr.canada_claim)
    c1 = a >= p.d_c1 and claim >= p.d_c97_intro and pr.other_country_claim_confirmed
    if c1:
        ground_mask |= 1 << _GROUND_BIT["101(1)(c.1)"]
    t.add("IRPA 101(1)(c.1)", c1, "", other_country_claim=pr.other_country_claim_confirmed)
    if pr.recognized_refugee_elsewhere_returnable:
        ground_mask |= 1 << _GROUND_BIT["101(1)(d)"]
    t.add("IRPA 101(1)(d)", pr.recognized_refugee_elsewhere_returnable, "")
    if f.inadmissible_101f:
        ground_mask |= 1 << _GROUND_BIT["101(1)(f)"]
    t.add("IRPA 101(1)(f)", f.inadmissible_101f, "")

    grounds = [g for i, g in enumerate(GROUND_IDS) if ground_mask >> i & 1]
    for g in grounds:
        if g != "101(1)(e)":
            provs.append("IRPA " + g)
        if g == "101(1)(b.2)":
            provs.append("IRPR 159.4(1.1)")  # the time limit (b.2) refers to
    eligible = not grounds
    if eligible:
        code = "ELIGIBLE/STCA_" + stca
    elif ground_mask >> _GROUND_BIT["101(1)(e)"] & 1:
        code = "INELIGIBLE/STCA"
    else:
        code = "INELIGIBLE/OTHER_GROUND"
    return Determination(
        result_code=code,
        eligible=eligible,
        stca_status=stca,
        grounds=grounds,
        provisions=list(dict.fromkeys(provs)),
        flags=sorted(flags, key=lambda s: int(s[1:])),
        consequence=consequence(code, grounds, mode, lang),
        trace=t.steps,
        as_of=as_of,
        route=route,
        scope=scope,
        exceptions=exceptions,
        failed_exceptions=failed,
        entry_mode=mode,
        days_after_entry=d,
        reform=reform.name if reform is not None else "",
        derived=list(derived),
    )


#: What follows from the result (docs/law/RULES.md §1 ``consequence``), by language; the French
#: vocabulary is that of the French explanations (roxham.law.explain).
_CONSEQUENCE: dict[str, dict[str, str]] = {
    "en": {
        "stca_between": "Returned to the United States through a land port of entry.",
        "stca": "Returned to the United States, usually at the port where the person arrived.",
        "terminated": "Processing of the claim is terminated (IRPA s. 101(1.2)); the person may "
        "still apply for a pre-removal risk assessment (PRRA).",
        "other": "The claim is not referred to the Refugee Protection Division "
        "(IRPA s. 101(1)).",
        "c1": "The claim is not referred to the Refugee Protection Division (IRPA "
        "s. 101(1)(c.1)); the person may apply for a pre-removal risk assessment (PRRA, "
        "IRPA s. 112), with a hearing (IRPA s. 113.01).",
        "eligible": "The claim may be referred to the Refugee Protection Division: no "
        "IRPA s. 101(1) ground was found in the facts supplied (identity, security and other "
        "checks still apply).",
    },
    "fr": {
        "stca_between": "Renvoi aux États-Unis par un point d'entrée terrestre.",
        "stca": "Renvoi aux États-Unis, en général au point d'entrée d'arrivée.",
        "terminated": "Le traitement de la demande prend fin (LIPR, par. 101(1.2)) ; un examen "
        "des risques avant renvoi (ERAR) reste possible.",
        "other": "La demande n'est pas déférée à la Section de la protection des réfugiés "
        "(LIPR, par. 101(1)).",
        "c1": "La demande n'est pas déférée à la Section de la protection des réfugiés (LIPR, "
        "al. 101(1)c.1)) ; la personne peut demander un examen des risques avant renvoi (ERAR, "
        "LIPR, art. 112), avec audience (LIPR, art. 113.01).",
        "eligible": "La demande peut être déférée à la Section de la protection des réfugiés : "
        "aucun motif du par. 101(1) de la LIPR n'a été trouvé dans les faits fournis "
        "(l'identité, la sécurité et d'autres exigences restent à vérifier).",
    },
}


def consequence(result_code: str, grounds: list[str], entry_mode: str, lang: str = "en") -> str:
    """What follows from a result (docs/law/RULES.md §1), in English (``"en"``) or French.

    >>> consequence("INELIGIBLE/STCA", ["101(1)(e)"], "BETWEEN_POE", "fr")
    "Renvoi aux États-Unis par un point d'entrée terrestre."
    """
    table = _CONSEQUENCE.get(lang)
    if table is None:
        raise UserError(f"unknown language {lang!r}; expected en or fr")
    if result_code == "INELIGIBLE/STCA":
        return table["stca_between" if entry_mode == "BETWEEN_POE" else "stca"]
    if result_code == "INELIGIBLE/OTHER_GROUND":
        if "101(1)(b.1)" in grounds or "101(1)(b.2)" in grounds:
            return table["terminated"]
        if "101(1)(c.1)" in grounds:
            return table["c1"]
        return table["other"]
    return table["eligible"]
