"""The web app and REST API of Roxham (``roxham serve``).

>>> from roxham.api import create_app, ApiSettings
>>> app = create_app(ApiSettings(db_url="sqlite://"))
>>> app.openapi()["info"]["title"]
'Roxham API'
"""

from __future__ import annotations

from roxham.api.app import create_app
from roxham.api.jobs import Job, JobManager, Lever, ModelBackend, RunOutput, ScenarioSpec
from roxham.api.settings import ApiSettings

__all__ = [
    "ApiSettings",
    "Job",
    "JobManager",
    "Lever",
    "ModelBackend",
    "RunOutput",
    "ScenarioSpec",
    "create_app",
]
