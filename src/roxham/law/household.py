"""Household screening: several people arriving together, each with a result, the
family-member exceptions reading the others.

A person travelling with relatives is examined on their own facts; once one of them is found
eligible, their claim is referred to the Refugee Protection Division, and a relative of theirs
may then meet IRPR s. 159.5(c) (a family member in Canada, 18 or older, whose claim has been
referred and is pending). This module applies that reading to a household: each member is
decided, every eligible adult is added to the others' ``family`` as a ``CLAIMANT`` with a
``REFERRED_PENDING`` claim (under the relation the household file gives), and the decisions
are repeated until none changes (adding a family member can only add exceptions, so at most
one round per member). Members arrive together, so ``in_ca`` is read as "in Canada when the
claim is examined" [A16].

A household is ``{"members": [{"id": "A", "facts": {...}, "relations": {"B": "sister"}}]}``:
``relations[X]`` is what member X is to this member (docs/law/RULES.md §2 relationship words).

>>> import datetime as dt
>>> base = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
...         "claim": {"date": "2022-08-15"}}
>>> h = {"members": [
...     {"id": "A", "facts": {**base, "age": 30,
...                           "family": [{"rel": "brother", "status": "CITIZEN"}]}},
...     {"id": "B", "facts": {**base, "age": 28}, "relations": {"A": "sister"}}]}
>>> [(r.id, r.determination.result_code) for r in screen_household(h, dt.date(2022, 8, 15))]
[('A', 'ELIGIBLE/STCA_EXCEPTION'), ('B', 'ELIGIBLE/STCA_EXCEPTION')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from roxham.errors import UserError, format_validation_error
from roxham.law.determine import Determination, determine
from roxham.law.facts import MAX_ITEMS, Facts, FamilyMember
from roxham.law.reform import Reform, law_params

__all__ = ["MAX_MEMBERS", "Household", "MemberResult", "screen_household"]

#: Most people in one household (each round decides every member again).
MAX_MEMBERS = 20


class Member(BaseModel):
    """One person of the household: an id, their facts, and what the others are to them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=40)
    facts: Facts
    relations: dict[str, str] = Field(default_factory=dict, max_length=MAX_MEMBERS)


class Household(BaseModel):
    """People arriving together (at most :data:`MAX_MEMBERS`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    members: list[Member] = Field(min_length=1, max_length=MAX_MEMBERS)

    @model_validator(mode="after")
    def _ids(self) -> Household:
        ids = [m.id for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("members: each id must be unique")
        for m in self.members:
            for other, rel in m.relations.items():
                if other not in ids or other == m.id:
                    raise ValueError(f"members[{m.id}].relations: unknown member {other!r}")
                FamilyMember.model_validate({"rel": rel})  # a known relationship word
        return self


@dataclass(frozen=True)
class MemberResult:
    """A member's result, and the household members whose referred claims it read."""

    id: str
    determination: Determination
    read_from: list[str] = field(default_factory=list)


def _as_member(other: Member, rel: str) -> FamilyMember:
    return FamilyMember.model_validate(
        {"rel": rel, "age": other.facts.age, "in_ca": True, "status": "CLAIMANT",
         "claim_state": "REFERRED_PENDING"}
    )


def screen_household(
    household: Household | Mapping[str, Any],
    as_of: dt.date,
    reform: Reform | None = None,
    *,
    lang: str = "en",
    today: dt.date | None = None,
) -> list[MemberResult]:
    """Each member's determination, the family exceptions reading the others (module doc).
    Raises :class:`UserError` for an invalid household."""
    if not isinstance(household, Household):
        try:
            household = Household.model_validate(household)
        except ValidationError as e:
            raise UserError(format_validation_error(e, "household")) from None
    adult = law_params(reform).adult_age
    members = household.members
    results = {m.id: MemberResult(m.id, determine(m.facts, as_of, reform, lang=lang,
                                                  today=today)) for m in members}
    for _ in range(len(members)):
        referred = {i for i, r in results.items() if r.determination.eligible}
        changed = False
        for m in members:
            if results[m.id].determination.eligible:
                continue
            extra = [(o, m.relations[o.id]) for o in members
                     if o.id in referred and o.id in m.relations
                     and (o.facts.age is None or o.facts.age >= adult)]
            if not extra:
                continue
            family = [*m.facts.family, *(_as_member(o, rel) for o, rel in extra)]
            if len(family) > MAX_ITEMS:
                raise UserError(f"members[{m.id}]: more than {MAX_ITEMS} family members")
            det = determine(m.facts.model_copy(update={"family": family}), as_of, reform,
                            lang=lang, today=today)
            if det.eligible:
                results[m.id] = MemberResult(m.id, det, [o.id for o, _ in extra])
                changed = True
        if not changed:
            break
    return [results[m.id] for m in members]
