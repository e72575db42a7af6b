"""Golden explanations and consequences (EN and FR) for the 69 cases: what users read changes
only on purpose.

To accept new texts after a deliberate change: ``ROXHAM_UPDATE_GOLDEN=1 pytest tests/law``
and review the diff of ``tests/law/data/explanations.golden.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

from roxham.law import determine, explain

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "explanations.golden.json"


def current() -> dict[str, dict[str, str]]:
    out = {}
    for row in csv.DictReader((DATA / "cases.csv").open(encoding="utf-8")):
        facts, as_of = json.loads(row["facts"]), dt.date.fromisoformat(row["as_of_date"])
        det = determine(facts, as_of)
        out[row["case_id"]] = {
            "en": explain(det, "en"),
            "fr": explain(det, "fr"),
            "consequence_en": det.consequence,
            "consequence_fr": determine(facts, as_of, lang="fr").consequence,
        }
    return out


def test_explanations_match_the_golden_file() -> None:
    now = current()
    if os.environ.get("ROXHAM_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(now, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert now.keys() == golden.keys()
    for cid, texts in now.items():
        assert texts == golden[cid], cid
