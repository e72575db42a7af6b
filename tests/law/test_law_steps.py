"""Next steps per outcome, with provisions, EN and FR (issue 17).

From the Act: a 101(1)(e) ineligibility bars a PRRA (IRPA s. 112(2)(b)); other grounds leave
a PRRA (s. 112(1)), with a hearing after (c.1) alone (s. 113.01); (b.1)/(b.2) terminate
processing (s. 101(1.2)); an eligible claim goes to the RPD (s. 100(1)).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.jobs import NoModel
from roxham.law import determine
from roxham.law.steps import next_steps


def provisions(code: str, grounds: list[str], lang: str = "en") -> list[str]:
    return [s["provision"] for s in next_steps(code, grounds, lang)]


def test_eligible_goes_to_the_rpd() -> None:
    assert provisions("ELIGIBLE/STCA_EXCEPTION", [])[0] == "IRPA 100(1)"
    assert "PRRA" not in " ".join(s["text"] for s in next_steps("ELIGIBLE/STCA", [], "en"))


def test_stca_return_has_no_prra_but_hc_trp_and_review() -> None:
    p = provisions("INELIGIBLE/STCA", ["101(1)(e)"])
    assert p[0] == "IRPR 159.3" and "IRPA 112(2)(b)" in p
    assert {"IRPA 25(1)", "IRPA 24(1)", "IRPA 72(1)"} <= set(p)
    assert "IRPA 112(1)" not in p


def test_other_grounds_keep_the_prra() -> None:
    assert "IRPA 112(1)" in provisions("INELIGIBLE/OTHER_GROUND", ["101(1)(b)"])
    c1 = provisions("INELIGIBLE/OTHER_GROUND", ["101(1)(c.1)"])
    assert "IRPA 112(1)" in c1 and "IRPA 113.01" in c1
    b2 = provisions("INELIGIBLE/OTHER_GROUND", ["101(1)(b.2)"])
    assert b2[0] == "IRPA 101(1.2)" and "IRPA 112(1)" in b2 and "IRPA 113.01" not in b2


def test_french_cites_lipr_and_ripr() -> None:
    for code, grounds in [("INELIGIBLE/STCA", ["101(1)(e)"]), ("ELIGIBLE/STCA", []),
                          ("INELIGIBLE/OTHER_GROUND", ["101(1)(c.1)"])]:
        steps = next_steps(code, grounds, "fr")
        assert all(s["provision"].startswith(("LIPR", "RIPR")) for s in steps)
        assert len(steps) == len(next_steps(code, grounds, "en"))


def test_cli_and_api_give_the_steps(tmp_path: Path) -> None:
    facts: dict[str, Any] = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
                             "claim": {"date": "2022-08-15"}}
    det = determine(facts, dt.date(2022, 8, 15))
    app = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path),
                     backend=NoModel())
    with TestClient(app) as c:
        r = c.post("/api/v1/screen", json={"as_of_date": "2022-08-15", "facts": facts,
                                           "lang": "fr"})
    assert r.status_code == 200
    assert r.json()["next_steps"] == next_steps(det.result_code, det.grounds, "fr")
    from roxham.cli.screen_cmd import screen_one

    p = tmp_path / "f.json"
    p.write_text(json.dumps(facts), encoding="utf-8")
    out = screen_one(p, "2022-08-15", "en")
    assert [s["provision"] for s in out["next_steps"]][:2] == ["IRPR 159.3", "IRPA 112(2)(b)"]
