"""The facts the law reads (docs/law/RULES.md §2), validated.

Keys are exactly those of the ``facts`` JSON in ``law/cases.csv``. Omitted keys take the
defaults of docs/law/RULES.md §2. Unknown keys are rejected, except the *informational* keys
it lists (``note``, ``entry_note``, ``us_lpr``, ``years_resident_in_us``, ``conveyance``,
``admitted_as``, ``cohabitation_years``, ``water``, ``us_noncitizen_national``), which may sit
at any level and are ignored by the law. Wrong types, unknown enum values and impossible
combinations (a claim before the entry, a negative age, a stateless person with a nationality)
are errors naming the field.

>>> f = Facts.model_validate({"nat": ["HT"], "entry": {"mode": "BETWEEN_POE",
...     "date": "2023-04-10"}, "claim": {"date": "2023-04-10"}})
>>> f.entry.from_, f.claim.where, f.days_after_entry
('US', 'POE_ON_ARRIVAL', 0)
>>> from pydantic import ValidationError
>>> try:
...     Facts.model_validate({"nat": ["HT"], "entry": {"mode": "LAND_POE",
...         "date": "2023-04-10"}, "claim": {"date": "2023-04-09"}})
... except ValidationError as e:
...     print(e.errors()[0]["loc"], e.errors()[0]["msg"])
('claim',) Value error, claim.date is before entry.date
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "CLAIM_STATES",
    "CLAIM_WHERE",
    "DOC_TYPES",
    "ENTRY_MODES",
    "FAMILY_STATUSES",
    "INFORMATIONAL_KEYS",
    "MAX_DATE",
    "MAX_ITEMS",
    "MIN_DATE",
    "PRIOR_CLAIMS",
    "QUALIFYING_RELS",
    "RELATIONSHIPS",
    "Claim",
    "DeathPenalty",
    "Doc",
    "Entry",
    "Facts",
    "FamilyMember",
    "Permit",
    "Prior",
]

#: Keys docs/law/RULES.md §2 calls informational: accepted anywhere, ignored by the law.
INFORMATIONAL_KEYS: frozenset[str] = frozenset(
    {
        "note",
        "entry_note",
        "us_lpr",
        "years_resident_in_us",
        "conveyance",
        "admitted_as",
        "cohabitation_years",
        "water",
        "us_noncitizen_national",
    }
)


#: Relationships that make a "family member" (IRPR s. 159.1); ``legal_guardian`` only for a
#: claimant under 18 (checked by the rule, not here).
QUALIFYING_RELS = (
    "spouse",
    "common_law_partner",
    "legal_guardian",
    "child",
    "father",
    "mother",
    "brother",
    "sister",
    "grandfather",
    "grandmother",
    "grandchild",
    "uncle",
    "aunt",
    "nephew",
    "niece",
)
#: Other words accepted for ``family[].rel``, mapped to a qualifying word [A12: half-siblings
#: are siblings, adoptive relations are natural ones] or to themselves (non-qualifying:
#: step-relations, in-laws, cousins, friends).
_REL_SYNONYMS: dict[str, str] = {
    "half_brother": "brother",
    "half_sister": "sister",
    "adoptive_father": "father",
    "adoptive_mother": "mother",
    "adopted_child": "child",
    "adopted_son": "child",
    "adopted_daughter": "child",
    "adoptive_brother": "brother",
    "adoptive_sister": "sister",
    "son": "child",
    "daughter": "child",
    "grandson": "grandchild",
    "granddaughter": "grandchild",
    "husband": "spouse",
    "wife": "spouse",
    "guardian": "legal_guardian",
}
_NON_QUALIFYING_RELS = (
    "cousin",
    "second_cousin",
    "brother_in_law",
    "sister_in_law",
    "father_in_law",
    "mother_in_law",
    "son_in_law",
    "daughter_in_law",
    "step_brother",
    "step_sister",
    "step_father",
    "step_mother",
    "step_child",
    "stepbrother",
    "stepsister",
    "stepfather",
    "stepmother",
    "stepchild",
    "great_uncle",
    "great_aunt",
    "great_grandfather",
    "great_grandmother",
    "fiance",
    "fiancee",
    "friend",
    "other",
)
#: Every accepted ``family[].rel`` value.
RELATIONSHIPS: tuple[str, ...] = QUALIFYING_RELS + tuple(_REL_SYNONYMS) + _NON_QUALIFYING_RELS

EntryMode = Literal["LAND_POE", "BETWEEN_POE", "AIRPORT", "HARBOUR", "COAST_NON_POE"]
ClaimWhere = Literal["POE_ON_ARRIVAL", "INLAND_OFFICE", "AIRPORT_ON_ARRIVAL"]
FamilyStatus = Literal[
    "CITIZEN",
    "PR",
    "PROTECTED_PERSON",
    "STAY_R233",
    "CLAIMANT",
    "WORK_PERMIT",
    "STUDY_PERMIT",
    "VISITOR",
    "NONE",
    "OTHER_STAY",
]
ClaimState = Literal[
    "REFERRED_PENDING",
    "NOT_REFERRED",
    "INELIGIBLE",
    "WITHDRAWN",
    "ABANDONED",
    "REJECTED",
    "REJECTED_APPEAL_PENDING",
    "TERMINATED_104",
]
DocType = Literal[
    "PR_VISA",
    "TRV",
    "TRANSIT_VISA",
    "TRP",
    "PR_TRAVEL_DOC",
    "REFUGEE_TRAVEL_PAPERS",
    "TTD_R151",
    "WORK_PERMIT",
    "STUDY_PERMIT",
    "ETA",
]
PriorClaim = Literal[
    "REJECTED_BY_BOARD", "INELIGIBLE", "INELIGIBLE_101_1_E", "WITHDRAWN", "ABANDONED"
]

#: The allowed values, in a fixed order (batch columns store indices into these).
ENTRY_MODES: tuple[str, ...] = get_args(EntryMode)
CLAIM_WHERE: tuple[str, ...] = get_args(ClaimWhere)
FAMILY_STATUSES: tuple[str, ...] = get_args(FamilyStatus)
CLAIM_STATES: tuple[str, ...] = get_args(ClaimState)
DOC_TYPES: tuple[str, ...] = get_args(DocType)
PRIOR_CLAIMS: tuple[str, ...] = get_args(PriorClaim)

#: Further non-qualifying relations accepted by shape: step-, great-, god-, foster-, ex-
#: relations, in-laws and cousins (none is a "family member" of IRPR s. 159.1).
_OTHER_REL = re.compile(
    r"^((step|great|god|foster|ex)_?[a-z_]+|[a-z_]+_in_law|[a-z_]*cousin[a-z_]*)$"
)
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_MAX_AGE = 130

#: Earliest and latest date the facts may hold (``entry.date``, ``claim.date``, ``entries``),
#: and the latest law date (``as_of``, reform dates) the law engine accepts. Dates outside
#: are refused by validation (docs/law/RULES.md "Bounds"): no rule reads them, and date
#: arithmetic near 0001-01-01 or 9999-12-31 would overflow.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
#: Most items in each of ``family``, ``docs`` and ``entries`` (a household larger than this is
#: refused by validation before any work: the screener's work grows with these lists).
MAX_ITEMS = 50

#: A date within :data:`MIN_DATE` … :data:`MAX_DATE`.
BoundedDate = Annotated[dt.date, Field(ge=MIN_DATE, le=MAX_DATE)]


def _country(v: Any, field: str) -> str:
    if not isinstance(v, str) or not _COUNTRY_RE.match(v.strip().upper()):
        raise PydanticCustomError(
            "country", "{field}: expected an ISO-3166 alpha-2 country code", {"field": field}
        )
    return v.strip().upper()


class _Strict(BaseModel):
    """Unknown keys are errors; informational keys (docs/law/RULES.md §2) are dropped first."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_informational(cls, data: Any) -> Any:
        if isinstance(data, dict) and INFORMATIONAL_KEYS.intersection(data):
            return {k: v for k, v in data.items() if k not in INFORMATIONAL_KEYS}
        return data


