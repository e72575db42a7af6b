"""French everywhere: every bilingual string has both languages, and the pages shown in French
contain no English string of the interface (proper nouns, the same in both, excepted)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TEMPLATES = Path(__file__).parents[2] / "src" / "roxham" / "api" / "templates"
#: t("English", "Français") in the templates (Jinja calls with two string literals).
T_CALL = re.compile(r"""t\(\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*")\s*\)""", re.S)


def template_pairs() -> list[tuple[str, str, str]]:
    out = []
    for f in sorted(TEMPLATES.glob("*.html")):
        for en, fr in T_CALL.findall(f.read_text(encoding="utf-8")):
            out.append((f.name, ast.literal_eval(en), ast.literal_eval(fr)))
    return out


def test_every_template_string_has_both_languages() -> None:
    pairs = template_pairs()
    assert len(pairs) > 40
    for name, en, fr in pairs:
        assert en.strip() and fr.strip(), (name, en, fr)


def _english(page: Page) -> set[str]:
    """The interface's English strings that differ from their French."""
    strings = {en for _, en, fr in template_pairs() if en != fr}
    page.goto("/lab")
    lab: dict[str, list[str]] = page.evaluate("window.roxhamLabText")
    assert lab, "lab.js exposes its text table"
    for key, (en, fr) in lab.items():
        assert en.strip() and fr.strip(), key
        if en != fr:
            strings.add(en.strip(" :…"))
    scenarios: list[dict[str, Any]] = page.evaluate(
        "fetch('/api/v1/scenarios').then(r => r.json())")
    for s in scenarios:
        for base in ("title", "description"):
            assert s[f"{base}_fr"] and s[f"{base}_fr"] != s[f"{base}_en"], (s["name"], base)
            strings.add(s[f"{base}_en"])
        for lv in s["levers"]:
            assert lv["fr"] and lv["fr"] != lv["en"], lv
            strings.add(lv["en"])
    return {x for x in strings if len(x) > 3}


@pytest.mark.parametrize("path", ["/", "/lab", "/api/v1/docs", "/provisions/IRPR%20159.3"])
def test_pages_in_french_show_no_english(page: Page, path: str, shots: Path) -> None:
    english = _english(page)
    page.goto(path)
    page.click("#lang-fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    if path == "/lab":  # a run, its automatic baseline and the difference, all in French
        page.select_option("#scenario", "no_protocol")
        page.uncheck("#lever-protocol")
        page.fill("#seed", "21")
        page.fill("#label", "essai")
        page.click("#run-submit")
        expect(page.locator("#diff-total")).to_contain_text("total sur la période",
                                                             timeout=20_000)
        expect(page.locator("#run-state")).to_have_text("terminée")
    page.wait_for_load_state("networkidle")
    # the API reference's operations are the OpenAPI document's own text (English; the page
    # says so in French): the page around them is checked
    text = page.evaluate("document.body.innerText")
    if page.locator("#endpoints").count():
        text = text.replace(page.locator("#endpoints").inner_text(), "")
    charts = " ".join(page.locator(".legendtext, .gtitle, .ytitle").all_text_contents())
    found = sorted(e for e in english
                   if re.search(rf"(?<!\w){re.escape(e)}(?!\w)", text + "\n" + charts))
    assert found == [], f"English on {path} in French: {found}"
    page.screenshot(path=str(shots / f"fr-{path.strip('/').split('/')[0] or 'home'}.png"),
                    full_page=True)
