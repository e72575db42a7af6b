"""The screener behind ``POST /screen``, ``POST /screen/batch`` and ``/provisions``.

A thin layer over :mod:`roxham.law`. Request bodies are validated here; facts are handed to the
law as they are, never stored and never logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import quote

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from roxham import law
from roxham.api.problems import NotFound, RequestProblem, clean_errors
from roxham.errors import UserError
from roxham.law import Facts
from roxham.law.household import Household
from roxham.law.household import screen_household as screen_household_law
from roxham.law.overlay import orders_in_effect
from roxham.law.steps import next_steps
from roxham.law.summary import summary_html

#: Law dates the screener accepts (the STCA came into force in 2004; later dates are reforms).
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

Lang = Literal["en", "fr"]


class ScreenRequest(BaseModel):
    """One person's facts, the day the law is applied, and the language of the explanation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "as_of_date": "2023-06-01",
                    "facts": {
                        "nat": ["HT"],
                        "age": 30,
                        "entry": {"mode": "LAND_POE", "from": "US", "date": "2023-06-01"},
                        "claim": {"date": "2023-06-01", "where": "POE_ON_ARRIVAL"},
                    },
                    "lang": "en",
                }
            ]
        },
    )

    as_of_date: dt.date = Field(
        ..., ge=MIN_DATE, le=MAX_DATE, description="Day eligibility is determined (law version)"
    )
    facts: Facts = Field(..., description="Facts as in docs/law/RULES.md §2")
    lang: Lang = Field("en", description="Language of the explanation and the consequence")
    reform: dict[str, Any] | None = Field(None, description="Optional roxham.law Reform")
    what_would_change: bool = Field(True, description="Also list what would change the result")


def screen_summary(req: ScreenRequest) -> str:
    """The printable bilingual summary (HTML) of one screening; nothing is stored."""
    try:
        return summary_html(req.facts, req.as_of_date, _reform(req.reform), today=dt.date.today())
    except UserError as e:
        raise RequestProblem([{"loc": ["body"], "msg": str(e), "type": "user_error"}]) from e


class HouseholdRequest(BaseModel):
    """People arriving together (roxham.law.household), the law date and the language."""

    model_config = ConfigDict(extra="forbid")

    as_of_date: dt.date = Field(..., ge=MIN_DATE, le=MAX_DATE)
    household: Household = Field(..., description="{'members': [{id, facts, relations}]}")
    lang: Lang = "en"
    reform: dict[str, Any] | None = None


def screen_household(req: HouseholdRequest) -> dict[str, Any]:
    """Each member's result, the family exceptions reading the others; nothing is stored."""
    reform = _reform(req.reform)
    try:
        results = screen_household_law(
            req.household, req.as_of_date, reform, lang=req.lang, today=dt.date.today()
        )
    except UserError as e:
        raise RequestProblem([{"loc": ["body"], "msg": str(e), "type": "user_error"}]) from e
    facts = {m.id: m.facts for m in req.household.members}
    return {
        "as_of_date": req.as_of_date.isoformat(),
        "members": [
            {
                "id": r.id,
                "orders": orders_in_effect(facts[r.id], req.lang),
                "result_code": r.determination.result_code,
                "eligible": bool(r.determination.eligible),
                "grounds": list(r.determination.grounds),
                "provisions": list(r.determination.provisions),
                "flags": list(r.determination.flags),
                "consequence": r.determination.consequence,
                "explanation": law.explain(r.determination, req.lang),
                "read_from": r.read_from,
                "next_steps": next_steps(
                    r.determination.result_code, list(r.determination.grounds), req.lang
                ),
            }
            for r in results
        ],
    }


class BatchCase(BaseModel):
    """One row of a batch."""

    model_config = ConfigDict(extra="forbid")

    as_of_date: dt.date = Field(..., ge=MIN_DATE, le=MAX_DATE)
    facts: Facts


class BatchRequest(BaseModel):
    """Many fact sets, evaluated by the columnar evaluator (same answers as one by one)."""

    model_config = ConfigDict(extra="forbid")

    cases: list[BatchCase] = Field(..., min_length=1)
    reform: dict[str, Any] | None = None


def provision_links(pid: str) -> dict[str, str]:
    """API and page addresses of a provision.

    >>> provision_links("IRPR 159.5(a)")["page"]
    '/provisions/IRPR%20159.5%28a%29'
    """
    q = quote(pid, safe="")
    return {"id": pid, "api": f"/api/v1/provisions/{q}", "page": f"/provisions/{q}"}


def _reform(data: Mapping[str, Any] | None) -> law.Reform | None:
    if data is None:
        return None
    try:
        return law.Reform.model_validate(dict(data))
    except ValidationError as e:
        raise RequestProblem(
            clean_errors(e.errors(include_input=False, include_url=False), ("body", "reform"))
        ) from None


