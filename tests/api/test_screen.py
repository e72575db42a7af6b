"""POST /screen and /screen/batch, /provisions: law cases through HTTP, errors, privacy."""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from roxham import law
from roxham.api import ApiSettings, create_app
from roxham.api.encoding import to_jsonable
from roxham.api.jobs import NoModel
from roxham.api.law_service import provision_links

#: A copy of the project's law/cases.csv (facts, law date, expected result, sources).
CASES_CSV = Path(__file__).parent / "data" / "cases.csv"
CASES = list(csv.DictReader(CASES_CSV.open(encoding="utf-8")))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("screen")
    app = create_app(ApiSettings(db_url=f"sqlite:///{data / 'runs.db'}", data_dir=data),
                     backend=NoModel())
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _body(case: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"as_of_date": case["as_of_date"], "facts": json.loads(case["facts"]), **extra}


def test_every_law_case_gives_the_expected_result(api: TestClient) -> None:
    assert len(CASES) >= 60
    wrong = []
    for case in CASES:
        r = api.post("/api/v1/screen", json=_body(case, what_would_change=False))
        assert r.status_code == 200, (case["case_id"], r.text)
        if r.json()["result_code"] != case["expected_outcome"]:
            wrong.append((case["case_id"], r.json()["result_code"], case["expected_outcome"]))
    assert wrong == []


def test_result_cites_provisions_with_working_links(api: TestClient) -> None:
    case = next(c for c in CASES if c["expected_outcome"] == "INELIGIBLE/STCA")
    res = api.post("/api/v1/screen", json=_body(case, lang="fr")).json()
    assert res["eligible"] is False
    assert res["explanation"]
    ids = [p["id"] for p in res["provisions"]]
    assert "IRPA 101(1)(e)" in ids  # the STCA ground is always among the reasons
    for p in res["provisions"]:
        assert api.get(p["api"]).status_code == 200
        page = api.get(p["page"])
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_full_answer_equals_the_library(api: TestClient) -> None:
    """The response is the library's answer: determination, explanation, consequence, trace
    (as the generic encoder writes it) and what would change it, in the language asked."""
    for case in CASES[::4]:
        facts, as_of = json.loads(case["facts"]), dt.date.fromisoformat(case["as_of_date"])
        for lang in ("en", "fr"):
            res = api.post("/api/v1/screen", json=_body(case, lang=lang)).json()
            det = law.determine(facts, as_of)
            assert res["result_code"] == det.result_code
            assert res["explanation"] == law.explain(det, lang)
            assert res["consequence"] == law.determine(facts, as_of, lang=lang).consequence
            assert res["trace"] == [to_jsonable(t.to_dict()) for t in det.trace]
            changes = law.what_would_change(facts, as_of)
            assert [{k: v for k, v in c.items() if k != "text"}
                    for c in res["what_would_change"]] == [to_jsonable(c.to_dict())
                                                           for c in changes]
            assert [c["text"] for c in res["what_would_change"]] == [
                c.describe(lang) for c in changes]


def test_consequence_in_french(api: TestClient) -> None:
    """docs/law/RULES.md §1: ineligible under the STCA after a between-ports crossing -> returned to
    the US through a land port of entry; in French with lang=fr."""
    case = next(c for c in CASES if c["expected_outcome"] == "INELIGIBLE/STCA"
                and json.loads(c["facts"])["entry"]["mode"] == "BETWEEN_POE")
    en = api.post("/api/v1/screen", json=_body(case)).json()["consequence"]
    fr = api.post("/api/v1/screen", json=_body(case, lang="fr")).json()["consequence"]
    assert en == "Returned to the United States through a land port of entry."
    assert fr == "Renvoi aux États-Unis par un point d'entrée terrestre."
    eligible = next(c for c in CASES if c["expected_outcome"].startswith("ELIGIBLE"))
    fr = api.post("/api/v1/screen", json=_body(eligible, lang="fr")).json()["consequence"]
    assert fr.startswith("La demande peut être déférée à la Section de la protection des "
                         "réfugiés")


def test_what_would_change_lists_changes_that_flip_the_result(api: TestClient) -> None:
    case = next(c for c in CASES if c["case_id"] == "C012")  # HT at a land port, 2022
    res = api.post("/api/v1/screen", json=_body(case)).json()
    changes = res["what_would_change"]
    assert changes, "a refused claim at a land port has exceptions that would change it"
    for ch in changes:
        assert ch["result_code"] != res["result_code"]
        assert ch["text"] and ch["field"]
        assert api.get(provision_links(ch["provision"])["api"]).status_code == 200


def test_batch_equals_one_by_one(api: TestClient) -> None:
    body = {"cases": [_body(c) for c in CASES]}
    r = api.post("/api/v1/screen/batch", json=body)
    assert r.status_code == 200, r.text
    got = [x["result_code"] for x in r.json()["results"]]
    assert got == [c["expected_outcome"] for c in CASES]


