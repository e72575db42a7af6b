"""The consequence of a result (docs/law/RULES.md §1 ``consequence``) in English and French."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from roxham.errors import UserError
from roxham.law import determine, explain
from roxham.law.determine import consequence

DATA = Path(__file__).parent / "data"
ROWS = [
    *csv.DictReader((DATA / "cases.csv").open(encoding="utf-8")),
    *csv.DictReader((DATA / "extra_cases.csv").open(encoding="utf-8")),
]


@pytest.mark.parametrize("row", ROWS, ids=[r["case_id"] for r in ROWS])
def test_consequence_follows_rules_md_in_both_languages(row: dict[str, str]) -> None:
    facts, as_of = json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"])
    en = determine(facts, as_of)
    fr = determine(facts, as_of, lang="fr")
    # the language changes only the text
    assert (fr.result_code, fr.grounds, fr.provisions) == (en.result_code, en.grounds,
                                                           en.provisions)
    c_en, c_fr = en.consequence, fr.consequence
    assert c_en == consequence(en.result_code, en.grounds, en.entry_mode)
    stca = en.result_code == "INELIGIBLE/STCA"
    between = stca and en.entry_mode == "BETWEEN_POE"
    terminated = not en.eligible and not stca and bool(
        {"101(1)(b.1)", "101(1)(b.2)"} & set(en.grounds))
    # docs/law/RULES.md §1: INELIGIBLE/STCA -> returned to the US (through a land POE after a
    # between-POE crossing); (b.1)/(b.2) -> processing terminated (s. 101(1.2)), PRRA.
    assert ("Returned to the United States" in c_en) == stca
    assert ("Renvoi aux États-Unis" in c_fr) == stca
    assert ("through a land port of entry" in c_en) == between
    assert ("par un point d'entrée terrestre" in c_fr) == between
    assert ("terminated (IRPA s. 101(1.2))" in c_en and "PRRA" in c_en) == terminated
    assert ("prend fin (LIPR, par. 101(1.2))" in c_fr and "ERAR" in c_fr) == terminated
    assert ("may be referred" in c_en) == en.eligible
    assert ("peut être déférée" in c_fr) == en.eligible
    # the same provisions are cited in both languages
    assert re.findall(r"101\(1(?:\.2)?\)", c_en) == re.findall(r"101\(1(?:\.2)?\)", c_fr)
    # the explanation of an ineligible claim ends with the consequence, in its language
    if not en.eligible:
        assert explain(en, "en").splitlines()[-1 - bool(en.flags)] == c_en
        assert explain(en, "fr").splitlines()[-1 - bool(en.flags)] == c_fr


def test_unknown_language_is_refused() -> None:
    facts = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
             "claim": {"date": "2022-08-15"}}
    with pytest.raises(UserError, match="unknown language"):
        determine(facts, dt.date(2022, 8, 15), lang="de")
    with pytest.raises(UserError, match="unknown language"):
        consequence("INELIGIBLE/STCA", ["101(1)(e)"], "LAND_POE", "de")
