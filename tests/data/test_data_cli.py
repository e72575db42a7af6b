"""``roxham data``: list, show, plot, sources, verify; bad input → exit 2 with one line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from tests.data.cli_helpers import run
from typer.testing import CliRunner


def test_show_csv_has_the_figure_and_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["show", "rcmp_interceptions", "--geo", "qc", "--from", "2017-08",
                        "--to", "2017-08", "--vintage", "official", "--csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    assert rows[0]["value"] == "5530.0" and rows[0]["period"] == "2017-08-01"
    assert rows[0]["source_url"].startswith("https://www.canada.ca/")
    assert rows[0]["file"] == "canada_found/rcmp_interceptions_monthly.csv"


def test_show_json_monthly_marks_missing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["show", "rcmp_interceptions", "--geo", "QC", "--monthly", "--from",
                        "2019-05", "--to", "2019-06", "--json"], capsys)
    assert code == 0
    recs = json.loads(out)
    assert [(r["value"], r["missing"]) for r in recs] == [(1149.0, False), (None, True)]


def test_list_and_sources_and_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["list", "--wide", "--json"], capsys)
    assert code == 0
    assert {"series": "rcmp_interceptions", "geography": "QC"}.items() <= next(
        r for r in json.loads(out) if r["series"] == "rcmp_interceptions"
        and r["geography"] == "QC").items()
    code, out, _ = run(["sources", "rcmp_interceptions", "--geo", "QC"], capsys)
    assert code == 0 and "asylum-claims-2018.html" in out
    code, out, _ = run(["show", "cbp_encounters", "--geo", "US-SW", "--from", "2023-01",
                        "--to", "2023-01"], capsys)
    assert code == 0 and "156,274" in out and "157,358" in out


def test_events_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["events", "--from", "2023-03-24", "--to", "2023-03-25", "--csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    # 2023-03-25 is in us/events.csv and in canada/events_2025_2026.csv
    assert [r["date_text"] for r in rows] == ["2023-03-24", "2023-03-25", "2023-03-25"]
    assert all(r["source_url"].startswith("https://") for r in rows)


def test_verify_passes_on_bundled_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify"], capsys)
    assert code == 0
    assert "problems (official vs official mismatches): 0" in out
    assert "[first_reported]" in out  # markup-looking text printed literally


def test_plot_png_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "qc.png"
    code, _, err = run(["plot", "rcmp_interceptions", "--geo", "QC", "-o", str(png)], capsys)
    assert code == 0, err
    with Image.open(png) as im:
        assert im.size == (1650, 900)
    html = tmp_path / "qc.html"
    code, _, err = run(["plot", "rcmp_interceptions", "--geo", "QC", "--geo", "MB", "--from",
                        "2017-01", "--to", "2018-12", "-o", str(html)], capsys)
    assert code == 0, err
    text = html.read_text(encoding="utf-8")
    assert "<script src=\"http" not in text  # plotly.js inline, no CDN
    assert "RCMP interceptions" in text and "Manitoba" in text


@pytest.mark.parametrize(("args", "message"), [
    (["show", "rcmp_interception"], "unknown series 'rcmp_interception'"),
    (["show", "rcmp_interceptions", "--from", "2017-13"], "bad start (--from)"),
    (["show", "rcmp_interceptions", "--from", "2018-01", "--to", "2017-01"], "is after end"),
    (["show", "rcmp_interceptions", "--geo", "QC", "--from", "2031-01"], "has no figures"),
    (["show", "rcmp_interceptions", "--geo", "XX"], "has no geography 'XX'"),
    (["show", "rcmp_interceptions", "--json", "--csv"], "choose one of --json and --csv"),
    (["plot", "rcmp_interceptions", "--geo", "QC", "-o", "x.pdf"], "use a .png or .html"),
    (["plot", "rcmp_interceptions", "--geo", "QC", "--from", "2020-06", "--to", "2021-06",
      "-o", "x.png"], "no monthly figure for QC"),
    (["plot", "rcmp_interceptions", "-o", "/no/such/dir/x.png"], "does not exist"),
    (["sources", "nope"], "unknown series 'nope'"),
    (["events", "--from", "2023-02", "--to", "2023-01"], "is after end"),
])
def test_bad_input_exit_2_one_line(args: list[str], message: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err
    assert "Traceback" not in err


def test_registered_in_the_roxham_command() -> None:
    from roxham.cli import app

    res = CliRunner().invoke(app, ["data", "--help"])
    assert res.exit_code == 0 and "verify" in res.output
