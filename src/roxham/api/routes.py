"""The REST API under ``/api/v1`` (OpenAPI at ``/api/v1/openapi.json``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from roxham.api import data_service, law_service
from roxham.api.access import caller
from roxham.api.encoding import FastJSONResponse
from roxham.api.jobs import JobManager, RunRequest
from roxham.api.problems import NotFound, RequestProblem
from roxham.store import ownership

router = APIRouter(prefix="/api/v1")

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid input; `detail[].loc` names the field"},
}
_404: dict[int | str, dict[str, Any]] = {404: {"description": "Unknown id"}, **_ERRORS}


def _jobs(request: Request) -> JobManager:
    jobs: JobManager = request.app.state.jobs
    return jobs


@router.post("/screen", tags=["screener"], responses=_ERRORS, response_class=FastJSONResponse)
async def screen(body: law_service.ScreenRequest) -> FastJSONResponse:
    """Determine whether a refugee claim is eligible to be referred (IRPA s. 101), with the
    explanation, the provisions cited, and what would change the result. Nothing is stored."""
    # A small screening takes about a millisecond: computed on the event loop, which is cheaper
    # than a thread hop. A large one (what would change, over many family members, documents or
    # entries: up to a few hundred ms at the size limits) goes to the thread pool so that it
    # never holds the other requests. The answer is JSON-ready, so it skips jsonable_encoder.
    if law_service.is_heavy(body):
        return FastJSONResponse(await run_in_threadpool(law_service.screen, body))
    return FastJSONResponse(law_service.screen(body))


@router.post("/screen/summary", tags=["screener"], responses=_ERRORS,
             response_class=HTMLResponse)
def screen_summary(body: law_service.ScreenRequest) -> HTMLResponse:
    """A printable bilingual summary (HTML) of one screening, stating the date of the law
    applied, for a client file. Nothing is stored."""
    return HTMLResponse(law_service.screen_summary(body))


@router.post("/screen/household", tags=["screener"], responses=_ERRORS)
def screen_household(body: law_service.HouseholdRequest) -> dict[str, Any]:
    """Screen several people arriving together: each result, the family-member exceptions
    reading the others' referred claims (IRPR s. 159.5(c)). Nothing is stored."""
    return law_service.screen_household(body)


@router.post("/screen/batch", tags=["screener"], responses=_ERRORS)
def screen_batch(body: law_service.BatchRequest, request: Request) -> dict[str, Any]:
    """Evaluate many fact sets with the columnar evaluator (results only, no explanation)."""
    return law_service.screen_batch(body, request.app.state.settings.max_batch)


@router.get("/provisions", tags=["law"], responses=_ERRORS)
def provisions(
    as_of: dt.date | None = Query(None, description="Only provisions in force that day"),
) -> list[dict[str, Any]]:
    """The encoded provisions (citation, in-force dates, text, source)."""
    if as_of is not None and not law_service.MIN_DATE <= as_of <= law_service.MAX_DATE:
        raise RequestProblem([{"loc": ["query", "as_of"], "type": "value_error",
                               "msg": f"must be between {law_service.MIN_DATE} and "
                                      f"{law_service.MAX_DATE}"}])
    return law_service.list_provisions(as_of)


@router.get("/provisions/{provision_id}", tags=["law"], responses=_404)
def provision(provision_id: str) -> dict[str, Any]:
    """One provision by citation, e.g. ``IRPR 159.5(a)`` (URL-encoded)."""
    return law_service.get_provision(provision_id)


@router.get("/data/series", tags=["data"])
def data_series() -> list[dict[str, Any]]:
    """Every official series × geography, with coverage and number of sources."""
    return data_service.catalogue()


@router.get("/data/series/{name}", tags=["data"], responses=_404)
def data_series_one(
    name: str,
    geography: str | None = Query(None, max_length=40, description="e.g. QC"),
    start: str | None = Query(None, max_length=10, description="YYYY-MM or YYYY-MM-DD"),
    end: str | None = Query(None, max_length=10, description="YYYY-MM or YYYY-MM-DD"),
) -> dict[str, Any]:
    """Every figure of one series with its source; monthly figures when a geography is given."""
    return data_service.series_detail(name, geography, start, end)


@router.get("/scenarios", tags=["runs"])
def scenarios(request: Request) -> list[dict[str, Any]]:
    """Scenarios that can be run, with the policy levers each exposes."""
    return [s.to_dict() for s in _jobs(request).scenarios()]


@router.post("/runs", tags=["runs"], status_code=202, responses={
    **_ERRORS, 429: {"description": "Too many runs queued"},
})
def start_run(body: RunRequest, request: Request, response: Response,
              owner: str | None = Depends(caller)) -> dict[str, Any]:
    """Queue a simulation run; poll ``GET /runs/{id}`` for progress and results. With
    access tokens, the run belongs to the caller's token."""
    rec = _jobs(request).submit(body)
    if owner is not None:
        ownership.set_owner(_jobs(request).registry, rec.id, owner)
    response.headers["Location"] = f"/api/v1/runs/{rec.id}"
    return rec.to_dict()


@router.get("/runs", tags=["runs"])
def list_runs(
    request: Request,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10**9),
    owner: str | None = Depends(caller),
) -> list[dict[str, Any]]:
    """Saved runs, newest first (with access tokens: the caller's runs only)."""
    reg = _jobs(request).registry
    if owner is None:
        return [_public(r.to_dict()) for r in reg.list(limit=limit, offset=offset)]
    recs = (reg.get(i) for i in ownership.owned_run_ids(reg, owner, limit, offset))
    return [_public(r.to_dict()) for r in recs if r is not None]


def _check_owner(request: Request, run_id: str, owner: str | None) -> None:
    """404 (not 403: ids of others' runs are not disclosed) for another token's run."""
    if owner is not None and ownership.owner_of(_jobs(request).registry, run_id) != owner:
        raise NotFound("run", run_id)


@router.get("/runs/{run_id}", tags=["runs"], responses=_404)
def get_run(run_id: str, request: Request, owner: str | None = Depends(caller)
            ) -> dict[str, Any]:
    """A run's status and progress; its results once done."""
    _check_owner(request, run_id, owner)
    jobs = _jobs(request)
    rec = jobs.get(run_id)
    out = _public(rec.to_dict())
    out["results"] = jobs.results(rec)
    return out


@router.delete("/runs/{run_id}", tags=["runs"], status_code=204, responses={
    **_404, 409: {"description": "The run is queued or running"},
})
def delete_run(run_id: str, request: Request, owner: str | None = Depends(caller)) -> Response:
    """Delete a finished or failed run and its result files (with access tokens: only the
    caller's own runs)."""
    _check_owner(request, run_id, owner)
    jobs = _jobs(request)
    rec = jobs.get(run_id)  # 404 if unknown
    if rec.status in ("queued", "running"):
        raise RequestProblem([{"loc": ["path", "run_id"], "type": "run_active",
                               "msg": "the run is still queued or running"}])
    ownership.forget_run(jobs.registry, run_id, request.app.state.settings.data_dir)
    return Response(status_code=204)


def _public(d: dict[str, Any]) -> dict[str, Any]:
    d.pop("result_path", None)  # a server path: not the client's business
    return d


__all__ = ["router"]
