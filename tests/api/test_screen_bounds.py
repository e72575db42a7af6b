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


def test_a_large_screening_leaves_the_event_loop(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What would change over 50 family members costs up to a few hundred ms: it runs in the
    thread pool, not on the event loop that serves every other request; a small one stays."""
    import threading

    from roxham.api import law_service

    seen: list[bool] = []
    real = law_service.screen

    def spy(req: law_service.ScreenRequest) -> dict[str, Any]:
        # the event loop's thread is the one that has a running loop
        import asyncio

        try:
            asyncio.get_running_loop()
            seen.append(True)
        except RuntimeError:
            seen.append(threading.current_thread() is threading.main_thread())
        return real(req)

    monkeypatch.setattr(law_service, "screen", spy)
    big = {**BASE, "family": [{"rel": "cousin", "status": "VISITOR"}] * 50}
    for facts in (BASE, big):
        r = api.post("/api/v1/screen", json={"as_of_date": "2023-01-10", "facts": facts})
        assert r.status_code == 200, r.text
    assert seen == [True, False]  # small: on the loop; large: off it
