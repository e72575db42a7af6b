"""The COVID-19 direct-back order over a screening (issue 17): a Roxham crossing on
2020-06-01 is "eligible" under the STCA (before the Additional Protocol, IRPR s. 159.4(1)(a)),
and the answer says the order directed such people back to the US (2020-03-21 up to
2021-11-21, orders.yaml)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from roxham.cli.screen_cmd import screen_one
from roxham.law import determine
from roxham.law.overlay import orders_in_effect
from roxham.law.summary import summary_html


def crossing(day: str, mode: str = "BETWEEN_POE") -> dict[str, Any]:
    return {"nat": ["HT"], "entry": {"mode": mode, "date": day}, "claim": {"date": day}}


def test_roxham_2020_is_eligible_with_the_order_noticed(tmp_path: Path) -> None:
    f = crossing("2020-06-01")
    assert determine(f, dt.date(2020, 6, 1)).result_code == "ELIGIBLE/STCA_NOT_APPLICABLE"
    (o,) = orders_in_effect(f, "en")
    assert "directed" in o["text"] and "back to the United States" in o["text"]
    assert "2020-03-21" in o["text"] and "2021-11-20" in o["text"]
    assert "renvoyait aux États-Unis" in orders_in_effect(f, "fr")[0]["text"]
    p = tmp_path / "f.json"
    p.write_text(json.dumps(f), encoding="utf-8")
    assert screen_one(p, None, "en")["orders"][0]["order"] == "COVID_DIRECT_BACK"
    assert "COVID-19" in summary_html(f, dt.date(2020, 6, 1), today=dt.date(2024, 1, 1))


@pytest.mark.parametrize(
    ("day", "mode", "n"),
    [("2020-03-20", "BETWEEN_POE", 0), ("2020-03-21", "BETWEEN_POE", 1),
     ("2021-11-20", "BETWEEN_POE", 1), ("2021-11-21", "BETWEEN_POE", 0),
     ("2020-06-01", "LAND_POE", 0), ("2020-06-01", "AIRPORT", 0)],
)
def test_order_dates_and_route(day: str, mode: str, n: int) -> None:
    f = crossing(day, mode)
    if mode == "AIRPORT":
        f["claim"]["where"] = "AIRPORT_ON_ARRIVAL"
    assert len(orders_in_effect(f)) == n
