"""POST /api/v1/screen refuses facts beyond the documented bounds with a 4xx (issue 18.1/18.4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.jobs import NoModel

BASE: dict[str, Any] = {
    "nat": ["HT"],
    "entry": {"mode": "LAND_POE", "date": "2023-01-10"},
    "claim": {"date": "2023-01-10"},
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("screen_bounds")
    app = create_app(ApiSettings(db_url=f"sqlite:///{data / 'runs.db'}", data_dir=data),
                     backend=NoModel())
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    "facts",
    [
        {**BASE, "family": [{"rel": "sister", "status": "VISITOR"}] * 25_000},
        {**BASE, "docs": [{"type": "TRV"}] * 51},
        {**BASE, "entries": ["2022-01-01"] * 51},
        {**BASE, "entry": {"mode": "LAND_POE", "date": "0001-01-01"},
         "claim": {"date": "0001-01-10"}},
    ],
)
def test_out_of_bounds_facts_are_a_4xx_naming_the_field(
    api: TestClient, facts: dict[str, Any]
) -> None:
    r = api.post("/api/v1/screen", json={"as_of_date": "2023-01-10", "facts": facts})
    assert 400 <= r.status_code < 500, r.text
    assert "Traceback" not in r.text
    assert any(k in r.text for k in ("family", "docs", "entries", "entry", "claim"))


def test_a_household_at_the_limit_is_answered(api: TestClient) -> None:
    facts = {**BASE, "family": [{"rel": "sister", "status": "VISITOR"}] * 50}
    r = api.post("/api/v1/screen", json={"as_of_date": "2023-01-10", "facts": facts})
    assert r.status_code == 200, r.text
    assert r.json()["result_code"] == "INELIGIBLE/STCA"


def test_a_future_law_date_is_a_4xx(api: TestClient) -> None:
    import datetime as dt

    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    r = api.post("/api/v1/screen", json={"as_of_date": future, "facts": BASE})
    assert 400 <= r.status_code < 500 and "after today" in r.text, r.text
