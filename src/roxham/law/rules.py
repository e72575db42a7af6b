"""The law: predicates of IRPR ss. 159.5–159.6 and the helpers of IRPA s. 101(1), by citation.

Each function reads facts and returns what the provision says about them. The same functions
feed the scalar evaluator (:mod:`roxham.law.determine`) and the encoding of list-valued facts
(family, documents) into per-row features for the batch kernel (:mod:`roxham.law.batch`), so
there is one rule source for who counts as a family member and which document qualifies.

>>> from roxham.law.facts import FamilyMember
>>> irpr_159_5_family(FamilyMember(rel="nephew", age=12, status="CITIZEN"))
Finding(exception='IRPR 159.5(a)', failed='', flags=())
>>> irpr_159_5_family(FamilyMember(rel="brother", age=17, status="CLAIMANT",
...                                claim_state="REFERRED_PENDING"))
Finding(exception='', failed='IRPR 159.5(c)', flags=())
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from roxham.law.facts import QUALIFYING_RELS, Doc, FamilyMember

__all__ = [
    "Finding",
    "anniversary",
    "irpr_159_1_family_member",
    "irpr_159_5_doc",
    "irpr_159_5_family",
]


class Finding(NamedTuple):
    """What one provision found: the exception established (id) and/or the limb concerned.

    With ``exception`` empty, ``failed`` names the limb that failed; with ``exception`` set,
    ``failed`` may name the sub-paragraph that was met (e.g. ``IRPR 159.5(f)(i)``).
    """

    exception: str
    failed: str
    flags: tuple[str, ...]


_NONE = Finding("", "", ())
_FAMILY_WORDS = frozenset(QUALIFYING_RELS) - {"legal_guardian"}
_HALF = frozenset({"half_brother", "half_sister"})


def irpr_159_1_family_member(rel: str, claimant_minor: bool) -> bool:
    """IRPR s. 159.1 "family member" (``rel`` already canonical: half-brother → brother [A12]).

    A legal guardian counts only for a claimant under 18 ("legal guardian, in respect of a
    claimant who has not attained the age of 18 years").
    """
    if rel == "legal_guardian":
        return claimant_minor
    return rel in _FAMILY_WORDS


def irpr_159_5_family(m: FamilyMember, adult_age: int = 18) -> Finding:
    """IRPR s. 159.5(a)–(d) for one family member (relationship and proof checked by caller).

    "is in Canada" [A16]: physically present when the claim is examined.
    """
    flags: tuple[str, ...] = ("A12",) if m.rel in _HALF else ()
    adult = m.age is None or m.age >= adult_age
    status = m.status
    permit = m.permit
    # Status "WORK_PERMIT"/"STUDY_PERMIT" without details: a valid permit of that kind.
    wp_type = "WP" if status == "WORK_PERMIT" else "SP" if status == "STUDY_PERMIT" else ""
    p_type = permit.type if permit is not None else wp_type
    p_valid = permit.valid if permit is not None else bool(wp_type)
    p_basis = (permit.basis or "") if permit is not None else ""

    by_status = {
        "CITIZEN": "IRPR 159.5(a)",
        "PROTECTED_PERSON": "IRPR 159.5(b)(i)",
        "PR": "IRPR 159.5(b)(ii)",
        "STAY_R233": "IRPR 159.5(b)(iii)",
    }.get(status, "")
    if not m.in_ca:
        para = by_status[:13] if by_status else ""  # "IRPR 159.5(b)"
        if not para and status == "CLAIMANT":
            para = "IRPR 159.5(c)"
        if not para and p_type:
            para = "IRPR 159.5(d)"
        return Finding("", para, (*flags, "A16"))
    if by_status:
        return Finding(by_status, "", flags)
    failed = ""
    if status == "OTHER_STAY":
        failed = "IRPR 159.5(b)(iii)"
    if status == "CLAIMANT":
        state = m.claim_state
        if state == "REFERRED_PENDING":
            if adult:
                return Finding("IRPR 159.5(c)", "", flags)
            failed = "IRPR 159.5(c)"
        elif state == "WITHDRAWN":
            failed = "IRPR 159.5(c)(i)"
        elif state == "ABANDONED":
            failed = "IRPR 159.5(c)(ii)"
        elif state in ("REJECTED", "REJECTED_APPEAL_PENDING"):
            failed = "IRPR 159.5(c)(iii)"
            if state == "REJECTED_APPEAL_PENDING":
                flags = (*flags, "A8")
        elif state == "TERMINATED_104":
            failed = "IRPR 159.5(c)(iv)"
        else:  # NOT_REFERRED, INELIGIBLE: never referred to the Board
            failed = "IRPR 159.5(c)"
    if p_type:
        if p_type == "WP" and p_basis in ("R206_1_a", "R206_1_b"):
            flags = (*flags, "A14")
        excluded = ""
        if p_type == "WP" and (not p_valid or p_basis == "R206_1_b"):
            excluded = "IRPR 159.5(d)(i)"
        elif p_type == "SP" and not p_valid:
            excluded = "IRPR 159.5(d)(ii)"
        if not excluded and adult:
            return Finding("IRPR 159.5(d)", "", flags)
        failed = failed or excluded or "IRPR 159.5(d)"
    return Finding("", failed, flags)


_DOC_LIMB = {
    "PR_VISA": "IRPR 159.5(f)(i)",
    "TRV": "IRPR 159.5(f)(i)",
    "TRP": "IRPR 159.5(f)(ii)",
    "PR_TRAVEL_DOC": "IRPR 159.5(f)(iii)",
    "REFUGEE_TRAVEL_PAPERS": "IRPR 159.5(f)(iv)",
    "TTD_R151": "IRPR 159.5(f)(v)",
}


def irpr_159_5_doc(d: Doc) -> Finding:
    """IRPR s. 159.5(f) for one document: listed type, valid [A6], not for transit only.

    Work and study permits are not listed documents [A7].
    """
    limb = _DOC_LIMB.get(d.type)
    if limb is None:
        flags = ("A7",) if d.type in ("WORK_PERMIT", "STUDY_PERMIT") else ()
        return Finding("", "IRPR 159.5(f)", flags)
    if d.transit_only:
        return Finding("", "IRPR 159.5(f)", ())
    if not d.valid:
        return Finding("", limb, ("A6",))
    return Finding("IRPR 159.5(f)", limb, ())


def anniversary(d: dt.date) -> dt.date:
    """One year after ``d``; 29 February → 28 February [A11].

    >>> anniversary(dt.date(2024, 2, 29))
    datetime.date(2025, 2, 28)
    """
    try:
        return d.replace(year=d.year + 1)
    except ValueError:
        return d.replace(year=d.year + 1, day=28)
