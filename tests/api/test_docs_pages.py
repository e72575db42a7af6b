"""The documents the pages cite, served locally (issue 17: ambiguity references are links):
only the listed documents, rendered with their anchors; anything else is a 404 page."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_rules_document_is_served_with_its_anchors(client: TestClient) -> None:
    r = client.get("/docs/law/RULES.md")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for n in range(1, 18):  # A1..A17 of docs/law/RULES.md §8
        assert f'id="a{n}"' in r.text
    assert "<h3>A1. A claim exactly 14 days" in r.text
    assert "<script" not in r.text.split('<article class="doc"')[1]


def test_only_the_listed_documents_are_served(client: TestClient) -> None:
    for path in ("/docs/law/NOPE.md", "/docs/../pyproject.toml", "/docs/DESIGN.md",
                 "/docs/law/../../README.md"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "pyproject" not in r.text and "[project]" not in r.text


def test_screen_answer_carries_reasons_as_data_and_text(client: TestClient) -> None:
    body = {"as_of_date": "2023-06-01", "lang": "fr", "facts": {
        "nat": ["MX"], "entry": {"mode": "LAND_POE", "date": "2023-06-01"},
        "claim": {"date": "2023-06-01"}}}
    d = client.post("/api/v1/screen", json=body).json()["derived"]
    ca = next(x for x in d if x["field"] == "visa_req_ca")
    assert ca["value"] is False and ca["reasons"][0]["code"] == "exempt"
    assert ca["text"].startswith(
        "MX : dispensé de visa le 2023-06-01 (CIC, 2009-07-13, DORS/2016-293")
