"""Every CLI command turns any exception into one line (issues 17 and 18 item 5): user
errors exit 2, a bug exits 70 with one 'internal error' line, a traceback only with
ROXHAM_DEBUG=1; in ``screen --batch`` a bad row fails alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roxham.cli import app
from roxham.cli._common import EXIT_BAD_INPUT, EXIT_INTERNAL, run_app


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = run_app(app, args)
    out, err = capsys.readouterr()
    return rc, out, err


def _one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(("name", "raw"), [
    ("latin1.yaml", "name: caf\xe9\n".encode("latin-1")),
    ("utf16.yaml", "extends: historical\n".encode("utf-16")),
    ("empty.yaml", b""),
    ("deep.yaml", b"a: " + b"[" * 20_000),
    ("bigint.yaml", b"extends: historical\nseed: " + b"7" * 5000),
    ("nan.yaml", b"extends: historical\nchoice: {beta_success: .nan}\n"),
])
def test_run_on_a_bad_scenario_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, raw: bytes
) -> None:
    p = tmp_path / name
    p.write_bytes(raw)
    rc, _, err = _run(["run", str(p), "-o", str(tmp_path / "out")], capsys)
    assert rc == EXIT_BAD_INPUT
    assert _one_error_line(err).startswith(f"error: {p}")
    assert not (tmp_path / "out").exists()


def test_run_on_a_directory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    d = tmp_path / "scen.yaml"
    d.mkdir()
    rc, _, err = _run(["run", str(d)], capsys)
    assert rc == EXIT_BAD_INPUT
    assert "is a directory" in _one_error_line(err)


def test_flee_negative_seed_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run(["flee", "run", "mali", "--seed", "-5"], capsys)
    assert rc == EXIT_BAD_INPUT
    assert "--seed" in err and "Traceback" not in err


def test_screen_facts_file_edge_cases(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    cases = {
        "deep.json": b"[" * 100_000,
        "bigint.json": b'{"nat": ' + b"9" * 5000 + b"}",
        "latin1.json": '{"nat": "\xe9"}'.encode("latin-1"),
        "empty.json": b"",
    }
    for name, raw in cases.items():
        p = tmp_path / name
        p.write_bytes(raw)
        rc, _, err = _run(["screen", str(p)], capsys)
        assert rc == EXIT_BAD_INPUT, (name, err)
        _one_error_line(err)
    rc, _, err = _run(["screen", str(tmp_path)], capsys)
    assert rc == EXIT_BAD_INPUT
    _one_error_line(err)


def _good_facts() -> dict[str, object]:
    # case C001 of tests/law/data/cases.csv (a US citizen at a land port of entry)
    return {"nat": ["US"], "age": 30,
            "entry": {"mode": "LAND_POE", "from": "US", "date": "2015-06-10"},
            "claim": {"date": "2015-06-10", "where": "POE_ON_ARRIVAL"},
            "visa_req_ca": False, "visa_req_us": False}


def test_batch_rows_fail_one_by_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    good = json.dumps(_good_facts()).replace('"', '""')
    rows = [
        "id,as_of_date,facts",
        f'1,,"{good}"',
        '2,,"' + "x" * 140_000 + '"',                       # over the CSV field size limit
        '3,,"' + "[" * 50_000 + '"',                        # nested too deeply
        '4,,"{""nat"": ' + "9" * 5000 + '}"',               # an integer of 5,000 digits
        f'5,,"{good}"',
    ]
    p = tmp_path / "batch.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rc, out, err = _run(["screen", "--batch", str(p)], capsys)
    assert rc == 0, err
    got = [json.loads(line) for line in out.splitlines()]
    assert len(got) == 5
    assert "error" not in got[0] and "error" not in got[-1]
    assert got[0]["result_code"] == got[-1]["result_code"] == "ELIGIBLE/STCA_NOT_APPLICABLE"
    assert [("error" in g) for g in got[1:4]] == [True, True, True]
    assert "field larger than field limit" in got[1]["error"]
    assert "nested too deeply" in got[2]["error"]
    assert "4300 digits" in got[3]["error"]


def test_a_bug_is_one_internal_error_line_and_debug_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import roxham.cli.version_cmd as version_cmd

    class Broken:
        def print(self, *_: object, **__: object) -> None:
            raise RuntimeError("kaboom")

    monkeypatch.setattr(version_cmd, "console", Broken())  # `roxham version` prints with it
    args = ["version"]
    monkeypatch.delenv("ROXHAM_DEBUG", raising=False)
    rc, _, err = _run(args, capsys)
    assert rc == EXIT_INTERNAL, err
    line = _one_error_line(err)
    assert line.startswith("error: internal error (RuntimeError: kaboom)")
    monkeypatch.setenv("ROXHAM_DEBUG", "1")
    rc, _, err = _run(args, capsys)
    assert rc == EXIT_INTERNAL and "Traceback" in err
