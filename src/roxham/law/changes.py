"""What would change the answer: single-fact changes that flip eligibility.

Each relevant fact is moved across its thresholds (a status, a validity, an age of 17/18, a
claim date at the edge of the s. 159.4(1.1) window or of the one-year limit, the entry date
around the Protocol, the place of entry ...) and the law is applied again. Changes that flip
``eligible`` are returned, smallest first, each with the provision that would then decide.

>>> import datetime as dt
>>> facts = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
...          "claim": {"date": "2022-08-15"},
...          "family": [{"rel": "sister", "status": "VISITOR"}]}
>>> ch = what_would_change(facts, dt.date(2022, 8, 15))
>>> for c in ch[:3]:
...     print(c.field, c.to_value, c.provision)
family[0].status CITIZEN IRPR 159.5(a)
family[0].status PR IRPR 159.5(b)(ii)
family[0].status PROTECTED_PERSON IRPR 159.5(b)(i)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from roxham.errors import UserError
from roxham.law.batch import (
    COLUMN_INDEX,
    BatchResult,
    columns_from_rows,
    docs_f,
    encode_row,
    evaluate_batch,
    family_masks,
)
from roxham.law.determine import (
    RESULT_CODES,
    STCA_STATUSES,
    Determination,
    coerce_facts,
    determine,
)
from roxham.law.facts import _MAX_AGE as MAX_AGE
from roxham.law.facts import (
    CLAIM_WHERE,
    ENTRY_MODES,
    FAMILY_STATUSES,
    PRIOR_CLAIMS,
    Doc,
    Facts,
    FamilyMember,
)
from roxham.law.plain import sentence
from roxham.law.reform import Reform, day_number, from_day_number, law_params
from roxham.law.rules import anniversary
from roxham.law.visas import derive_omitted

#: A fact's place in the facts JSON, e.g. ``("family", 0, "status")``.
Path = tuple[str | int, ...]

__all__ = ["MAX_CHANGES", "Change", "what_would_change"]

#: Most changes :func:`what_would_change` returns (the smallest first): its output is bounded
#: whatever the facts (a household at the limit of 50 members has ~500 flipping changes).
MAX_CHANGES = 100


@dataclass(frozen=True, slots=True)
class Change:
    """One fact changed, and what the law would then say."""

    field: str
    from_value: Any
    to_value: Any
    result_code: str
    eligible: bool
    provision: str
    cost: float

    def describe(self, lang: str = "en") -> str:
        """One plain-language sentence in ``lang`` (``"en"``/``"fr"``), e.g. "If family member
        no. 1 were a Canadian citizen (not a visitor), the claim would be eligible to be
        referred to the Refugee Protection Division (IRPR 159.5(a))." A moved entry date says
        that the claim date is kept fixed."""
        return sentence(
            self.field, self.from_value, self.to_value, self.eligible, self.provision, lang
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "field": self.field,
            "from": _js(self.from_value),
            "to": _js(self.to_value),
            "result_code": self.result_code,
            "eligible": self.eligible,
            "provision": self.provision,
        }


def _js(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def _deciding(det: Determination) -> str:
    if not det.eligible:
        g = next((g for g in det.grounds if g != "101(1)(e)"), "101(1)(e)")
        if "101(1)(e)" in det.grounds:
            g = "101(1)(e)"
        return "IRPA " + g
    if det.stca_status == "EXCEPTION" and det.exceptions:
        return det.exceptions[0]
    return det.provisions[0] if det.provisions else "IRPR 159.3"


def _name(path: Path) -> str:
    s = ""
    for k in path:
        s += f"[{k}]" if isinstance(k, int) else (("." if s else "") + k)
    return s

#: Facts fields whose single-fact change is tried by flipping a boolean (same column name).
_TOGGLES = (
    "accompanied_by_parent_or_guardian",
    "parent_or_guardian_in_ca_or_us",
    "has_spouse_or_cl",
    "us_refused_entry_no_adjudication",
    "pr_removed_from_us",
    "tsr_national",
    "inadmissible_101f",
)
_PRIOR_TOGGLES = (
    "protection_conferred_in_canada",
    "other_country_claim_confirmed",
    "recognized_refugee_elsewhere_returnable",
)
#: The items a change may add: a valid temporary resident visa, a sister who is a citizen.
_NEW_DOC = {"type": "TRV", "valid": True, "transit_only": False}
_NEW_MEMBER = {"rel": "sister", "status": "CITIZEN"}
_DOC = Doc.model_validate(_NEW_DOC)
_MEMBER = FamilyMember.model_validate(_NEW_MEMBER)


def _candidates(
    f: Facts, as_of: dt.date, reform: Reform | None
) -> Iterator[tuple[Path, Any, float]]:
    """(path, new value, cost) for each single-fact move worth trying. Adding an item to a
    list is ``(("docs",), item, cost)`` or ``(("family",), item, cost)``."""
    p = law_params(reform)
    for key in _TOGGLES:
        yield (key,), not getattr(f, key), 1.0
    for key in ("visa_req_ca", "visa_req_us"):  # None: omitted, derived from the table
        for v in (True, False, None):
            if v is not getattr(f, key):
                yield (key,), v, 1.0
    if f.age is None or f.age >= p.adult_age:
        yield ("age",), p.adult_age - 1, 1.5
    else:
        yield ("age",), p.adult_age, 1.5
    for pc in (None, *PRIOR_CLAIMS):
        if pc != f.prior.canada_claim:
            yield ("prior", "canada_claim"), pc, 1.0
    for key in _PRIOR_TOGGLES:
        yield ("prior", key), not getattr(f.prior, key), 1.0
    for j, doc in enumerate(f.docs):
        if not doc.valid:
            yield ("docs", j, "valid"), True, 1.0
        if doc.transit_only:
            yield ("docs", j, "transit_only"), False, 1.0
        for t in ("TRV", "PR_VISA", "TRP"):
            if doc.type != t:
                yield ("docs", j, "type"), t, 1.2
    yield ("docs",), dict(_NEW_DOC), 2.0
    for i, m in enumerate(f.family):
        for s in FAMILY_STATUSES:
            if s != m.status:
                yield ("family", i, "status"), s, 1.0
        if m.status == "CLAIMANT" and m.claim_state != "REFERRED_PENDING":
            yield ("family", i, "claim_state"), "REFERRED_PENDING", 1.0
        for key in ("in_ca", "proven"):
            if not getattr(m, key):
                yield ("family", i, key), True, 1.0
        if m.age is not None and m.age < p.adult_age:
            yield ("family", i, "age"), p.adult_age, 1.5
        if m.permit is not None and not m.permit.valid:
            yield ("family", i, "permit", "valid"), True, 1.0
    yield ("family",), dict(_NEW_MEMBER), 2.0
    for mode in ENTRY_MODES:
        if mode != f.entry.mode:
            yield ("entry", "mode"), mode, 3.0  # another journey: ranked after personal facts
    for w in CLAIM_WHERE:
        if w != f.claim.where:
            yield ("claim", "where"), w, 3.0
    if f.entry.from_ != "US":
        yield ("entry", "from"), "US", 3.0
    # dates across thresholds (the claim must stay between the entry and the law date)
    e, c = f.entry.date, f.claim.date
    claim_days = {e + dt.timedelta(days=p.window - 1), e + dt.timedelta(days=p.window)}
    for x in f.all_entries():
        claim_days |= {anniversary(x), anniversary(x) + dt.timedelta(days=1)}
    for dn in (p.d_c2_intro, p.d_c97_intro):
        if 0 < dn < 2**31 - 1:
            day = from_day_number(dn)
            claim_days |= {day, day - dt.timedelta(days=1)}
    for day in sorted(claim_days):
        if day != c and e <= day <= as_of:
            yield ("claim", "date"), day, 1.0 + abs((day - c).days) / 365
    entry_days = {c - dt.timedelta(days=p.window - 1), c - dt.timedelta(days=p.window)}
    if p.d_protocol < 2**31 - 1:
        dp = from_day_number(p.d_protocol)
        entry_days |= {dp, dp - dt.timedelta(days=1)}
    for day in sorted(entry_days):
        if day != e and day <= c and (f.entries is None or all(x <= c for x in f.entries)):
            yield ("entry", "date"), day, 1.0 + abs((day - e).days) / 365


def _old_value(f: Facts, path: Path) -> Any:
    """The current value at ``path`` as JSON (None for an added item)."""
    if len(path) == 1 and path[0] in ("docs", "family"):
        return None
    node: Any = f
    for k in path:
        node = node[k] if isinstance(k, int) else getattr(node, "from_" if k == "from" else k)
    return _js(node)


def _replace_one(m: FamilyMember, key: str, value: Any) -> FamilyMember:
    if key == "permit.valid":
        assert m.permit is not None
        return m.model_copy(update={"permit": m.permit.model_copy(update={"valid": value})})
    return m.model_copy(update={key: value})


def _replace_member(f: Facts, i: int, key: str, value: Any) -> list[FamilyMember]:
    family = list(f.family)
    family[i] = _replace_one(family[i], key, value)
    return family


def _member_key(path: Path) -> str:
    return ".".join(str(k) for k in path[2:])


class _Lists:
    """Each family member's and document's own contribution to the batch columns, with the
    contributions of the others before and after it, so that a change to one item is encoded
    in constant time (the changes are linear in the facts' size, not quadratic)."""

    def __init__(self, f: Facts, adult_age: int) -> None:
        self.adult_age = adult_age
        fam = [family_masks([m], adult_age) for m in f.family]
        self.fam_before, self.fam_after = _or_scan(fam)
        docs = [docs_f([d]) for d in f.docs]
        self.docs_before, self.docs_after = _or_scan([(int(d), 0) for d in docs])
        self.last_entry = max(f.entries) if f.entries else None
        self.etas = sum(d.type == "ETA" and d.valid for d in f.docs)

    def family(self, i: int, member: FamilyMember | None) -> dict[str, Any]:
        """Columns with member ``i`` replaced by ``member`` (``i == len``: one added)."""
        fb, gb = self.fam_before[i]
        fa, ga = self.fam_after[i + 1] if i + 1 < len(self.fam_after) else (0, 0)
        fm, gm = family_masks([member], self.adult_age) if member is not None else (0, 0)
        return {"family_mask": fb | fa | fm, "guardian_mask": gb | ga | gm}

    def docs(self, j: int, doc: Doc) -> dict[str, Any]:
        """Columns with document ``j`` replaced by ``doc`` (``j == len``: one added)."""
        before = self.docs_before[j][0]
        after = self.docs_after[j + 1][0] if j + 1 < len(self.docs_after) else 0
        return {"docs_f": bool(before or after or docs_f([doc]))}


def _or_scan(
    masks: list[tuple[int, int]],
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """``before[i]``: OR of ``masks[:i]``; ``after[i]``: OR of ``masks[i:]`` (both of length
    ``len(masks) + 1``)."""
    before = [(0, 0)]
    for a, b in masks:
        pa, pb = before[-1]
        before.append((pa | a, pb | b))
    after = [(0, 0)]
    for a, b in reversed(masks):
        pa, pb = after[-1]
        after.append((pa | a, pb | b))
    after.reverse()
    return before, after


def _delta(f: Facts, path: Path, value: Any, lists: _Lists) -> dict[str, Any] | None:
    """The batch columns the change sets (``entries``: the other entries), or None when the
    changed facts would be invalid (Facts would refuse them)."""
    head = path[0]
    if len(path) == 1:
        if head == "age":
            return {"age": value} if 0 <= value <= MAX_AGE else None
        if head in ("visa_req_ca", "visa_req_us"):
            if value is None:  # omitted: the table decides
                value = derive_omitted(f, fields=(str(head),))[0].value
            return {head: -1 if value is None else int(value)}
        if head == "docs":
            return lists.docs(len(f.docs), _DOC)
        if head == "family":
            return lists.family(len(f.family), _MEMBER)
        assert head in _TOGGLES, path
        return {head: value}
    key = path[1]
    if head == "prior":
        if key == "canada_claim":
            return {"prior_canada_claim": 0 if value is None else 1 + PRIOR_CLAIMS.index(value)}
        return {str(key): value}
    if head == "docs":
        assert isinstance(key, int)
        return lists.docs(key, f.docs[key].model_copy(update={str(path[2]): value}))
    if head == "family":
        assert isinstance(key, int)
        m = f.family[key]
        if path[2] == "status" and value == "CLAIMANT" and m.claim_state is None:
            return None  # claim_state is required when status is CLAIMANT
        return lists.family(key, _replace_one(m, _member_key(path), value))
    if path == ("entry", "mode"):
        out: dict[str, Any] = {"entry_mode": ENTRY_MODES.index(value)}
        if value != "AIRPORT":
            out["us_removal_transit"] = False
            if f.claim.where == "AIRPORT_ON_ARRIVAL":
                out["claim_where"] = CLAIM_WHERE.index("POE_ON_ARRIVAL")
        return out
    if path == ("claim", "where"):
        if value == "AIRPORT_ON_ARRIVAL" and f.entry.mode != "AIRPORT":
            return None
        return {"claim_where": CLAIM_WHERE.index(value)}
    if path == ("entry", "from"):
        return {"from_us": value == "US"}
    if path == ("claim", "date"):
        if value < f.entry.date or (lists.last_entry is not None and lists.last_entry > value):
            return None
        return {"claim_date": day_number(value)}
    if path == ("entry", "date"):
        if f.claim.date < value or (
            lists.last_entry is not None and lists.last_entry > f.claim.date
        ):
            return None
        others = sorted(set(f.entries or ()) - {value})
        return {"entry_date": day_number(value), "entries": [day_number(x) for x in others]}
    raise AssertionError(f"no encoding for a change of {_name(path)}")


def _is_eta(d: Doc) -> bool:
    return d.type == "ETA" and d.valid


def _visa_delta(
    f: Facts, path: Path, value: Any, lists: _Lists, omitted: tuple[str, ...]
) -> dict[str, int]:
    """The derived visa columns after a change of the claim date, the entry date or mode, or
    an eTA (as :func:`~roxham.law.determine.determine` derives them from the changed facts)."""
    kw: dict[str, Any] = {}
    if path == ("claim", "date"):
        kw["claim_date"] = value
    elif path == ("entry", "date"):
        kw["entry_date"] = value
    elif path == ("entry", "mode"):
        kw["mode"] = value
    elif path[0] == "docs" and len(path) == 3:
        old = f.docs[int(path[1])]
        new = old.model_copy(update={str(path[2]): value})
        if _is_eta(old) == _is_eta(new):
            return {}
        kw["has_eta"] = lists.etas - _is_eta(old) + _is_eta(new) > 0
    else:
        return {}
    return {
        d.field: -1 if d.value is None else int(d.value)
        for d in derive_omitted(f, fields=omitted, **kw)
    }


def _apply(f: Facts, path: Path, value: Any) -> Facts:
    """``f`` with the change made (valid facts: :func:`_delta` said so)."""
    head = path[0]
    if len(path) == 1:
        if head == "docs":
            return f.model_copy(update={"docs": [*f.docs, _DOC]})
        if head == "family":
            return f.model_copy(update={"family": [*f.family, _MEMBER]})
        return f.model_copy(update={str(head): value})
    key = path[1]
    if head == "docs":
        assert isinstance(key, int)
        docs = list(f.docs)
        docs[key] = docs[key].model_copy(update={str(path[2]): value})
        return f.model_copy(update={"docs": docs})
    if head == "family":
        assert isinstance(key, int)
        return f.model_copy(update={"family": _replace_member(f, key, _member_key(path), value)})
    if head == "prior":
        return f.model_copy(update={"prior": f.prior.model_copy(update={str(key): value})})
    if head == "claim":
        return f.model_copy(update={"claim": f.claim.model_copy(update={str(key): value})})
    assert head == "entry", path
    upd: dict[str, Any] = {
        "entry": f.entry.model_copy(update={"from_" if key == "from" else str(key): value})
    }
    if key == "mode" and value != "AIRPORT":
        upd["us_removal_transit"] = False
        if f.claim.where == "AIRPORT_ON_ARRIVAL":
            upd["claim"] = f.claim.model_copy(update={"where": "POE_ON_ARRIVAL"})
    return f.model_copy(update=upd)


_G_E = "101(1)(e)"


def _deciding_from_batch(res: BatchResult, k: int) -> str | None:
    """The deciding provision of row ``k`` when the batch result names it (an ineligible
    claim: its ground; an exception: the first one), as :func:`_deciding` would; else None."""
    if not res.eligible[k]:
        grounds = res.grounds_of(k)
        if _G_E in grounds:
            return "IRPA " + _G_E
        return "IRPA " + next((g for g in grounds if g != _G_E), _G_E)
    if STCA_STATUSES[res.stca_status[k]] == "EXCEPTION" and res.exceptions[k]:
        return res.exceptions_of(k)[0]
    return None


def what_would_change(
    facts: Facts | Mapping[str, Any],
    as_of: dt.date,
    reform: Reform | None = None,
    *,
    base: Determination | None = None,
) -> list[Change]:
    """The single-fact changes that flip eligibility, smallest first.

    Each :class:`Change` names the fact, its old and new value, the new result and the
    provision that would then decide (the exception, scope rule or ground). ``base`` is
    ``determine(facts, as_of, reform)`` when the caller already has it.

    At most :data:`MAX_CHANGES` are returned. The work is linear in the facts' size: a change
    to one family member or document re-reads only that item (the others' contributions are
    computed once).

    The changed facts are encoded as rows of the batch evaluator (one compiled call decides
    them all: it equals :func:`determine` row by row, tests/law/test_law_batch.py); only the
    changes that flip the answer and whose deciding provision the batch result does not name
    are determined again one by one.
    """
    f = coerce_facts(facts)
    if base is None:
        base = determine(f, as_of, reform)
    adult_age = law_params().adult_age  # as columns_from_facts encodes family members
    base_row, base_others = encode_row(f, adult_age)
    lists = _Lists(f, adult_age)
    omitted = tuple(k for k in ("visa_req_ca", "visa_req_us") if getattr(f, k) is None)
    cands: list[tuple[Path, Any, float]] = []
    rows: list[list[Any]] = []
    others: list[list[int]] = []
    for path, value, cost in _candidates(f, as_of, reform):
        delta = _delta(f, path, value, lists)
        if delta is None:
            continue
        if omitted:  # the visa facts the table derives may move with the route, date or eTA
            delta.update(_visa_delta(f, path, value, lists, omitted))
        row = base_row.copy()
        row_others = delta.pop("entries", base_others)
        for name, v in delta.items():
            row[COLUMN_INDEX[name]] = v
        cands.append((path, value, cost))
        rows.append(row)
        others.append(row_others)
    if not cands:
        return []
    try:
        res: BatchResult | None = evaluate_batch(columns_from_rows(rows, others), as_of, reform)
    except UserError:
        res = None
    out: dict[tuple[str, str], Change] = {}
    for k, (path, value, cost) in enumerate(cands):
        if res is not None:
            if bool(res.eligible[k]) == base.eligible:
                continue
            code, eligible = RESULT_CODES[res.result_code[k]], bool(res.eligible[k])
            provision = _deciding_from_batch(res, k)
        else:
            provision = None
        if provision is None:
            det = determine(_apply(f, path, value), as_of, reform)
            if det.eligible == base.eligible:
                continue
            code, eligible, provision = det.result_code, det.eligible, _deciding(det)
        if len(path) == 1 and path[0] in ("docs", "family"):  # an item added to a list
            name = _name(path) + "[+]"
        else:
            name = _name(path)
        key = (name, repr(value))
        if key not in out:
            out[key] = Change(
                name, _old_value(f, path), _js(value), code, eligible, provision, cost
            )
    ranked = sorted(out.values(), key=lambda ch: (ch.cost, ch.field, repr(ch.to_value)))
    return ranked[:MAX_CHANGES]