class Entry(_Strict):
    """How, where and when the person entered Canada."""

    mode: EntryMode
    from_: str = Field("US", alias="from")
    date: BoundedDate
    time: str | None = None

    @field_validator("from_", mode="before")
    @classmethod
    def _from_code(cls, v: Any) -> str:
        return _country(v, "entry.from")

    @field_validator("time")
    @classmethod
    def _hhmm(cls, v: str | None) -> str | None:
        if v is not None and not _TIME_RE.match(v):
            raise ValueError("entry.time must be HH:MM (24-hour local time)")
        return v

    @property
    def minute(self) -> int:
        """Minute of the day of the entry, or -1 when no time was given."""
        if self.time is None:
            return -1
        return int(self.time[:2]) * 60 + int(self.time[3:])


class Claim(_Strict):
    """When and where the refugee claim is made."""

    date: BoundedDate
    where: ClaimWhere = "POE_ON_ARRIVAL"


class Permit(_Strict):
    """A family member's Canadian work or study permit."""

    type: Literal["WP", "SP"]
    valid: StrictBool = True
    basis: str | None = None


class FamilyMember(_Strict):
    """One relative (IRPR s. 159.1 "family member" if ``rel`` qualifies)."""

    rel: str
    age: StrictInt | None = Field(None, ge=0, le=_MAX_AGE)
    in_ca: StrictBool = True
    status: FamilyStatus = "NONE"
    claim_state: ClaimState | None = None
    permit: Permit | None = None
    proven: StrictBool = True

    @field_validator("rel", mode="before")
    @classmethod
    def _rel(cls, v: Any) -> str:
        if not isinstance(v, str):
            raise ValueError("rel must be a string")
        key = v.strip().lower().replace("-", "_").replace(" ", "_")
        if key not in RELATIONSHIPS and not _OTHER_REL.match(key):
            raise ValueError(
                f"unknown relationship {key!r}; expected one of {', '.join(QUALIFYING_RELS)}, "
                "a half-, adoptive, step- or in-law relation, cousin, friend or other"
            )
        return key

    @property
    def canonical_rel(self) -> str:
        """``rel`` as a word of IRPR s. 159.1 where it is one (half-brother → brother [A12])."""
        return _REL_SYNONYMS.get(self.rel, self.rel)

    @model_validator(mode="after")
    def _claimant_has_state(self) -> FamilyMember:
        if self.status == "CLAIMANT" and self.claim_state is None:
            raise ValueError("claim_state is required when status is CLAIMANT")
        return self

    @property
    def adult(self) -> bool:
        """18 or over (an omitted age means adult)."""
        return self.age is None or self.age >= 18


