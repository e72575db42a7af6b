"""The screener behind ``POST /screen``, ``POST /screen/batch`` and ``/provisions``.

A thin layer over :mod:`roxham.law` (imported on first use, so the rest of the app works while
the law engine is absent: those routes then answer 503). Request bodies are validated here;
facts are handed to the law as they are, never stored and never logged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import ModuleType
from typing import Any, Literal
from urllib.parse import quote

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from roxham.api.encoding import to_jsonable
from roxham.api.problems import NotFound, RequestProblem, Unavailable, clean_errors
from roxham.errors import UserError

#: Law dates the screener accepts (the STCA came into force in 2004; later dates are reforms).
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)

Lang = Literal["en", "fr"]


def law() -> ModuleType:
    """The :mod:`roxham.law` module, or :class:`Unavailable` (503) if it is not installed."""
    try:
        import roxham.law as module
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise Unavailable("the law engine (roxham.law) is not available") from e
    if not hasattr(module, "determine"):
        raise Unavailable("the law engine (roxham.law) is not available")
    return module


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
    facts: dict[str, Any] = Field(..., description="Facts as in law/RULES.md §2")
    lang: Lang = Field("en", description="Language of the explanation")
    reform: dict[str, Any] | None = Field(None, description="Optional roxham.law Reform")
    what_would_change: bool = Field(True, description="Also list what would change the result")


class BatchCase(BaseModel):
    """One row of a batch."""

    model_config = ConfigDict(extra="forbid")

    as_of_date: dt.date = Field(..., ge=MIN_DATE, le=MAX_DATE)
    facts: dict[str, Any]


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


def _reform(mod: ModuleType, data: Mapping[str, Any] | None) -> Any:
    if data is None:
        return None
    try:
        return mod.Reform.model_validate(dict(data))
    except ValidationError as e:
        raise RequestProblem(
            clean_errors(e.errors(include_input=False, include_url=False), ("body", "reform"))
        ) from None


def _facts(mod: ModuleType, data: Mapping[str, Any], prefix: tuple[Any, ...]) -> Any:
    try:
        return mod.Facts.model_validate(dict(data))
    except ValidationError as e:
        raise RequestProblem(
            clean_errors(e.errors(include_input=False, include_url=False), prefix)
        ) from None


def screen(req: ScreenRequest) -> dict[str, Any]:
    """Determine eligibility for one person; the answer with its explanation and citations."""
    mod = law()
    facts = _facts(mod, req.facts, ("body", "facts"))
    reform = _reform(mod, req.reform)
    try:
        det = mod.determine(facts, req.as_of_date, reform)
        text = mod.explain(det, req.lang)
        changes = mod.what_would_change(facts, req.as_of_date, reform) if (
            req.what_would_change
        ) else []
    except UserError as e:
        raise RequestProblem([{"loc": ["body"], "msg": str(e), "type": "user_error"}]) from e
    provisions = [str(p) for p in det.provisions]
    return {
        "as_of_date": req.as_of_date.isoformat(),
        "result_code": det.result_code,
        "eligible": bool(det.eligible),
        "stca_status": det.stca_status,
        "grounds": list(det.grounds),
        "provisions": [provision_links(p) for p in provisions],
        "flags": list(det.flags),
        "consequence": det.consequence,
        "explanation": text,
        "what_would_change": [_change(c, req.lang) for c in changes],
        "trace": to_jsonable(getattr(det, "trace", [])),
    }


def _change(change: Any, lang: str) -> dict[str, Any]:
    out = to_jsonable(change)
    if not isinstance(out, dict):
        out = {"value": out}
    for attr in ("describe", "text", "explain"):
        fn = getattr(change, attr, None)
        if callable(fn):
            try:
                out["text"] = str(fn(lang))
            except TypeError:
                out["text"] = str(fn())
            break
    return out


def screen_batch(req: BatchRequest, max_batch: int) -> dict[str, Any]:
    """Evaluate many fact sets at once (``evaluate_batch``)."""
    if len(req.cases) > max_batch:
        raise RequestProblem(
            [{"loc": ["body", "cases"], "msg": f"at most {max_batch} cases per batch",
              "type": "too_long"}]
        )
    mod = law()
    facts = [_facts(mod, c.facts, ("body", "cases", i, "facts")) for i, c in enumerate(req.cases)]
    reform = _reform(mod, req.reform)
    as_of = np.array([c.as_of_date for c in req.cases], dtype="datetime64[D]")
    try:
        res = mod.evaluate_batch(mod.columns_from_facts(facts), as_of, reform)
    except UserError as e:
        raise RequestProblem([{"loc": ["body"], "msg": str(e), "type": "user_error"}]) from e
    codes = mod.RESULT_CODES
    stca = mod.STCA_STATUSES
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
    """Provisions in force on ``as_of`` (all versions when ``None``)."""
    mod = law()
    if as_of is None and hasattr(mod, "all_provisions"):
        items = mod.all_provisions()
    else:
        items = mod.provisions_in_force(as_of or dt.date(2100, 1, 1))
    return [_provision(p) for p in items]


def _provision(p: Any) -> dict[str, Any]:
    out = to_jsonable(p)
    if not isinstance(out, dict):
        out = {"id": str(out)}
    pid = str(out.get("id") or out.get("citation") or getattr(p, "id", ""))
    out.update(provision_links(pid))
    return out


def get_provision(pid: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """One provision (its text, versions and source), or 404."""
    mod = law()
    try:
        p = mod.get_provision(pid, as_of) if as_of is not None else mod.get_provision(pid)
    except (KeyError, LookupError, UserError) as e:
        raise NotFound("provision", pid) from e
    if p is None:
        raise NotFound("provision", pid)
    return _provision(p)


__all__ = [
    "BatchCase",
    "BatchRequest",
    "ScreenRequest",
    "get_provision",
    "law",
    "list_provisions",
    "provision_links",
    "screen",
    "screen_batch",
]
