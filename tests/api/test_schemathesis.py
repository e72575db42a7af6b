"""Schemathesis over the OpenAPI spec: no generated request makes the server fail (5xx).

The facts of the screener are typed by the law's ``Facts`` schema in the spec, so generated
requests reach the law engine with structured (and malformed) facts. 30 examples per operation
keep this under a minute on 2 cores.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from roxham.api import ApiSettings, create_app

from .conftest import FakeModel

_DATA = Path(tempfile.mkdtemp(prefix="roxham-schemathesis-"))
APP = create_app(
    ApiSettings(db_url=f"sqlite:///{_DATA / 'runs.db'}", data_dir=_DATA, max_queued_jobs=2,
                job_isolation="thread"),
    backend=FakeModel(),
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error])
