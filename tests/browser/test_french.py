"""French everywhere: every bilingual string has both languages, and every page shown in French
(home, screener with an answer, household with answers, lab with a run, data explorer with a
series, API reference, provision, served document) contains no English string of the interface
(proper nouns, the same in both, excepted) and no English sentence of the server's answers.

The English strings are collected from every source of interface text: the templates' t() pairs,
the scripts' bilingual pairs (R.both, say, and the pages' text tables), the screener's questions
and options, the scenarios, and the server's English answer to the same request. Text the pages
mark ``translate="no"`` (the data catalogue's English labels, a served English document) and the
API operations (the OpenAPI document's own text) are left out: the page says so in French."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from browser.test_pages import fill_screener
from roxham.api.screener_form import RELATIONS, SECTIONS

pytestmark = pytest.mark.browser

TEMPLATES = Path(__file__).parents[2] / "src" / "roxham" / "api" / "templates"
STATIC = TEMPLATES.parent / "static"
_S = r'("(?:[^"\\]|\\.)*")'
#: R.both("English", "Français") and say("English", "Français") in the scripts.
JS_PAIR = re.compile(r"(?:R\.both|\bsay)\(\s*" + _S + r"\s*,\s*" + _S + r"\s*\)", re.S)
#: R.lang() === "fr" ? "Français" : "English" in the scripts (a string literal each side).
JS_TERNARY = re.compile(r'R\.lang\(\)\s*===\s*"fr"\s*\?\s*' + _S + r"\s*:\s*" + _S)
#: t("English", "Français") in the templates (Jinja calls with two string literals).
T_CALL = re.compile(r"""t\(\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*")\s*\)""", re.S)


#: Words that are English and never French (not "on", "a", "as", "but": French words too).
ENGLISH_ONLY = re.compile(r"(?<![\w'’-])(the|of|and|from|with|is|are|this|that|which|would|will|"
                          r"should|been|has|have|was|were|than|there|their|its|into|by)(?![\w'’-])")


def template_pairs() -> list[tuple[str, str, str]]:
    out = []
    for f in sorted(TEMPLATES.glob("*.html")):
        for en, fr in T_CALL.findall(f.read_text(encoding="utf-8")):
            out.append((f.name, ast.literal_eval(en), ast.literal_eval(fr)))
    return out


def script_pairs() -> list[tuple[str, str, str]]:
    out = []
    for f in sorted(STATIC.glob("*.js")):
        text = f.read_text(encoding="utf-8")
        for en, fr in JS_PAIR.findall(text):
            out.append((f.name, json.loads(en), json.loads(fr)))
        for fr, en in JS_TERNARY.findall(text):
            out.append((f.name, json.loads(en), json.loads(fr)))
    return out


def form_pairs() -> list[tuple[str, str]]:
    """The screener's sections, questions, help texts and options (screener_form)."""
    out = [(o.en, o.fr) for o in RELATIONS]
    for sec in SECTIONS:
        out.append((sec.en, sec.fr))
        for q in (*sec.questions, *sec.row_questions):
            out += [(q.en, q.fr), (q.help_en, q.help_fr)]
            out += [(o.en, o.fr) for o in q.options]
    return [(en, fr) for en, fr in out if en]


def test_every_script_and_form_string_has_both_languages() -> None:
    pairs = script_pairs()
    assert len(pairs) > 15
    for name, en, fr in pairs + template_pairs():
        assert en.strip() and fr.strip(), (name, en, fr)
        # the same text in both is a name (Roxham, API), never a phrase left untranslated
        assert en != fr or len(en.split()) <= 2, (name, en)
    for en, fr in form_pairs():
        assert fr.strip() and (en != fr or len(en.split()) <= 2), en
    for fr in [fr for _, _, fr in pairs + template_pairs()] + [fr for _, fr in form_pairs()]:
        assert not ENGLISH_ONLY.search(fr.lower()), ("English in the French", fr)


def test_every_template_string_has_both_languages() -> None:
    pairs = template_pairs()
    assert len(pairs) > 40
    for name, en, fr in pairs:
        assert en.strip() and fr.strip(), (name, en, fr)


def _english(page: Page) -> set[str]:
    """The interface's English strings that differ from their French."""
    pairs = ([(en, fr) for _, en, fr in template_pairs() + script_pairs()] + form_pairs())
    strings = {en for en, fr in pairs if en != fr}
    # an English word inside its own French ("Cousin" in "Cousin ou cousine") proves nothing
    within_french = {en for en, fr in pairs if re.search(rf"(?<!\w){re.escape(en)}(?!\w)", fr)}
    page.goto("/data")
    data: dict[str, dict[str, list[str]]] = page.evaluate("window.roxhamDataText")
    assert data, "data.js exposes its text table"
    for table in data.values():
        for key, (en, fr) in table.items():
            assert en.strip() and fr.strip(), key
            if en != fr:
                strings.add(en.replace("{n} ", ""))
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
    return {x for x in strings if len(x) > 3 and x not in within_french}