class Doc(_Strict):
    """A Canadian document held by the claimant."""

    type: DocType
    valid: StrictBool = True
    transit_only: StrictBool = False


class DeathPenalty(_Strict):
    """A charge or conviction for an offence punishable by death."""

    country: str
    status: Literal["CHARGED", "CONVICTED"]
    punishable_by_death: StrictBool

    @field_validator("country", mode="before")
    @classmethod
    def _code(cls, v: Any) -> str:
        return _country(v, "death_penalty.country")


class Prior(_Strict):
    """Earlier claims and protection (IRPA s. 101(1)(a)–(d))."""

    canada_claim: PriorClaim | None = None
    protection_conferred_in_canada: StrictBool = False
    other_country_claim_confirmed: StrictBool = False
    recognized_refugee_elsewhere_returnable: StrictBool = False


class Facts(_Strict):
    """Everything the STCA eligibility rules read about one claimant (docs/law/RULES.md §2)."""

    nat: list[str]
    stateless: StrictBool = False
    fhr: list[str] = Field(default_factory=list)
    age: StrictInt | None = Field(None, ge=0, le=_MAX_AGE)
    has_spouse_or_cl: StrictBool = False
    entry: Entry
    entries: list[BoundedDate] | None = Field(None, max_length=MAX_ITEMS)
    claim: Claim
    us_removal_transit: StrictBool = False
    family: list[FamilyMember] = Field(default_factory=list, max_length=MAX_ITEMS)
    accompanied_by_parent_or_guardian: StrictBool = True
    parent_or_guardian_in_ca_or_us: StrictBool = True
    docs: list[Doc] = Field(default_factory=list, max_length=MAX_ITEMS)
    visa_req_ca: StrictBool | None = None
    visa_req_us: StrictBool | None = None
    death_penalty: DeathPenalty | None = None
    us_refused_entry_no_adjudication: StrictBool = False
    pr_removed_from_us: StrictBool = False
    tsr_national: StrictBool = False
    prior: Prior = Field(default_factory=Prior)
    inadmissible_101f: StrictBool = False
    agreement_suspended: StrictBool = False

    @field_validator("nat", "fhr", mode="before")
    @classmethod
    def _codes(cls, v: Any, info: ValidationInfo) -> list[str]:
        if not isinstance(v, list):
            raise ValueError(f"{info.field_name} must be a list of ISO-3166 alpha-2 codes")
        if len(v) > MAX_ITEMS:
            raise ValueError(f"{info.field_name}: at most {MAX_ITEMS} countries")
        return [_country(c, str(info.field_name)) for c in v]

    @field_validator("claim")
    @classmethod
    def _claim_after_entry(cls, v: Claim, info: ValidationInfo) -> Claim:
        entry = info.data.get("entry")
        if entry is not None and v.date < entry.date:
            raise ValueError("claim.date is before entry.date")
        return v

    @model_validator(mode="after")
    def _combinations(self) -> Facts:
        if self.stateless and self.nat:
            raise ValueError("nat: a stateless person has no nationality (nat must be [])")
        if self.claim.where == "AIRPORT_ON_ARRIVAL" and self.entry.mode != "AIRPORT":
            raise ValueError("claim.where: AIRPORT_ON_ARRIVAL needs entry.mode AIRPORT")
        if self.entries is not None:
            for i, d in enumerate(self.entries):
                if d > self.claim.date:
                    raise ValueError(f"entries[{i}] is after claim.date")
        return self

    # ---- derived values the rules use -------------------------------------------------------
    @property
    def days_after_entry(self) -> int:
        """``d = claim.date − entry.date`` in calendar days (docs/law/RULES.md §4)."""
        return (self.claim.date - self.entry.date).days

    @property
    def minor(self) -> bool:
        """Under 18 on the determination date (an omitted age means adult)."""
        return self.age is not None and self.age < 18

    def all_entries(self) -> list[dt.date]:
        """Every entry into Canada: ``entries`` plus ``entry.date``, sorted."""
        s = set(self.entries or ())
        s.add(self.entry.date)
        return sorted(s)
