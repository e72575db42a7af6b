"""docs/law/LAW.md shows the law the code applies: every provision version's text, verbatim."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROVISIONS = ROOT / "src" / "roxham" / "law" / "data" / "provisions.yaml"
LAW_MD = ROOT / "docs" / "law" / "LAW.md"


def test_every_provision_text_is_in_law_md() -> None:
    raw = LAW_MD.read_text(encoding="utf-8")
    doc = " ".join(raw.split())
    missing = []
    for p in yaml.safe_load(PROVISIONS.read_text(encoding="utf-8"))["provisions"]:
        if f"\n### {p['id']}\n" not in raw:
            missing.append(f"{p['id']}: no heading")
        for v in p["versions"]:
            for key in ("text", "text_fr"):
                if key in v and " ".join(str(v[key]).split()) not in doc:
                    missing.append(f"{p['id']} ({v.get('from')}): {key}")
    assert not missing, missing
