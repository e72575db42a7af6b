"""``roxham run`` / ``roxham compare``: run directory schema, invariants, JSON, bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

CliFn = Callable[[list[str]], tuple[int, str, str]]


def script_srcs(html: str) -> list[str]:
    """``src`` of every <script> tag (script bodies are not parsed as HTML)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class P(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "script":
                found.extend(v or "" for k, v in attrs if k == "src")

    P().feed(html)
    return found

GEOS = {"CA", "QC", "ON", "MB", "BC", "OTHER"}
REQUIRED = {
    "rcmp_interceptions": {"CA", "QC", "MB", "BC", "ON", "OTHER"},
    **{f"claims_{o}": GEOS for o in ("airport", "land_poe", "inland", "rcmp", "total")},
    "stca_returns": {"CA"},
    "irb_pending": {"CA"},
}


def test_monthly_parquet_schema(historical_run: tuple[Path, dict[str, Any]]) -> None:
    run_dir, _ = historical_run
    m = pl.read_parquet(run_dir / "monthly.parquet")
    assert m.columns == ["month", "series", "geography", "value", "p05", "p95"]
    assert m.schema["month"] == pl.Utf8
    months = sorted(set(m["month"].to_list()))
    assert months[0] == "2017-01" and months[-1] == "2024-12" and len(months) == 96
    assert all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", x) for x in months)
    for series, geos in REQUIRED.items():
        got = set(m.filter(pl.col("series") == series)["geography"].to_list())
        assert geos <= got, (series, geos - got)
        for g in geos:
            assert m.filter((pl.col("series") == series) & (pl.col("geography") == g)).height == 96


def test_no_negative_counts_and_bands_ordered(historical_run: tuple[Path, dict[str, Any]]) -> None:
    m = pl.read_parquet(historical_run[0] / "monthly.parquet")
    assert m.select(pl.col("value", "p05", "p95").min()).min_horizontal().item() >= 0
    assert (m["p05"] <= m["p95"] + 1e-9).all()
    assert not m.select(pl.col("value", "p05", "p95").is_nan().any()).row(0)[0]


def test_agents_conserved(historical_run: tuple[Path, dict[str, Any]]) -> None:
    man = historical_run[1]
    finals = man["final_states_per_replicate"]
    for r, n in enumerate(man["agents_per_replicate"]):
        assert n > 100_000
        assert sum(v[r] for v in finals.values()) == n
    # nobody is still on the road a day after the end, apart from a few travellers/hidden
    assert max(finals["travelling"]) + max(finals["hidden"]) < 2_000


def test_interceptions_at_most_crossings_and_claims_add_up(
    historical_run: tuple[Path, dict[str, Any]],
) -> None:
    reps = pl.read_parquet(historical_run[0] / "replicates.parquet")
    wide = reps.pivot(on=["series", "geography"], index=["replicate", "month"], values="value")

    def col(series: str, geo: str) -> pl.Series:
        return wide[f'{{"{series}","{geo}"}}']

    for geo in ("CA", "QC", "MB", "BC", "ON", "OTHER"):
        assert (col("rcmp_interceptions", geo) <= col("irregular_crossings", geo)).all()
    provinces = sum(col("rcmp_interceptions", g) for g in ("QC", "MB", "BC", "ON", "OTHER"))
    assert (provinces == col("rcmp_interceptions", "CA")).all()
    # IRCC's total is the sum of its office types; RCMP-intercepted claims are inside them
    # (not added again), and the provinces add up to Canada for every series
    for geo in GEOS:
        offices = sum(col(f"claims_{o}", geo) for o in ("airport", "land_poe", "inland"))
        assert ((offices - col("claims_total", geo)).abs() < 1e-6).all()
        assert (col("claims_rcmp", geo) <= col("claims_land_poe", geo)
                + col("claims_inland", geo) + 1e-6).all()
    for o in ("airport", "land_poe", "inland", "rcmp", "total"):
        prov = sum(col(f"claims_{o}", g) for g in GEOS - {"CA"})
        assert ((prov - col(f"claims_{o}", "CA")).abs() < 1e-6).all(), o
    # every intercepted person claims or is returned/directed back: claims after interception
    # never exceed interceptions
    assert (col("claims_rcmp", "CA") <= col("rcmp_interceptions", "CA")).all()


def test_policy_shapes_match_the_official_record(
    historical_run: tuple[Path, dict[str, Any]],
) -> None:
    """Independent facts: QC interceptions collapsed after 2020-03-21 and after 2023-03-25
    (IRCC: 2024 monthly QC figures 26-90 against 2,154-4,875 in 2022-01..2023-03)."""
    m = pl.read_parquet(historical_run[0] / "monthly.parquet")
    qc = m.filter((pl.col("series") == "rcmp_interceptions") & (pl.col("geography") == "QC"))

    def mean(lo: str, hi: str) -> float:
        return float(qc.filter(pl.col("month").is_between(pl.lit(lo), pl.lit(hi)))["value"].mean())

    before = mean("2022-04", "2023-02")
    assert 1500 < before < 8000
    assert mean("2023-05", "2024-12") < 0.15 * before
    assert mean("2020-05", "2021-10") < 0.25 * mean("2019-01", "2020-02")


def test_manifest_and_report(historical_run: tuple[Path, dict[str, Any]]) -> None:
    run_dir, man = historical_run
    assert man["seed"] == 7 and man["replicates"] == 3 and len(man["replicate_seeds"]) == 3
    assert man["scenario_name"] == "historical" and man["scenario"]["start"] == "2017-01-01"
    assert man["law_engine"] == "roxham.law"
    # out of sample: IRCC's monthly QC figures fell by ~98.6 % after 2023-03-25; the model's
    # fall (same months) comes out of the law table and must be of that order
    drop = man["protocol_drop_qc"]
    assert drop["observed_drop"] > 0.95 and drop["simulated_drop"] > 0.85
    assert set(man["files"]) >= {"monthly.parquet", "manifest.json", "report.html",
                                 "validation.parquet", "fit.parquet", "replicates.parquet",
                                 "observed.parquet"}
    html = (run_dir / "report.html").read_text()
    assert script_srcs(html) == [] and "Plotly" in html  # self-contained, no CDN
    assert "sMAPE" in html and "canada.ca" in html  # fit table and observed sources


def test_json_output_and_determinism(tmp_path: Path, cli: CliFn) -> None:
    f = tmp_path / "short.yaml"
    f.write_text("extends: historical\nname: short\nstart: 2022-06-01\nend: 2023-09-30\n")
    runs = []
    for i, seed in enumerate(("7", "7", "8")):
        out = tmp_path / f"r{i}"
        code, stdout, _ = cli(["run", str(f), "-r", "3", "--seed", seed, "-o", str(out),
                               "--json", "--no-report"])
        assert code == 0
        payload = json.loads(stdout.strip().splitlines()[-1])
        assert payload["run_dir"] == str(out) and payload["seed"] == int(seed)
        assert "rcmp_interceptions_CA_per_year" in payload["headline"]
        runs.append(pl.read_parquet(out / "monthly.parquet"))
    assert runs[0].equals(runs[1])  # same seed → identical results
    assert not runs[0].equals(runs[2])


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("extends: historical\nbogus_key: 1\n", "bogus_key"),
        ("extends: historical\nreplicates: -3\n", "replicates"),
        ("extends: historical\nnetwork: {closures: [{crossing: nowhere, start: 2020-01-01}]}\n",
         "nowhere"),
        ("extends: no-such-scenario\n", "no-such-scenario"),
        ("extends: historical\nlaw: [1, 2\n", "YAML"),
        ("- just\n- a list\n", "mapping"),
    ],
)
def test_bad_scenario_file_exits_2_with_one_line(
    tmp_path: Path, cli: CliFn, content: str, needle: str
) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(content)
    code, _out, err = cli(["run", str(f), "-r", "1", "-o", str(tmp_path / "r")])
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in err
    assert not (tmp_path / "r" / "manifest.json").exists()


