"""Error paths: a missing or corrupt file, bad queries → one clear UserError naming file and row."""

from __future__ import annotations

from pathlib import Path

import pytest

from roxham.data import daily_drivers, events, figures, monthly, series, verify
from roxham.errors import UserError

from .conftest import edit_line

RCMP = "canada_found/rcmp_interceptions_monthly.csv"


def _error(data_dir: Path) -> str:
    with pytest.raises(UserError) as exc:
        figures(data_dir=data_dir)
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "us/nyc.csv").unlink()
    assert "data file us/nyc.csv is missing" in _error(data_copy)


def test_non_numeric_value_names_file_and_line(data_copy: Path) -> None:
    edit_line(data_copy / RCMP, 126, ",5530,", ",55x0,")
    msg = _error(data_copy)
    assert f"data file {RCMP}, line 126" in msg
    assert "'55x0' is not a number" in msg


def test_bad_period(data_copy: Path) -> None:
    edit_line(data_copy / RCMP, 126, "2017-08,QC", "2017-13,QC")
    msg = _error(data_copy)
    assert f"{RCMP}, line 126" in msg and "column 'period'" in msg


def test_bad_source_url(data_copy: Path) -> None:
    edit_line(data_copy / "us/cbp_southwest_monthly.csv", 2, "http", "ftp")
    assert "us/cbp_southwest_monthly.csv, line 2: column 'source_url'" in _error(data_copy)


def test_wrong_number_of_fields(data_copy: Path) -> None:
    p = data_copy / "canada/context.csv"
    p.write_text(p.read_text(encoding="utf-8") + "2020,only three,fields\n", encoding="utf-8")
    assert "canada/context.csv, line 16: expected 5 fields, found 3" in _error(data_copy)


def test_exact_duplicate_row(data_copy: Path) -> None:
    p = data_copy / RCMP
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text("\n".join([*lines, lines[125]]) + "\n", encoding="utf-8")
    msg = _error(data_copy)
    assert f"line {len(lines) + 1}: duplicate of line 126" in msg


def test_same_source_different_value_needs_conflict_flag(data_copy: Path) -> None:
    p = data_copy / RCMP
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text("\n".join([*lines, lines[125].replace(",5530,", ",5531,")]) + "\n",
                 encoding="utf-8")
    assert "no CONFLICT flag" in _error(data_copy)
    # Flagged in the note: kept, and reported as a conflict.
    flagged = lines[125].replace(",5530,", ",5531,").rstrip('"') + ' -- CONFLICT: test"'
    p.write_text("\n".join([*lines, flagged]) + "\n", encoding="utf-8")
    df = series("rcmp_interceptions", "QC", "2017-08", "2017-08", vintage="official",
                data_dir=data_copy)
    assert sorted(df.get_column("value").to_list()) == [5530.0, 5531.0]
    c = verify(data_dir=data_copy).conflicts
    assert "5,531" in c.filter(c["period_text"] == "2017-08").get_column("figures").str.join("")[0]


def test_series_name_must_be_snake_case(data_copy: Path) -> None:
    edit_line(data_copy / "canada_found/irb.csv", 2, ",rpd_intake,", ",RPD intake,")
    assert "canada_found/irb.csv, line 2: column 'series'" in _error(data_copy)


def test_not_utf8(data_copy: Path) -> None:
    p = data_copy / "us/nyc.csv"
    p.write_bytes(p.read_bytes() + b"2024-01,caf\xe9,1,https://x.org,n\n")
    assert "us/nyc.csv: not UTF-8" in _error(data_copy)


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "us/nyc.csv").write_text("", encoding="utf-8")
    assert "us/nyc.csv, line 1: the file is empty" in _error(data_copy)


def test_missing_column(data_copy: Path) -> None:
    edit_line(data_copy / "us/nyc.csv", 1, "source_url", "url")
    assert "header lacks column(s) source_url" in _error(data_copy)


def test_events_bad_date(data_copy: Path) -> None:
    edit_line(data_copy / "us/events.csv", 3, "2016-12-01", "2016-12-41")
    with pytest.raises(UserError, match=r"us/events.csv, line 3: column 'date'"):
        events(data_dir=data_copy)


def test_unknown_series_suggests_close_names() -> None:
    with pytest.raises(UserError, match=r"unknown series 'rcmp_interception'.*rcmp_interceptions"):
        series("rcmp_interception")


def test_unknown_geography_lists_known() -> None:
    with pytest.raises(UserError, match=r"no geography 'XX'; it has .*QC"):
        series("rcmp_interceptions", "XX")


@pytest.mark.parametrize(("start", "end", "what"), [
    ("2017-13", None, "bad start"),
    ("2018-01", "2017-12", "after end"),
    (None, "yesterday", "bad end"),
])
def test_bad_date_ranges(start: str | None, end: str | None, what: str) -> None:
    with pytest.raises(UserError, match=what):
        series("rcmp_interceptions", "QC", start, end)
    with pytest.raises(UserError):
        daily_drivers(start or "2017-01", end or "2016-01")


def test_monthly_marks_missing_months_without_interpolating() -> None:
    m = monthly("rcmp_interceptions", "QC", "2019-05", "2019-07")
    assert m.get_column("missing").to_list() == [False, True, True]
    assert m.get_column("value").to_list()[1:] == [None, None]
