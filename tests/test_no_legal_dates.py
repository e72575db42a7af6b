"""No legal date is written in Python outside ``roxham.law``: the law tells its dates.

The rule (issue 16): outside ``src/roxham/law/``, no ``.py`` file of the package writes a legal
date, whether in code, a string, a comment or a docstring. Code that needs one asks
``roxham.law`` (``law_date``, ``breakpoints``, ``protocol_window_days``,
``COVID_DIRECT_BACK``); text that shows one formats the value it got from the law (an
f-string), and prose that cannot (a docstring) names the event instead ("the Additional
Protocol") or points to the law.

A legal date is derived from the law, not copied here: every breakpoint of the law
(``roxham.law.breakpoints()``: each dated constant and each start or end of a provision
version), each bound of the dated orders (``roxham.law.orders()``), and the last day before each
bound that ends something (a version's end, an order's end): "in force until 2009-07-22" is
the same fact as the repeal. It is recognised written as ISO (``YYYY-MM-DD``) or as a date
constructor (``date(Y, M, D)``). Visa-policy and US dates (the Mexico visa, Title 42) are
events of the world, not of these rules, and are not covered. Data files (YAML, CSV) may hold
legal dates: that is where they live, with their sources.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import roxham.law as law

SRC = Path(__file__).resolve().parents[1] / "src" / "roxham"


def legal_dates() -> set[dt.date]:
    """The dates the law and its order are defined by (see the module docstring)."""
    out = set(law.breakpoints())
    for order in law.orders():  # the direct-back order, the COVID-19 travel restrictions
        out.update((order.start, order.end, order.last_day))
    for p in law.provisions():
        for v in p.versions_for():
            if v.end is not None:
                out.add(v.end - dt.timedelta(days=1))
    return out


def _patterns(d: dt.date) -> list[re.Pattern[str]]:
    return [
        re.compile(rf"(?<!\d){d.isoformat()}(?!\d)"),
        re.compile(rf"date\(\s*{d.year}\s*,\s*0?{d.month}\s*,\s*0?{d.day}\s*\)"),
    ]


def legal_date_hits(root: Path) -> list[str]:
    """``path:line: date`` for each legal date written in a .py file under ``root`` that is
    not in the ``law`` package."""
    pats = [(d, p) for d in sorted(legal_dates()) for p in _patterns(d)]
    hits = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] == "law":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for d, p in pats:
                if p.search(line):
                    hits.append(f"{rel}:{n}: {d}")
    return hits


def test_the_list_comes_from_the_law() -> None:
    dates = legal_dates()
    # the dates issue 16 names, each a fact of the law data
    named = ["2004-12-29", "2009-07-22", "2020-03-21", "2021-11-21", "2023-03-25", "2025-06-03",
             "2026-03-26"]
    assert {dt.date.fromisoformat(s) for s in named} <= dates
    assert law.law_date("D_PROTOCOL") in dates
    assert dt.date(2024, 2, 29) not in dates  # the Mexico visa: not a date of these rules


def test_the_scan_finds_a_written_date(tmp_path: Path) -> None:
    """The scanner is not blind: each written form is found, the law package is skipped."""
    (tmp_path / "law").mkdir()
    (tmp_path / "law" / "ok.py").write_text("D = '2023-03-25'\n")
    (tmp_path / "m.py").write_text(
        "import datetime as dt\nA = dt.date(2023, 3, 25)\nB = dt.date(2020, 03, 21)\n"
        "# in force until 2009-07-22\nC = '2023-03-251'\nE = dt.date(2023, 3, 26)\n"
    )
    assert legal_date_hits(tmp_path) == [
        "m.py:2: 2023-03-25", "m.py:3: 2020-03-21", "m.py:4: 2009-07-22",
    ]


def test_no_legal_date_literal_outside_the_law() -> None:
    hits = legal_date_hits(SRC)
    assert not hits, "legal dates written outside roxham.law:\n" + "\n".join(hits)
