"""The web app: ``create_app()`` builds the FastAPI application that ``roxham serve`` runs.

>>> from fastapi.testclient import TestClient
>>> app = create_app(ApiSettings(db_url="sqlite://"))
>>> with TestClient(app) as client:
...     r = client.get("/api/v1/runs/nope")
>>> r.status_code, r.json()["detail"][0]["type"]
(404, 'not_found')
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from roxham.api import pages
from roxham.api.access import BodyTimeoutMiddleware, HostAllowListMiddleware
from roxham.api.jobs import JobManager, ModelBackend
from roxham.api.problems import install_handlers
from roxham.api.routes import router
from roxham.api.security import (
    BodySizeLimitMiddleware,
    InternalErrorMiddleware,
    SecurityHeadersMiddleware,
)
from roxham.api.settings import ApiSettings
from roxham.store.registry import RunRegistry

log = logging.getLogger("roxham.api")

STATIC_DIR = Path(__file__).parent / "static"


def plotly_js_dir() -> Path:
    """The folder of Plotly's bundled ``plotly.min.js`` (served at ``/vendor/``)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data"


def default_backend() -> ModelBackend:
    """The Canada–US model when installed, else a backend with no scenarios."""
    from roxham.api.canada_us_backend import load_backend

    return load_backend()


def create_app(
    settings: ApiSettings | None = None, *, backend: ModelBackend | None = None
) -> FastAPI:
    """The application: REST API under ``/api/v1``, pages, static assets, run manager.

    ``backend`` is the model runs use (default: :func:`default_backend`). Runs left unfinished
    by a previous server are marked failed (resumable) when the app is built.
    """
    settings = settings or ApiSettings.from_env()
    registry = RunRegistry(settings.resolved_db_url)
    jobs = JobManager(registry, backend or default_backend(), settings)
    if jobs.recovered:
        log.warning("%d unfinished run(s) from a previous server marked failed", jobs.recovered)
    if settings.run_retention_days > 0:
        from roxham.store.ownership import expire_runs

        n = expire_runs(registry, settings.run_retention_days, settings.data_dir)
        if n:
            log.warning("%d run(s) older than %g days deleted", n, settings.run_retention_days)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()
        registry.close()

    app = FastAPI(
        title="Roxham API",
        version="1",
        description=(
            "The Canada–US Safe Third Country Agreement as executable law, the official "
            "numbers with their sources, and simulation runs. Nothing sent to the screener "
            "is stored or logged."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI needs a CDN and inline script: pages.api_docs instead
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.registry = registry
    app.state.jobs = jobs
    install_handlers(app)
    app.include_router(router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(InternalErrorMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(BodyTimeoutMiddleware, timeout_s=settings.body_timeout_s)
    app.add_middleware(HostAllowListMiddleware, allowed=settings.allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


__all__ = ["create_app", "default_backend", "plotly_js_dir"]
