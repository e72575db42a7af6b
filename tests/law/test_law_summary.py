"""The printable bilingual summary (issue 17): both languages, the date of the law applied,
the verdict in words, next steps; written only where asked (CLI --summary, API endpoint)."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.jobs import NoModel
from roxham.cli import app
from roxham.cli._common import EXIT_BAD_INPUT, run_app
from roxham.law.summary import summary_html

FACTS: dict[str, Any] = {"nat": ["MX"], "entry": {"mode": "LAND_POE", "date": "2023-06-01"},
                         "claim": {"date": "2023-06-01"}, "note": "PLANTED-<b>secret</b>"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.langs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.langs += [v or "" for k, v in attrs if k == "lang"]

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _parse(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    return p


def test_summary_is_bilingual_and_dated() -> None:
    html = summary_html(FACTS, dt.date(2023, 6, 1), today=dt.date(2024, 1, 2))
    p = _parse(html)
    text = " ".join(p.parts)
    assert {"en", "fr"} <= set(p.langs)
    assert "2023-06-01" in text and "2024-01-02" in text
    assert "Eligible to be referred" in text and "Recevable" in text
    assert "IRPR 159.5(g)" in text and "RIPR 159.5(g)" in text  # the exception, both ways
    assert "Next steps" in text and "Étapes suivantes" in text
    assert "@media print" in html
    assert "PLANTED" not in html  # an informational note is not printed


def test_cli_writes_the_summary_only_when_asked(tmp_path: Path, monkeypatch: Any) -> None:
    f = tmp_path / "f.json"
    f.write_text(json.dumps(FACTS), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run_app(app, ["screen", str(f)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]
    out = tmp_path / "s.html"
    assert run_app(app, ["screen", str(f), "--summary", str(out)]) == 0
    assert "Droit applicable au" in out.read_text(encoding="utf-8")
    bad = tmp_path / "missing" / "s.html"
    assert run_app(app, ["screen", str(f), "--summary", str(bad)]) == EXIT_BAD_INPUT


def test_api_summary(tmp_path: Path) -> None:
    a = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path),
                   backend=NoModel())
    with TestClient(a) as c:
        r = c.post("/api/v1/screen/summary", json={"as_of_date": "2023-06-01", "facts": FACTS})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "Droit applicable au" in r.text and "Law applied as of" in r.text
        r = c.post("/api/v1/screen/summary", json={"as_of_date": "2023-06-01", "facts": {}})
        assert r.status_code == 422
