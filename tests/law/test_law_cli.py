"""roxham screen / roxham law: the CLI contract of issue 2."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from roxham.cli import app
from roxham.cli._common import EXIT_BAD_INPUT, run_app
from roxham.law import Reform, determine

CASES = Path(__file__).parent / "data" / "cases.csv"
EXAMPLES = Path(__file__).parents[2] / "examples" / "facts"
runner = CliRunner()

FACTS = {
    "nat": ["HT"],
    "entry": {"mode": "BETWEEN_POE", "date": "2023-04-10"},
    "claim": {"date": "2023-04-10"},
    "family": [{"rel": "sister", "status": "CITIZEN"}],
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def bad(argv: list[str], capsys: Any) -> str:
    code = run_app(app, argv)
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def test_screen_json(tmp_path: Path) -> None:
    f = write(tmp_path, "f.json", json.dumps(FACTS))
    res = runner.invoke(app, ["screen", str(f), "--as-of", "2023-04-10", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["result_code"] == "ELIGIBLE/STCA_EXCEPTION"
    assert out["eligible"] is True and out["stca_status"] == "EXCEPTION"
    assert out["grounds"] == [] and "IRPR 159.5(a)" in out["provisions"]
    assert out["flags"] == []
    assert "IRPR 159.5(a)" in out["explanation"]


def test_screen_human_and_french(tmp_path: Path) -> None:
    f = write(tmp_path, "f.json", json.dumps(FACTS))
    res = runner.invoke(app, ["screen", str(f), "--as-of", "2023-04-10"])
    assert res.exit_code == 0 and "ELIGIBLE/STCA_EXCEPTION" in res.stdout
    res = runner.invoke(app, ["screen", str(f), "--as-of", "2023-04-10", "--lang", "fr", "--json"])
    out = json.loads(res.stdout)
    assert out["explanation"].startswith("Recevable")
    assert out["consequence"].startswith("La demande peut être déférée à la Section de la "
                                         "protection des réfugiés")
    # ineligible under the STCA after a between-ports crossing (docs/law/RULES.md §1 consequence)
    alone = write(tmp_path, "alone.json", json.dumps({**FACTS, "family": []}))
    for lang, text in (("en", "Returned to the United States through a land port of entry."),
                       ("fr", "Renvoi aux États-Unis par un point d'entrée terrestre.")):
        res = runner.invoke(app, ["screen", str(alone), "--lang", lang, "--json"])
        out = json.loads(res.stdout)
        assert out["result_code"] == "INELIGIBLE/STCA"
        assert out["consequence"] == text and out["explanation"].endswith(text)
        res = runner.invoke(app, ["screen", str(alone), "--lang", lang])
        assert text in res.stdout


def test_bundled_example_roxham_road_2022() -> None:
    res = runner.invoke(
        app, ["screen", str(EXAMPLES / "roxham_road_2022.json"), "--as-of", "2022-08-15", "--json"]
    )
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["result_code"] == "ELIGIBLE/STCA_NOT_APPLICABLE"
    assert out["provisions"] == ["IRPR 159.4(1)(a)"]


@pytest.mark.parametrize(
    ("name", "as_of", "code"),
    [
        ("roxham_road_2023.json", "2023-04-10", "INELIGIBLE/STCA"),
        ("lacolle_sister_citizen.json", "2022-08-15", "ELIGIBLE/STCA_EXCEPTION"),
        ("late_claim_2025.json", "2025-07-16", "ELIGIBLE/STCA_NOT_APPLICABLE"),
        ("late_claim_2025.json", "2026-04-15", "INELIGIBLE/OTHER_GROUND"),
    ],
)
def test_bundled_examples(name: str, as_of: str, code: str) -> None:
    res = runner.invoke(app, ["screen", str(EXAMPLES / name), "--as-of", as_of, "--json"])
    out = json.loads(res.stdout)
    assert out["result_code"] == code
    for c in out["what_would_change"]:  # each suggestion flips eligibility
        assert c["eligible"] != out["eligible"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_every_bundled_example_is_valid(path: Path) -> None:
    res = runner.invoke(app, ["screen", str(path), "--json"])
    assert res.exit_code == 0, res.output


def test_batch_in_french_has_french_consequences() -> None:
    res = runner.invoke(app, ["screen", "--batch", str(CASES), "--lang", "fr"])
    assert res.exit_code == 0
    for row, line in zip(csv.DictReader(CASES.open(encoding="utf-8")), res.stdout.splitlines(),
                         strict=True):
        out = json.loads(line)
        want = determine(json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"]),
                         lang="fr").consequence
        assert out["consequence"] == want
        assert ("Renvoi aux États-Unis" in want) == (out["result_code"] == "INELIGIBLE/STCA")


def test_batch_over_cases_csv() -> None:
    res = runner.invoke(app, ["screen", "--batch", str(CASES)])
    assert res.exit_code == 0
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    rows = list(csv.DictReader(CASES.open(encoding="utf-8")))
    assert len(lines) == len(rows) == 69
    for row, out in zip(rows, lines, strict=True):
        assert out["case_id"] == row["case_id"]  # passthrough
        assert out["expected_outcome"] == row["expected_outcome"]
        assert "facts" not in out
        assert out["result_code"] == row["expected_outcome"]
        assert {"eligible", "stca_status", "grounds", "provisions", "flags", "explanation"} <= set(
            out
        )


def test_batch_bad_rows_get_an_error(tmp_path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["case_id", "as_of_date", "facts"])
    w.writerow(["ok", "2023-04-10", json.dumps(FACTS)])
    w.writerow(["badjson", "2023-04-10", "{not json"])
    w.writerow(["badfacts", "2023-04-10", json.dumps({**FACTS, "age": -4})])
    w.writerow(["baddate", "2023-99-10", json.dumps(FACTS)])
    w.writerow(["early", "2023-04-09", json.dumps(FACTS)])
    ok2 = {
        "nat": ["HT"],
        "entry": {"mode": "LAND_POE", "date": "2022-04-10"},
        "claim": {"date": "2022-04-10"},
    }
    w.writerow(["ok2", "2022-04-10", json.dumps(ok2)])
    f = write(tmp_path, "b.csv", buf.getvalue())
    res = runner.invoke(app, ["screen", "--batch", str(f)])
    assert res.exit_code == 0
    out = {o["case_id"]: o for o in map(json.loads, res.stdout.splitlines())}
    assert out["ok"]["result_code"] == "ELIGIBLE/STCA_EXCEPTION" and "error" not in out["ok"]
    assert "invalid JSON" in out["badjson"]["error"]
    assert "field 'age'" in out["badfacts"]["error"]
    assert "as_of_date" in out["baddate"]["error"]
    assert "before claim.date" in out["early"]["error"]
    assert out["ok2"]["result_code"] == "INELIGIBLE/STCA"  # after bad rows, still decided
    assert all("result_code" not in o for k, o in out.items() if k not in ("ok", "ok2"))


def test_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: Any) -> None:
    good = write(tmp_path, "f.json", json.dumps(FACTS))
    assert "cannot read" in bad(["screen", str(tmp_path / "missing.json")], capsys)
    assert "invalid JSON" in bad(["screen", str(write(tmp_path, "x.json", "{"))], capsys)
    assert "expected a JSON object" in bad(["screen", str(write(tmp_path, "y.json", "[]"))], capsys)
    err = bad(
        ["screen", str(write(tmp_path, "z.json", json.dumps({**FACTS, "age": "old"})))], capsys
    )
    assert "field 'age'" in err
    assert "--as-of" in bad(["screen", str(good), "--as-of", "10/04/2023"], capsys)
    assert "before claim.date" in bad(["screen", str(good), "--as-of", "2020-01-01"], capsys)
    assert "--lang" in bad(["screen", str(good), "--lang", "de"], capsys)
    assert "'facts' column" in bad(
        ["screen", "--batch", str(write(tmp_path, "c.csv", "a,b\n"))], capsys
    )
    assert "unknown provision" in bad(["law", "show", "IRPR 999"], capsys)
    assert "--as-of" in bad(["law", "provisions", "--as-of", "yesterday"], capsys)


def test_facts_are_not_written_anywhere(tmp_path: Path, monkeypatch: Any) -> None:
    planted = "PLANTED-7f3a-claimant-note"
    f = write(tmp_path, "f.json", json.dumps({**FACTS, "note": planted}))
    monkeypatch.chdir(tmp_path)
    before = {p: p.stat().st_mtime for p in tmp_path.rglob("*")}
    res = runner.invoke(app, ["screen", str(f), "--json"])
    assert res.exit_code == 0 and planted not in res.stdout
    after = {p: p.stat().st_mtime for p in tmp_path.rglob("*")}
    assert after == before


def test_law_provisions_and_show() -> None:
    res = runner.invoke(app, ["law", "provisions", "--as-of", "2022-01-01"])
    assert res.exit_code == 0
    assert "IRPR 159.5(a)" in res.stdout and "IRPR 159.4(1.1)" not in res.stdout
    res = runner.invoke(app, ["law", "provisions", "--as-of", "2024-01-01"])
    assert "IRPR 159.4(1.1)" in res.stdout and "IRPR 159.6(c)" not in res.stdout
    res = runner.invoke(app, ["law", "show", "IRPR 159.6(c)"])
    assert res.exit_code == 0
    assert "2004-12-29 → 2009-07-22" in res.stdout and "SOR/2009-210" in res.stdout
    assert "Source: " in res.stdout


def test_screen_trace(tmp_path: Path) -> None:
    f = write(tmp_path, "f.json", json.dumps(FACTS))
    res = runner.invoke(app, ["screen", str(f), "--as-of", "2023-04-10", "--json", "--trace"])
    steps = json.loads(res.stdout)["trace"]
    got = {(s["provision"], s["value"]) for s in steps}
    assert ("IRPR 159.4(1.1)", True) in got and ("IRPR 159.5(a)", True) in got
    assert all(s["version"] for s in steps if s["provision"] == "IRPR 159.4(1.1)")
    res = runner.invoke(app, ["screen", str(f), "--as-of", "2023-04-10", "--trace"])
    assert res.exit_code == 0 and "Trace" in res.stdout


def test_screen_with_a_reform(tmp_path: Path, capsys: Any) -> None:
    f = write(tmp_path, "f.json", json.dumps({**FACTS, "family": []}))
    plain = runner.invoke(app, ["screen", str(f), "--as-of", "2023-04-10", "--json"])
    assert json.loads(plain.stdout)["result_code"] == "INELIGIBLE/STCA"
    r = write(tmp_path, "r.yaml", "name: no protocol\nno_protocol: true\n")
    res = runner.invoke(
        app, ["screen", str(f), "--as-of", "2023-04-10", "--json", "--reform", str(r)]
    )
    assert json.loads(res.stdout)["result_code"] == "ELIGIBLE/STCA_NOT_APPLICABLE"
    res = runner.invoke(app, ["screen", "--batch", str(CASES), "--reform", str(r)])
    out = {o["case_id"]: o["result_code"] for o in map(json.loads, res.stdout.splitlines())}
    reform = Reform(no_protocol=True)
    for row in csv.DictReader(CASES.open(encoding="utf-8")):  # the CLI is the library
        day = dt.date.fromisoformat(row["as_of_date"])
        assert out[row["case_id"]] == determine(json.loads(row["facts"]), day, reform).result_code
    assert out["C021"] == "ELIGIBLE/STCA_NOT_APPLICABLE"  # Roxham Road, April 2023
    bad_r = write(tmp_path, "bad.json", json.dumps({"no_protocl": True}))
    assert "no_protocl" in bad(["screen", str(f), "--reform", str(bad_r)], capsys)


def test_human_output_labels_follow_the_language(tmp_path: Path) -> None:
    alone = write(tmp_path, "alone.json", json.dumps({**FACTS, "family": []}))
    fr = runner.invoke(app, ["screen", str(alone), "--lang", "fr", "--trace"]).stdout
    en = runner.invoke(app, ["screen", str(alone), "--lang", "en", "--trace"]).stdout
    # ineligible under para. 101(1)(e) (docs/law/RULES.md §6: the STCA applies between ports
    # after 2023-03-25)
    assert "Motifs : LIPR 101(1)(e)" in fr and "Grounds: IRPA 101(1)(e)" in en
    assert "Ce qui changerait la réponse" in fr and "What would change the answer" in en
    assert "Trace : chaque disposition évaluée" in fr
    for english in ("Grounds:", "Provisions:", "What would change", "Trace: every"):
        assert english not in fr