def test_missing_scenario_and_existing_run_dir(
    tmp_path: Path, cli: CliFn,
    historical_run: tuple[Path, dict[str, Any]],
) -> None:
    code, _, err = cli(["run", str(tmp_path / "nope.yaml")])
    assert code == 2 and "not found" in err
    code, _, err = cli(["run", "-o", str(historical_run[0])])
    assert code == 2 and "already holds a run" in err


def test_user_scenario_extends_and_overrides(tmp_path: Path,
                                             cli: CliFn) -> None:
    f = tmp_path / "mine.yaml"
    f.write_text("extends: historical\nname: short\nstart: 2023-01-01\nend: 2023-06-30\n"
                 "choice: {asc_stay: 50.0}\n")
    code, _out, _ = cli(["run", str(f), "-r", "2", "-o", str(tmp_path / "r"), "--json",
                        "--no-report"])
    assert code == 0
    m = pl.read_parquet(tmp_path / "r" / "monthly.parquet")
    assert sorted(set(m["month"]))[0] == "2023-01" and len(set(m["month"])) == 6
    # staying in the US dominates: (almost) nobody crosses
    ca = m.filter((pl.col("series") == "rcmp_interceptions") & (pl.col("geography") == "CA"))
    assert ca["value"].sum() < 5


def test_compare_two_run_dirs(tmp_path: Path, cli: CliFn) -> None:
    base = tmp_path / "base.yaml"
    base.write_text("extends: historical\nname: base-2022\nstart: 2022-01-01\n"
                    "end: 2022-12-31\n")
    f = tmp_path / "closed.yaml"
    f.write_text("extends: base.yaml\nname: closed-2022\n"
                 "network: {closures: [{crossing: roxham, start: 2022-01-01}]}\n")
    dirs = []
    for sc in (base, f):
        rd = tmp_path / sc.stem
        assert cli(["run", str(sc), "-r", "3", "--seed", "7", "-o", str(rd), "--no-report"])[0] == 0
        dirs.append(rd)
    html = tmp_path / "cmp.html"
    code, out, _ = cli(["compare", str(dirs[0]), str(dirs[1]), "-o", str(html), "--json"])
    assert code == 0
    payload = json.loads(out.strip().splitlines()[-1])
    rows = {(r["series"], r["geography"]): r for r in payload["differences"]}
    qc = rows[("rcmp_interceptions", "QC")]
    assert qc["b"] < qc["a"]  # closing Roxham in 2022 lowers Quebec interceptions
    assert qc["diff_p05"] <= qc["diff"] <= qc["diff_p95"]
    text = html.read_text()
    assert "closed-2022" in text and script_srcs(text) == []


def test_compare_two_scenario_files(tmp_path: Path, cli: CliFn) -> None:
    """Scenarios given by file are run with the same seeds; B − A has a paired band."""
    a = tmp_path / "a.yaml"
    a.write_text("extends: historical\nname: short-hist\nstart: 2023-01-01\nend: 2023-08-31\n")
    b = tmp_path / "b.yaml"
    b.write_text("extends: a.yaml\nname: short-noprot\nlaw: {reform: {no_protocol: true}}\n")
    code, out, err = cli(["compare", str(a), str(b), "-r", "3", "--json"])
    assert code == 0, err
    payload = json.loads(out.strip().splitlines()[-1])
    assert payload["a"] == "short-hist" and payload["b"] == "short-noprot"
    rows = {(r["series"], r["geography"]): r for r in payload["differences"]}
    qc = rows[("rcmp_interceptions", "QC")]
    assert qc["diff"] > 5_000 and qc["diff_p05"] > 0  # the Protocol's effect, clearly > 0
