"""Household screening (issue 17): each member's result, the family-member exception reading
the others' referred claims.

Expectations from the Regulations: IRPR s. 159.5(c) excepts a claimant with a family member
in Canada, 18 or older, whose claim has been referred to the RPD; s. 159.1 lists who is a
family member (a sibling, a parent, an aunt ... but not a friend or a cousin). Members arriving
together are decided in rounds until nothing changes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from roxham.api import ApiSettings, create_app
from roxham.api.jobs import NoModel
from roxham.cli import app
from roxham.cli._common import EXIT_BAD_INPUT, run_app
from roxham.errors import UserError
from roxham.law.household import MAX_MEMBERS, screen_household

DAY = dt.date(2022, 8, 15)
EXAMPLE = Path(__file__).parents[2] / "examples" / "households" / "lacolle_siblings_2022.json"


def person(age: int | None = 30, **extra: Any) -> dict[str, Any]:
    f = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
         "claim": {"date": "2022-08-15"}, **extra}
    if age is not None:
        f["age"] = age
    return f


CITIZEN_UNCLE = [{"rel": "uncle", "status": "CITIZEN"}]


def codes(h: dict[str, Any]) -> dict[str, str]:
    return {r.id: r.determination.result_code for r in screen_household(h, DAY)}


def test_a_sibling_reads_the_referred_claim() -> None:
    h = {"members": [{"id": "A", "facts": person(family=CITIZEN_UNCLE)},
                     {"id": "B", "facts": person(), "relations": {"A": "sister"}}]}
    res = screen_household(h, DAY)
    assert [r.determination.result_code for r in res] == ["ELIGIBLE/STCA_EXCEPTION"] * 2
    assert res[1].read_from == ["A"] and "IRPR 159.5(c)" in res[1].determination.exceptions


def test_alone_the_sibling_is_ineligible() -> None:
    assert codes({"members": [{"id": "B", "facts": person()}]}) == {"B": "INELIGIBLE/STCA"}


def test_a_friend_is_not_a_family_member() -> None:
    h = {"members": [{"id": "A", "facts": person(family=CITIZEN_UNCLE)},
                     {"id": "C", "facts": person(), "relations": {"A": "friend"}}]}
    assert codes(h)["C"] == "INELIGIBLE/STCA"


def test_a_minor_anchor_does_not_count_for_159_5_c() -> None:
    h = {"members": [{"id": "A", "facts": person(age=16, family=CITIZEN_UNCLE)},
                     {"id": "B", "facts": person(), "relations": {"A": "sister"}}]}
    assert codes(h) == {"A": "ELIGIBLE/STCA_EXCEPTION", "B": "INELIGIBLE/STCA"}


def test_a_chain_is_followed_round_by_round() -> None:
    # C reads B who reads A: two rounds
    h = {"members": [{"id": "C", "facts": person(), "relations": {"B": "brother"}},
                     {"id": "B", "facts": person(), "relations": {"A": "mother"}},
                     {"id": "A", "facts": person(age=50, family=CITIZEN_UNCLE)}]}
    assert set(codes(h).values()) == {"ELIGIBLE/STCA_EXCEPTION"}


def test_no_anchor_no_exception() -> None:
    h = {"members": [{"id": "A", "facts": person(), "relations": {"B": "brother"}},
                     {"id": "B", "facts": person(), "relations": {"A": "sister"}}]}
    assert set(codes(h).values()) == {"INELIGIBLE/STCA"}


@pytest.mark.parametrize(
    "bad",
    [{"members": []},
     {"members": [{"id": "A", "facts": person()}, {"id": "A", "facts": person()}]},
     {"members": [{"id": "A", "facts": person(), "relations": {"Z": "sister"}}]},
     {"members": [{"id": "A", "facts": person(), "relations": {"A": "sister"}}]},
     {"members": [{"id": str(i), "facts": person()} for i in range(MAX_MEMBERS + 1)]}],
)
def test_invalid_households_are_user_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(UserError):
        screen_household(bad, DAY)


def test_cli_household(capsys: Any, tmp_path: Path) -> None:
    code = run_app(app, ["screen", "--household", str(EXAMPLE), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(m["id"], m["result_code"]) for m in out["members"]] == [
        ("A", "ELIGIBLE/STCA_EXCEPTION"), ("B", "ELIGIBLE/STCA_EXCEPTION"),
        ("C", "INELIGIBLE/STCA")]
    assert out["members"][1]["read_from"] == ["A"]
    bad = tmp_path / "h.json"
    bad.write_text('{"members": [{"id": "A"}]}', encoding="utf-8")
    assert run_app(app, ["screen", "--household", str(bad)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_api_household(tmp_path: Path) -> None:
    a = create_app(ApiSettings(db_url=f"sqlite:///{tmp_path / 'r.db'}", data_dir=tmp_path),
                   backend=NoModel())
    body = {"as_of_date": "2022-08-15", "lang": "fr",
            "household": json.loads(EXAMPLE.read_text(encoding="utf-8"))}
    with TestClient(a) as c:
        r = c.post("/api/v1/screen/household", json=body)
        assert r.status_code == 200, r.text
        assert [m["eligible"] for m in r.json()["members"]] == [True, True, False]
        assert r.json()["members"][0]["explanation"].startswith("Recevable")
        big = {"members": [{"id": str(i), "facts": person()} for i in range(MAX_MEMBERS + 1)]}
        r = c.post("/api/v1/screen/household", json={**body, "household": big})
        assert r.status_code == 422