def test_batch_limit_names_the_field(make_client: Any) -> None:
    c = make_client(max_batch=2)
    case = _body(CASES[0])
    r = c.post("/api/v1/screen/batch", json={"cases": [case, case, case]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "cases"]


@pytest.mark.parametrize(
    ("mutate", "loc"),
    [
        (lambda b: b.pop("as_of_date"), ["body", "as_of_date"]),
        (lambda b: b.update(as_of_date="2023-02-30"), ["body", "as_of_date"]),
        (lambda b: b.update(as_of_date="1066-10-14"), ["body", "as_of_date"]),
        (lambda b: b.update(lang="de"), ["body", "lang"]),
        (lambda b: b.update(surprise=1), ["body", "surprise"]),
        (lambda b: b["facts"].update(age=-3), ["body", "facts", "age"]),
        (lambda b: b["facts"]["entry"].update(mode="TELEPORT"), ["body", "facts", "entry", "mode"]),
        (lambda b: b["facts"].update(family=[{"rel": "spouse", "status": "KING"}]),
         ["body", "facts", "family", 0, "status"]),
        (lambda b: b.update(facts=[]), ["body", "facts"]),
    ],
)
def test_bad_input_is_422_naming_the_field(api: TestClient, mutate: Any, loc: list[Any]) -> None:
    body = _body(CASES[0])
    mutate(body)
    r = api.post("/api/v1/screen", json=body)
    assert r.status_code == 422, r.text
    locs = [d["loc"] for d in r.json()["detail"]]
    assert any(found[: len(loc)] == loc for found in locs), locs


def test_malformed_json_is_422_not_500(api: TestClient) -> None:
    r = api.post("/api/v1/screen", content=b"{not json",
                 headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_body_size_limit(make_client: Any) -> None:
    c = make_client(max_body_bytes=2048)
    body = _body(CASES[0])
    body["facts"]["note"] = "x" * 5000
    r = c.post("/api/v1/screen", json=body)
    assert r.status_code == 413
    assert r.json()["detail"][0]["type"] == "body_too_large"


def test_security_headers_on_pages_and_api(api: TestClient) -> None:
    for url in ("/screener", "/api/v1/provisions", "/static/app.css", "/nope"):
        h = api.get(url).headers
        assert "script-src 'self'" in h["content-security-policy"]
        assert "unsafe-inline" not in h["content-security-policy"].split("script-src")[1].split(
            ";")[0]
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"


def test_provisions_list_and_unknown_is_404(api: TestClient) -> None:
    all_ids = [p["id"] for p in api.get("/api/v1/provisions").json()]
    assert "IRPR 159.5(a)" in all_ids
    # s. 159.4(1.1) (the 14-day window of the 2023 Additional Protocol) is not in force in 2020
    in_2020 = [p["id"] for p in api.get("/api/v1/provisions?as_of=2020-01-01").json()]
    in_2024 = [p["id"] for p in api.get("/api/v1/provisions?as_of=2024-01-01").json()]
    assert "IRPR 159.4(1.1)" not in in_2020 and "IRPR 159.4(1.1)" in in_2024
    r = api.get("/api/v1/provisions/IRPA%20999")
    assert r.status_code == 404 and r.json()["detail"][0]["type"] == "not_found"
    assert api.get("/provisions/IRPA%20999").status_code == 404
    assert api.get("/api/v1/provisions?as_of=banana").status_code == 422


def test_personal_facts_are_never_stored_or_logged(
    make_client: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Plant distinctive values, use every screener route, then scan logs and files."""
    c = make_client()
    planted = "Zq7PlantedNote"
    body = _body(CASES[0])
    body["facts"]["note"] = planted  # informational key: accepted, ignored by the law
    body["facts"]["entry_note"] = planted
    caplog.set_level(logging.DEBUG)
    assert c.post("/api/v1/screen", json=body).status_code == 200
    assert c.post("/api/v1/screen/batch", json={"cases": [body]}).status_code == 200
    bad = dict(body, facts=dict(body["facts"], age=planted))
    r = c.post("/api/v1/screen", json=bad)
    assert r.status_code == 422 and planted not in r.text  # errors never echo the input
    assert planted not in caplog.text
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert planted.encode() not in f.read_bytes(), f


def test_a_bug_is_500_without_logging_the_facts(
    make_client: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import roxham.api.law_service as ls

    planted = "Zq7BugMessage"

    def broken(_: Any) -> Any:
        raise ValueError(f"cannot handle {planted}")

    monkeypatch.setattr(ls, "screen", broken)
    c = make_client()
    caplog.set_level(logging.DEBUG)
    # raise_server_exceptions=True in this client would surface a re-raised exception
    with TestClient(c.app) as strict:
        r = strict.post("/api/v1/screen", json=_body(CASES[0]))
    assert r.status_code == 500 and r.json()["detail"][0]["type"] == "internal_error"
    assert r.headers["x-frame-options"] == "DENY"
    assert planted not in caplog.text and "ValueError" in caplog.text