def _answer_sentences(page: Page, url: str, body: dict[str, Any]) -> set[str]:
    """The English sentences of the server's answer to ``body`` (asked in English here)."""
    res = page.evaluate(
        "([u, b]) => fetch(u, {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify(b)}).then(r => r.json())", [url, {**body, "lang": "en"}])
    answers = res.get("members", [res])
    out: set[str] = set()
    for a in answers:
        texts = [a.get("explanation", ""), a.get("consequence", "")]
        texts += [x["text"] for k in ("next_steps", "orders", "derived", "what_would_change")
                  for x in a.get(k) or [] if x.get("text")]
        for t in texts:  # sentences, cut before anything in brackets (codes, dates)
            for part in re.split(r"[\n.;:\[\]()]", t):
                if len(part.split()) >= 3:
                    out.add(part.strip())
    return out


#: Facts of the screener checks: a Roxham crossing in 2020 (order notice, derived visa facts).
ROXHAM_2020 = {"nat": ["HT"], "age": 30,
               "entry": {"mode": "BETWEEN_POE", "from": "US", "date": "2020-06-01"},
               "claim": {"date": "2020-06-01", "where": "POE_ON_ARRIVAL"}}


@pytest.mark.parametrize("path", ["/", "/screener", "/screener#household", "/lab", "/data",
                                  "/api/v1/docs", "/provisions/IRPR%20159.3",
                                  "/docs/law/RULES.md"])
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
    elif path == "/screener":  # an answer with an order notice, next steps, derived facts
        fill_screener(page, "2020-06-01", ROXHAM_2020)
        page.click("#screen-submit")
        expect(page.locator("#result-code")).to_have_text("ELIGIBLE/STCA_NOT_APPLICABLE")
        expect(page.locator("#result-derived li").first).to_contain_text("visa exigé")
        english |= _answer_sentences(page, "/api/v1/screen",
                                     {"as_of_date": "2020-06-01", "facts": ROXHAM_2020})
    elif path == "/screener#household":  # two people, each answered, in French
        fill_screener(page, "2020-06-01", ROXHAM_2020)
        for name in ("Ana", "Ben"):
            page.fill("#hh-name", name)
            page.click("#hh-add")
        page.locator('select.hh-rel[data-member="Ben"][data-other="Ana"]').select_option(
            "sister")
        page.click("#hh-submit")
        expect(page.locator(".hh-member")).to_have_count(2)
        expect(page.locator(".hh-member .explanation").first).to_contain_text("Recevable")
        member = {"facts": ROXHAM_2020}
        english |= _answer_sentences(page, "/api/v1/screen/household", {
            "as_of_date": "2020-06-01", "household": {"members": [
                {"id": "Ana", **member}, {"id": "Ben", **member, "relations": {"Ana": "sister"}}]}})
    elif path == "/data":  # a series open: title, chart, figures, sources
        page.fill("#series-filter", "rcmp")
        page.locator('#catalogue tr[data-series="rcmp_interceptions"][data-geo="QC"]'
                     ).locator("a.open-series").click()
        expect(page.locator("#series-chart .main-svg").first).to_be_visible()
        expect(page.locator("#series-title")).to_contain_text("Québec")
    page.wait_for_load_state("networkidle")
    # left out: the API operations (OpenAPI's own text) and what the page marks translate="no"
    text = page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('#endpoints, [translate="no"]').forEach(e => e.remove());
        document.body.appendChild(body); body.hidden = false;
        const t = body.innerText; body.remove(); return t; }""")
    charts = " ".join(page.locator(".legendtext, .gtitle, .ytitle").all_text_contents())
    # identifiers are codes, not words: the lab's series and scenario names
    codes = page.evaluate("Array.from(document.querySelectorAll("
                          "'#series-pick option, #scenario option')).map(o => o.value)")
    for code in sorted(codes, key=len, reverse=True):
        text, charts = (re.sub(rf"(?<!\w){re.escape(code)}(?!\w)", "", x) for x in (text, charts))
    found = sorted(e for e in english
                   if re.search(rf"(?<!\w){re.escape(e)}(?!\w)", text + "\n" + charts))
    where = {e: [m.group(0) for m in re.finditer(rf".{{0,40}}(?<!\w){re.escape(e)}(?!\w).{{0,40}}",
                                               text + "\n" + charts)][:3] for e in found}
    assert found == [], f"English on {path} in French: {where}"
    # and no line reads as English, whatever its source (an English-only word in a line)
    english_lines = [ln for ln in (text + "\n" + charts).splitlines()
                     if ENGLISH_ONLY.search(ln.lower())]
    assert english_lines == [], f"English-looking lines on {path} in French: {english_lines}"
    name = path.strip("/").replace("/", "-").replace("#", "-").replace("%20", "-") or "home"
    page.screenshot(path=str(shots / f"fr-{name}.png"), full_page=True)
