"""GET /data/series and /data/series/{name}: every figure with its source."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.jobs import NoModel

#: IRCC, "Demandes d'asile par année – 2017", table "Interceptions par la GRC", Quebec, August.
IRCC_2017 = ("https://www.canada.ca/fr/immigration-refugies-citoyennete/services/refugies/"
             "demandes-asile/demandes-asile-2017.html")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("data")
    app = create_app(ApiSettings(db_url="sqlite://", data_dir=data), backend=NoModel())
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_catalogue_lists_series_with_coverage(api: TestClient) -> None:
    rows = api.get("/api/v1/data/series").json()
    qc = next(r for r in rows if r["series"] == "rcmp_interceptions" and r["geography"] == "QC")
    assert qc["first"] <= "2017-01-01" and qc["n_sources"] >= 1 and qc["n_months"] >= 12
    assert all(r["n_figures"] >= 1 for r in rows)


def test_series_figures_carry_their_source(api: TestClient) -> None:
    r = api.get("/api/v1/data/series/rcmp_interceptions?geography=QC&start=2017-08&end=2017-08")
    assert r.status_code == 200, r.text
    d = r.json()
    official = [f for f in d["figures"] if f["vintage"] == "official" and
                f["period_kind"] == "month"]
    assert [(f["period"], f["value"]) for f in official] == [("2017-08-01", 5530.0)]
    assert official[0]["source_url"] == IRCC_2017
    assert all(f["source_url"].startswith("http") for f in d["figures"])
    assert d["monthly"][0]["value"] == 5530.0
    assert any(s["source_url"] == IRCC_2017 for s in d["sources"])


def test_unknown_series_is_404_and_bad_filters_422(api: TestClient) -> None:
    r = api.get("/api/v1/data/series/unicorn_sightings")
    assert r.status_code == 404 and r.json()["detail"][0]["loc"] == ["path", "name"]
    r = api.get("/api/v1/data/series/rcmp_interceptions?geography=ATLANTIS")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "geography"]
    r = api.get("/api/v1/data/series/rcmp_interceptions?start=2019-99")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][0] == "query"
    r = api.get("/api/v1/data/series/rcmp_interceptions?start=2020-01&end=2019-01")
    assert r.status_code == 422


def test_catalogue_and_figures_carry_measure_and_grade(api: TestClient) -> None:
    rows = api.get("/api/v1/data/series").json()
    ircc = [r for r in rows if r["series"] == "asylum_claims_by_office" and r["geography"] == "QC"]
    # the bundled IRCC table is a GitHub copy of IRCC's workbook: graded official_mirror
    assert ircc and ircc[0]["measure"] == "asylum_claims"
    assert ircc[0]["best_grade"] == "official_mirror"
    assert all(r["grades"] and r["measure"] for r in rows)
    d = api.get("/api/v1/data/series/rcmp_interceptions?geography=QC&start=2023-01"
                "&end=2023-01").json()
    # QC 2023-01 is known only from a blog (canucklaw.ca)
    assert {f["grade"] for f in d["figures"]} == {"weak"}
