"""IRCC open data in, a tidy catalogue, a grade on every figure (issue 12).

Independent expectations: the shared CSV/XLSX files read here with ``csv`` and ``openpyxl``
(not through roxham.data); the workbook's own cells; the grade rules of src/roxham/data/SCHEMA.md.
Synthetic workbooks holding 2025 months are built in a temporary directory with numbers that are
obviously not real (every province cell 5, vintage 2099-01-15); nothing of them is bundled.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from tests.data.cli_helpers import run

from roxham.data import figures, monthly
from roxham.data.grades import GRADES, TARGET_GRADES, grade
from roxham.data.ircc import read_workbook
from roxham.data.measures import MEASURES
from roxham.data.store import import_workbook, store_dir, vintages

FIXTURE = Path(__file__).parent / "fixtures" / "EN_ODP-Asylum-OfficeType_Prov.to-2024-12.xlsx"
RAW = Path(str(resources.files("roxham.data").joinpath("raw")))
IRCC_CSV = "canada/ircc_claims_by_office_province_monthly.csv"
FOUND_CSV = "canada/found_2015_2024.csv"
EVENTS_CSV = "canada/events_2025_2026.csv"
SHEET = "Asylum Claimants - Office Type"


def _csv_rows(rel: str) -> list[dict[str, str]]:
    with (RAW / rel).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "user"
    monkeypatch.setenv("ROXHAM_DATA_DIR", str(d))
    return d


# --- the bundled files -------------------------------------------------------------------


@pytest.mark.parametrize("rel", [IRCC_CSV, FOUND_CSV])
def test_every_row_of_the_new_files_is_in_the_catalogue(rel: str) -> None:
    rows = _csv_rows(rel)
    df = figures(vintage="all").filter(pl.col("file") == rel)
    assert df.height == len(rows)
    assert sorted(df.get_column("line").to_list()) == list(range(2, len(rows) + 2))
    by_line = {r["line"]: r for r in df.iter_rows(named=True)}
    for i, r in enumerate(rows, start=2):
        assert by_line[i]["value"] == float(r["value"])
        assert by_line[i]["source_url"] == r["source_url"]


def test_every_event_of_2025_2026_is_loaded() -> None:
    from roxham.data import events

    rows = _csv_rows(EVENTS_CSV)
    ev = events().filter(pl.col("file") == EVENTS_CSV)
    assert ev.height == len(rows)
    assert set(ev.get_column("event").to_list()) == {r["description"] for r in rows}


def test_no_figure_without_a_grade_and_a_measure() -> None:
    df = figures(vintage="all")
    assert df.get_column("grade").null_count() == 0
    assert set(df.get_column("grade").unique().to_list()) <= set(GRADES)
    assert set(df.get_column("measure").unique().to_list()) <= set(MEASURES)
    # tens of measures, not hundreds of one-off names
    assert 10 <= df.get_column("measure").n_unique() <= 40 < df.get_column("series").n_unique()


def test_grades_follow_the_documented_domain_rules() -> None:
    assert grade("https://www.canada.ca/en/immigration-refugees-citizenship/x.html") == "official"
    assert grade("https://canucklaw.ca/at-least-13748-illegal-entries-into-canada") == "weak"
    assert grade("https://actualnewsmagazine.com/english/x") == "weak"
    assert grade("https://github.com/sitrucp/canada_immigration_data/blob/x/a.xlsx") == (
        "official_mirror")
    assert grade("https://www.ctvnews.ca/x", "RCMP figures show 39 interceptions") == (
        "press_of_official")
    assert grade("https://www.ctvnews.ca/x", "a witness said 39") == "press"
    assert grade("https://www.breitbart.com/x", "CBP data") == "weak"  # explicit override


def test_the_bundled_ircc_table_matches_the_workbook_cells() -> None:
    # Quebec, Border, August 2017: the workbook's cell (row 'Quebec' under Border, col 2017 Aug)
    wb = openpyxl.load_workbook(FIXTURE, data_only=True)
    ws = wb[SHEET]
    col = next(c.column for c in ws[3] if c.value == "2017") + 7  # Jan + 7 = Aug
    row = next(r for r in range(16, 26) if ws.cell(r, 2).value == "Quebec")
    expected = float(str(ws.cell(row, col).value).replace(",", ""))
    df = figures().filter((pl.col("measure") == "asylum_claims") & (pl.col("geography") == "QC")
                          & (pl.col("office") == "land_poe")
                          & (pl.col("period_text") == "2017-08")
                          & (pl.col("file") == IRCC_CSV))
    assert df.get_column("value").to_list() == [expected]


def test_suppressed_cells_are_missing_not_zero() -> None:
    wb = openpyxl.load_workbook(FIXTURE, data_only=True)
    ws = wb[SHEET]
    # first suppressed cell of a province row
    cell = next(c for row in ws.iter_rows(min_row=5, max_row=14) for c in row[2:]
                if c.value == "--")
    month = ws.cell(4, cell.column).value
    year = next(ws.cell(3, c).value for c in range(cell.column, 2, -1) if ws.cell(3, c).value)
    prov = ws.cell(cell.row, 2).value
    assert month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                     "Nov", "Dec")
    m = ("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split().index(month)) + 1
    period = f"{year}-{m:02d}"
    recs = read_workbook(FIXTURE).records
    assert not [r for r in recs if r["period"] == period and r["series"] ==
                "asylum_claims_airport" and prov.startswith("Newfoundland")
                and r["geography"] == "NL"]
    df = figures().filter((pl.col("series") == "asylum_claims_by_office")
                          & (pl.col("subgroup") == "office=airport")
                          & (pl.col("period_text") == period)
                          & (pl.col("geography") == "NL"))
    assert df.height == 0


# --- import --------------------------------------------------------------------------------


def test_importing_the_shared_workbook_reproduces_the_monthly_csv() -> None:
    recs = read_workbook(FIXTURE).records
    got = {(r["period"], r["geography"], r["series"], r["value"]) for r in recs}
    want = {(r["period"], r["geography"], r["series"], r["value"]) for r in _csv_rows(IRCC_CSV)}
    assert len(recs) == len(got)  # no duplicate figure
    assert got == want
    # the workbook's last line: 'Source: IRCC, July 31, 2025'
    assert read_workbook(FIXTURE).vintage.isoformat() == "2025-07-31"


def test_import_is_idempotent(user_dir: Path) -> None:
    first = import_workbook(FIXTURE)
    assert first.added and first.vintage.n_figures == len(_csv_rows(IRCC_CSV))
    before = {p.name: p.read_bytes() for p in store_dir().iterdir()}
    second = import_workbook(FIXTURE)
    assert not second.added and second.vintage == first.vintage
    assert {p.name: p.read_bytes() for p in store_dir().iterdir()} == before
    assert len(vintages()) == 1


def _synthetic_2025(src: Path, dst: Path, *, vintage: str = "January 15, 2099") -> Path:
    """The shared workbook plus 13 columns of 2025 with synthetic values (every province 5)."""
    wb = openpyxl.load_workbook(src)
    ws = wb[SHEET]
    last = max(c.column for c in ws[4] if c.value)
    ws.cell(1, 1).value = str(ws.cell(1, 1).value).rsplit(",", 1)[0] + \
        ", January 2015 - December 2025"
    ws.cell(3, last + 1).value = "2025"
    for k, mon in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()):
        ws.cell(4, last + 1 + k).value = mon
    ws.cell(4, last + 13).value = "2025 Total"
    total_row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value
                     and str(ws.cell(r, 1).value).strip() == "Total")
    n_prov, group_vals = 0, []
    for r in range(5, total_row + 1):
        a = str(ws.cell(r, 1).value or "").strip()
        if a == "Total":
            v = sum(group_vals)
        elif a.endswith(" - Total"):
            v, n_prov = 5 * n_prov, 0
            group_vals.append(v)
        elif a == "Other Offices":
            v = 0
        else:
            v, n_prov = 5, n_prov + 1
        for k in range(12):
            ws.cell(r, last + 1 + k).value = f"{v:,}"
        ws.cell(r, last + 13).value = f"{12 * v:,}"
    src_row = next(r for r in range(total_row, ws.max_row + 1)
                   if str(ws.cell(r, 1).value or "").startswith("Source: IRCC"))
    ws.cell(src_row, 1).value = f"Source: IRCC, {vintage}"
    wb.save(dst)
    return dst


def test_show_contract_empty_then_with_an_imported_2025_workbook(
        user_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["show", "asylum_claims", "--geo", "QC", "--office", "land_poe", "--from", "2025-01",
            "--to", "2025-07", "--csv"]
    code, out, _ = run(args, capsys)
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert {"period", "value", "grade", "vintage", "source_url"} <= set(header)
    assert out.strip().count("\n") == 0  # a header, no rows: bundled data stop at 2024-12

    wb = _synthetic_2025(FIXTURE, tmp_path / "synthetic-2025.xlsx")
    code, out, err = run(["import", str(wb)], capsys)
    assert code == 0, err
    code, out, _ = run(args, capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["period"] for r in rows] == [f"2025-{m:02d}" for m in range(1, 8)]
    assert {r["value"] for r in rows} == {"5.0"}
    assert {r["grade"] for r in rows} == {"official"}
    assert {r["vintage"] for r in rows} == {"2099-01-15"}
    assert all(r["source_url"].startswith("https://open.canada.ca/") for r in rows)

    # the newest vintage wins for 2024 too; the older one stays queryable
    old = ["show", "asylum_claims", "--geo", "QC", "--office", "land_poe", "--from", "2024-12",
           "--to", "2024-12", "--csv"]
    code, out, _ = run(old, capsys)
    assert [r["vintage"] for r in csv.DictReader(io.StringIO(out))] == ["2099-01-15"]
    code, out, _ = run([*old, "--vintage", "2025-07-31"], capsys)
    assert [r["vintage"] for r in csv.DictReader(io.StringIO(out))] == ["2025-07-31"]
    code, out, _ = run(["vintages", "--json"], capsys)
    assert [v["vintage"] for v in json.loads(out)] == ["2025-07-31", "2099-01-15"]


def test_a_crash_mid_import_leaves_the_store_as_it_was(
        user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import roxham.data.store as store

    import_workbook(FIXTURE)
    before = {p.name: p.read_bytes() for p in store_dir().iterdir()}
    real: Callable[[Path, str], None] = store._atomic_write

    def failing(path: Path, text: str) -> None:
        if path.name == "manifest.json":
            raise OSError("disk full (forced)")
        real(path, text)

    monkeypatch.setattr(store, "_atomic_write", failing)
    wb = _synthetic_2025(FIXTURE, tmp_path / "synthetic-2025.xlsx")
    with pytest.raises(OSError, match="forced"):
        import_workbook(wb)
    assert {p.name: p.read_bytes() for p in store_dir().iterdir()} == before
    monkeypatch.setattr(store, "_atomic_write", real)
    assert import_workbook(wb).added  # and the store still works


def _edit(tmp_path: Path, name: str, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(FIXTURE)
    change(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def _move_column(wb: openpyxl.Workbook) -> None:
    ws = wb[SHEET]
    for r in range(4, 44):  # swap Feb and Mar 2015 (columns D and E), header to Total
        d, e = ws.cell(r, 4), ws.cell(r, 5)
        d.value, e.value = e.value, d.value


def _drop_source(wb: openpyxl.Workbook) -> None:
    ws = wb[SHEET]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("Source: IRCC"):
                c.value = None


def _text_in_number(wb: openpyxl.Workbook) -> None:
    wb[SHEET]["F8"] = "n/a"


def _other_layout(wb: openpyxl.Workbook) -> None:
    ws = wb[SHEET]
    ws["A3"] = "Country of Citizenship"


@pytest.mark.parametrize(("change", "cell"), [
    (_move_column, "cell D4"),
    (_drop_source, "no line 'Source: IRCC"),
    (_text_in_number, "cell F8"),
    (_other_layout, "cell A3"),
])
def test_malformed_workbooks_one_line_exit_2(
        change: Callable[[openpyxl.Workbook], None], cell: str, user_dir: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = _edit(tmp_path, "bad.xlsx", change)
    code, _, err = run(["import", str(bad)], capsys)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert f"sheet {SHEET!r}" in err and cell in err
    assert not (user_dir / "ircc" / "manifest.json").exists()  # nothing saved


def test_not_a_workbook_is_one_line(tmp_path: Path, user_dir: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "x.xlsx"
    p.write_text("not a zip", encoding="utf-8")
    code, _, err = run(["import", str(p)], capsys)
    assert code == 2 and "not an Excel workbook" in err and err.count("\n") == 1


# --- targets and CLI ----------------------------------------------------------------------


def test_targets_use_only_official_mirror_or_press_of_official() -> None:
    from roxham.calibrate.distance import load_observed
    from roxham.calibrate.priors import CANADA_US_TARGETS

    obs = load_observed(CANADA_US_TARGETS)
    # QC 2023-01 (4,875) is only in a blog transcription (canucklaw.ca): dropped
    assert "2023-01" not in obs.series["rcmp_interceptions/QC"][0]
    m = monthly("rcmp_interceptions", "QC", grades=TARGET_GRADES)
    assert set(m.filter(~pl.col("missing")).get_column("grade").unique().to_list()) <= set(
        TARGET_GRADES)
    # the official IRCC figure of 2018-08 is still there (IRCC 2018 page: 1,666 in QC)
    assert obs.series["rcmp_interceptions/QC"][0]["2018-08"] == 1666.0


def test_list_shows_measures_within_80_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["list"], capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "asylum_claims" in out and "rcmp_interceptions" in out
    assert "nyc_asylum_seekers_arrived_nyc_since_april_2022" not in out
    code, out, _ = run(["list", "--wide", "--json"], capsys)
    assert "nyc_asylum_seekers_arrived_nyc_since_april_2022" in {r["series"]
                                                                 for r in json.loads(out)}


def test_verify_prints_grades_and_targets_not_official(
        capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["verify", "--json"], capsys)
    rep = json.loads(out)
    counts = {g["grade"]: g["n"] for g in rep["grades"]}
    assert list(counts) == list(GRADES)
    assert sum(counts.values()) == figures().height
    targets = rep["targets_not_official"]
    assert all(t["grade"] != "official" for t in targets)
    assert all(t["grade"] in TARGET_GRADES for t in targets if t["used"])
    assert any(t["target"] == "rcmp_interceptions/QC" and t["period"] == "2023-01"
               and not t["used"] and t["grade"] == "weak" for t in targets)
