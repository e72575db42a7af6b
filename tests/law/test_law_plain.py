"""Plain-language "what would change" (issue 17): no developer notation, both languages, the
claim date said to be kept fixed when the entry date moves, French citations RIPR/LIPR."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from roxham.law import what_would_change

DATA = Path(__file__).parent / "data"
ROWS = list(csv.DictReader((DATA / "cases.csv").open(encoding="utf-8")))
NOTATION = ("→", "⇒", "[+]", "None", "{'", "_POE", "docs[", "family[", "visa_req")


def test_no_developer_notation_in_any_sentence() -> None:
    seen = 0
    for row in ROWS:
        facts, as_of = json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"])
        for ch in what_would_change(facts, as_of):
            for lang in ("en", "fr"):
                text = ch.describe(lang)
                assert not any(tok in text for tok in NOTATION), text
                assert text.startswith(("If ", "Si ", "S'")) and text.endswith(").")
                seen += 1
            assert ("would be eligible" in ch.describe("en")) == ch.eligible
            fr = ch.describe("fr")
            assert "IRPR" not in fr and "IRPA" not in fr
    assert seen > 500


def test_an_added_visa_is_said_in_words() -> None:
    facts = {"nat": ["HT"], "entry": {"mode": "LAND_POE", "date": "2022-08-15"},
             "claim": {"date": "2022-08-15"}}
    texts = [c.describe("en") for c in what_would_change(facts, dt.date(2022, 8, 15))]
    assert any("held a valid temporary resident visa" in t and "IRPR 159.5(f)" in t
               for t in texts)


def test_entry_date_changes_say_the_claim_date_is_kept() -> None:
    facts = {"nat": ["HT"], "entry": {"mode": "BETWEEN_POE", "date": "2023-04-10"},
             "claim": {"date": "2023-04-10"}}
    changes = [c for c in what_would_change(facts, dt.date(2023, 4, 10))
               if c.field == "entry.date"]
    assert changes
    for c in changes:
        assert "claim date kept fixed" in c.describe("en")
        assert "date de la demande restant celle fournie" in c.describe("fr")


def test_french_explanations_cite_lipr_and_ripr() -> None:
    """French names the Act and the Regulations LIPR and RIPR, and elides 'que' before a
    vowel (the golden file's French had "IRPR 159.5(a)" and "parce que un")."""
    from roxham.law import determine, explain

    for row in ROWS:
        det = determine(json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"]))
        fr = explain(det, "fr")
        assert "IRPR" not in fr and "IRPA" not in fr, row["case_id"]
        assert "parce que un" not in fr and "parce que il" not in fr