#: Above this many family members, documents and entries together, ``what_would_change``
#: costs tens of milliseconds or more: such a screening runs off the event loop.
HEAVY_ITEMS = 8


def is_heavy(req: ScreenRequest) -> bool:
    """Whether screening ``req`` should leave the event loop (see :data:`HEAVY_ITEMS`)."""
    f = req.facts
    return req.what_would_change and (
        len(f.family) + len(f.docs) + len(f.entries or ())) > HEAVY_ITEMS


def screen(req: ScreenRequest) -> dict[str, Any]:
    """Determine eligibility for one person; the answer with its explanation and citations."""
    facts = req.facts
    reform = _reform(req.reform)
    try:
        det = law.determine(
            facts, req.as_of_date, reform, lang=req.lang, today=dt.date.today()
        )
        text = law.explain(det, req.lang)
        changes = (
            law.what_would_change(facts, req.as_of_date, reform, base=det)
            if req.what_would_change
            else []
        )
    except UserError as e:
        raise RequestProblem([{"loc": ["body"], "msg": str(e), "type": "user_error"}]) from e
    return {
        "as_of_date": req.as_of_date.isoformat(),
        "result_code": det.result_code,
        "eligible": bool(det.eligible),
        "stca_status": det.stca_status,
        "grounds": list(det.grounds),
        "provisions": [provision_links(str(p)) for p in det.provisions],
        "flags": list(det.flags),
        "consequence": det.consequence,
        "explanation": text,
        "what_would_change": [_change(c, req.lang) for c in changes],
        "next_steps": next_steps(det.result_code, list(det.grounds), req.lang),
        "orders": orders_in_effect(facts, req.lang),
        "derived": [{**d.to_dict(), "text": law.derived_text(d, req.lang)}
                    for d in det.derived],
        "trace": [t.to_dict() for t in det.trace],  # already JSON-ready (tests/law)
    }


def _change(change: law.Change, lang: str) -> dict[str, Any]:
    out = change.to_dict()  # JSON-ready
    out["text"] = change.describe(lang)
    return out


def screen_batch(req: BatchRequest, max_batch: int) -> dict[str, Any]:
    """Evaluate many fact sets at once (``evaluate_batch``)."""
    if len(req.cases) > max_batch:
        raise RequestProblem(
            [{"loc": ["body", "cases"], "msg": f"at most {max_batch} cases per batch",
              "type": "too_long"}]
        )
    facts = [c.facts for c in req.cases]
    reform = _reform(req.reform)
    as_of = np.array([c.as_of_date for c in req.cases], dtype="datetime64[D]")
    codes = law.RESULT_CODES
    stca = law.STCA_STATUSES
    try:
        res = law.evaluate_batch(law.columns_from_facts(facts), as_of, reform)
    except UserError as e:
        raise RequestProblem([{"loc": ["body"], "msg": str(e), "type": "user_error"}]) from e
    return {
        "results": [
            {
                "result_code": codes[int(rc)],
                "eligible": bool(el),
                "stca_status": stca[int(st)],
            }
            for rc, el, st in zip(res.result_code, res.eligible, res.stca_status, strict=True)
        ]
    }


def list_provisions(as_of: dt.date | None) -> list[dict[str, Any]]:
    """Provisions in force on ``as_of`` (every provision when ``None``)."""
    items = law.provisions() if as_of is None else law.provisions_in_force(as_of)
    return [provision_json(p, with_text=False) for p in items]


def provision_json(p: Any, *, with_text: bool = True) -> dict[str, Any]:
    """A provision as JSON: citation, kind, marginal note, source, dated versions (texts)."""
    out: dict[str, Any] = {
        "id": p.id,
        "kind": p.kind,
        "marginal_note": p.marginal_note,
        "source": p.source,
        "note": p.note,
    }
    versions = []
    for v in p.versions_for():
        item = {
            "start": None if v.start == dt.date.min else v.start.isoformat(),
            "end": None if v.end is None else v.end.isoformat(),
            "start_const": v.start_const,
            "end_const": v.end_const,
        }
        if with_text:
            item["text"] = v.text
            item["text_fr"] = v.text_fr
        versions.append(item)
    out["versions"] = versions
    out.update({k: v for k, v in provision_links(p.id).items() if k != "id"})
    return out


def get_provision(pid: str) -> dict[str, Any]:
    """One provision (its texts by date and source), or 404."""
    try:
        p = law.get_provision(pid)
    except (KeyError, LookupError, UserError) as e:
        raise NotFound("provision", pid, ("path", "provision_id")) from e
    return provision_json(p)


__all__ = [
    "BatchCase",
    "BatchRequest",
    "ScreenRequest",
    "get_provision",
    "list_provisions",
    "provision_json",
    "provision_links",
    "screen",
    "screen_batch",
]
