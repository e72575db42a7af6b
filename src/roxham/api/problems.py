"""Error responses: bad input is 400/422 naming the field, unknown ids 404, never a 500.

All error bodies have the shape ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}``
(FastAPI's own shape for validation errors). Values the user sent are never echoed back: they
may be personal facts.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from roxham.errors import UserError
from roxham.store.claim import StorageFull

log = logging.getLogger("roxham.api")


class NotFound(Exception):
    """An unknown id in the path (→ 404)."""

    def __init__(self, what: str, ident: str, loc: tuple[str, ...] = ("path", "id")) -> None:
        super().__init__(f"{what} {ident!r} not found")
        self.loc = loc


class RequestProblem(Exception):
    """Bad input found after FastAPI's own validation (→ 422), already in the error shape."""

    def __init__(self, detail: list[dict[str, Any]]) -> None:
        super().__init__("invalid request")
        self.detail = detail


class RunGone(Exception):
    """A finished run whose saved files are missing or damaged (410)."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"the results of run {run_id} are missing or damaged on the server; "
                         "start the run again")


class TooBusy(Exception):
    """A configured limit on jobs was reached (→ 429)."""


def _detail(loc: list[Any] | tuple[Any, ...], msg: str, typ: str) -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg, "type": typ}


def clean_errors(errors: list[Any], prefix: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Pydantic/FastAPI error list without the user's input values or doc URLs."""
    out = []
    for e in errors:
        loc = [*prefix, *e.get("loc", ())]
        out.append(_detail(loc, str(e.get("msg", "invalid")), str(e.get("type", "value_error"))))
    return out


def error_response(status: int, loc: list[Any], msg: str, typ: str) -> JSONResponse:
    """A JSON error with one entry."""
    return JSONResponse({"detail": [_detail(loc, msg, typ)]}, status_code=status)


def install_handlers(app: FastAPI) -> None:
    """Register the exception handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": clean_errors(list(exc.errors()))}, status_code=422)

    @app.exception_handler(ValidationError)
    async def _pyd_validation(_: Request, exc: ValidationError) -> JSONResponse:
        errors = exc.errors(include_input=False, include_url=False)
        return JSONResponse({"detail": clean_errors(list(errors), ("body",))}, status_code=422)

    @app.exception_handler(RequestProblem)
    async def _problem(_: Request, exc: RequestProblem) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=422)

    @app.exception_handler(UserError)
    async def _user_error(_: Request, exc: UserError) -> JSONResponse:
        return error_response(400, ["body"], str(exc), "user_error")

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, list(exc.loc), str(exc), "not_found")

    @app.exception_handler(RunGone)
    async def _gone(_: Request, exc: RunGone) -> JSONResponse:
        return error_response(410, ["path", "id"], str(exc), "run_gone")

    @app.exception_handler(StorageFull)
    async def _full(_: Request, exc: StorageFull) -> JSONResponse:
        return error_response(507, [], "the server's disk is full; try again later",
                              "storage_full")

    @app.exception_handler(TooBusy)
    async def _busy(_: Request, exc: TooBusy) -> JSONResponse:
        return error_response(429, [], str(exc), "too_busy")

    from roxham.api.access import Unauthorized

    @app.exception_handler(Unauthorized)
    async def _unauthorized(_: Request, exc: Unauthorized) -> JSONResponse:
        r = error_response(401, ["header", "authorization"], str(exc), "unauthorized")
        r.headers["WWW-Authenticate"] = "Bearer"
        return r

    @app.exception_handler(RecursionError)
    async def _deep(_: Request, exc: RecursionError) -> JSONResponse:
        return error_response(400, ["body"], "input nested too deeply", "too_deep")

    @app.exception_handler(ValueError)
    async def _value(_: Request, exc: ValueError) -> JSONResponse:
        if "digits" in str(exc) and "integer" in str(exc):
            return error_response(400, ["body"], "an integer has more than 4300 digits",
                                  "integer_too_long")
        log.error("internal error: %s", type(exc).__name__)
        return error_response(500, [], "internal error (a bug in Roxham)", "internal_error")

    @app.exception_handler(OSError)
    async def _os(_: Request, exc: OSError) -> JSONResponse:
        import errno

        log.error("storage error: %s (errno %s)", type(exc).__name__, exc.errno)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return error_response(507, [], "the server's disk is full", "insufficient_storage")
        return error_response(503, [], "storage unavailable; try again later", "unavailable")

    from sqlalchemy.exc import OperationalError

    @app.exception_handler(OperationalError)
    async def _db(_: Request, exc: OperationalError) -> JSONResponse:
        log.error("registry unavailable: %s", type(exc).__name__)
        return error_response(503, [], "run registry unavailable; try again later",
                              "unavailable")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        msg = exc.detail if isinstance(exc.detail, str) else "error"
        typ = "not_found" if exc.status_code == 404 else "http_error"
        loc = ["path"] if exc.status_code in (404, 405) else []
        return JSONResponse(
            {"detail": [_detail(loc, msg, typ)]},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )


__all__ = [
    "NotFound",
    "RequestProblem",
    "TooBusy",
    "clean_errors",
    "error_response",
    "install_handlers",
]
