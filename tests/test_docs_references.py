"""Every ``*.md`` file that the code, tests, docs or README cite exists in the repository.

A reference is a relative path ending in ``.md``, with an optional ``#anchor``
(``docs/law/RULES.md#a7``, ``SCHEMA.md``, ``models/canada_us/MODEL.md``). It resolves when the
file exists relative to the citing file's folder, the repository root or the package root
``src/roxham``. An anchor must exist in the target: an explicit ``<a id="…">`` or a heading
whose GitHub slug it is. Users read these references (CLI help, screening answers), so a
reference to a file that is not shipped with the code is a bug.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "roxham"
SCANNED = ("src", "tests", "docs", "benchmarks", "README.md")
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".json", ".csv", ".html", ".txt", ".js"}
#: Third-party data copied as is: their ``.md`` mentions are not ours to resolve.
EXCLUDED = (
    PACKAGE / "models" / "flee" / "scenarios",  # Flee's scenario data (BSD-3), comments kept
    Path(__file__).resolve(),  # this file: its examples are made-up references on purpose
)
RAW_DATA = PACKAGE / "data" / "raw"
#: ``path.md`` or ``path.md#anchor``, not part of a URL or of a longer name, nor a path that
#: code builds (``joinpath("X.md")``, ``folder / "X.md"``: the code's own tests open those).
REF = re.compile(
    r"(?<!joinpath\(\")(?<!/ \")(?<![\w./:#-])"
    r"((?:[\w-]+/|\.\./|\./)*[\w-]+\.md)(#[\w-]+)?(?![\w])"
)
URL = re.compile(r"https?://\S+|www\.\S+")
#: The text of a Markdown link, ``[text](``: only its target is a reference.
LINK_TEXT = re.compile(r"\[[^\]]*\]\(")


def _files() -> list[Path]:
    out: list[Path] = []
    for name in SCANNED:
        top = ROOT / name
        paths = [top] if top.is_file() else sorted(top.rglob("*"))
        for p in paths:
            if not p.is_file() or p.suffix not in SUFFIXES:
                continue
            if any(p.is_relative_to(x) for x in EXCLUDED) or "__pycache__" in p.parts:
                continue
            if p.suffix == ".csv" and p.is_relative_to(RAW_DATA):
                continue  # source locators of official figures name other sites' files
            out.append(p)
    return out


def references(text: str) -> list[tuple[int, str, str | None]]:
    """(line number, path, anchor or None) of each ``.md`` reference in ``text``."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        for m in REF.finditer(LINK_TEXT.sub("(", URL.sub(" ", line))):
            found.append((n, m.group(1), m.group(2)[1:] if m.group(2) else None))
    return found


def resolve(path: str, citing: Path) -> Path | None:
    """The file ``path`` names when cited from ``citing``, or None."""
    for base in (citing.parent, ROOT, PACKAGE):
        target = (base / path).resolve()
        if target.is_file() and target.is_relative_to(ROOT):
            return target
    return None


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces -> -."""
    s = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return s.replace(" ", "-")


def anchors(md: Path) -> set[str]:
    """The anchors a Markdown file defines (explicit ids and heading slugs)."""
    text = md.read_text(encoding="utf-8")
    out = set(re.findall(r"<a\s+(?:id|name)=\"([\w-]+)\"", text))
    out |= {_slug(h) for h in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}
    return out


def _broken() -> list[str]:
    bad = []
    for f in _files():
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for n, path, anchor in references(text):
            target = resolve(path, f)
            where = f"{f.relative_to(ROOT)}:{n}"
            if target is None:
                bad.append(f"{where}: {path} is not in the repository")
            elif anchor is not None and anchor not in anchors(target):
                bad.append(f"{where}: {path} has no anchor #{anchor}")
    return bad


def test_the_reference_finder() -> None:
    """The finder itself, on written examples: what it must see and what it must skip."""
    text = (
        "see law/RULES.md §8 and docs/law/RULES.md#a7.\n"
        "`SCHEMA.md` next to this file; (ALGORITHM.md §10)\n"
        "https://example.org/x/index.md is a URL; notes.mdx is not Markdown\n"
        "[LAW.md](../law/LAW.md#timeline)\n"
        'files("roxham.data").joinpath("SCHEMA.md"), ROOT / "docs" / "LAW.md"\n'
    )
    assert references(text) == [
        (1, "law/RULES.md", None),
        (1, "docs/law/RULES.md", "a7"),
        (2, "SCHEMA.md", None),
        (2, "ALGORITHM.md", None),
        (4, "../law/LAW.md", "timeline"),
    ]


def test_resolution_and_anchors(tmp_path: Path) -> None:
    """Resolution from the citing file's folder, the root and the package; anchors."""
    citing = PACKAGE / "data" / "__init__.py"
    assert resolve("SCHEMA.md", citing) == PACKAGE / "data" / "SCHEMA.md"
    assert resolve("README.md", citing) == ROOT / "README.md"
    assert resolve("no/such/FILE.md", citing) is None
    md = tmp_path / "x.md"
    md.write_text('# Title\n## A7 Work permits, study permits\n<a id="a7"></a>\n', "utf-8")
    assert {"title", "a7-work-permits-study-permits", "a7"} <= anchors(md)


@pytest.mark.parametrize("anchor", [f"a{i}" for i in range(1, 17)])
def test_every_ambiguity_has_its_anchor(anchor: str) -> None:
    """The screener links each ambiguity flag A1–A16 to its text in docs/law/RULES.md."""
    assert anchor in anchors(ROOT / "docs" / "law" / "RULES.md")


def test_every_md_reference_resolves() -> None:
    bad = _broken()
    assert not bad, f"{len(bad)} broken .md references:\n" + "\n".join(bad)
