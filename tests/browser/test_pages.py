"""The pages in real headless Chromium: screener cases, French, a lab run, a data series."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

CASES_CSV = Path(__file__).parents[1] / "api" / "data" / "cases.csv"
CASES = {c["case_id"]: c for c in csv.DictReader(CASES_CSV.open(encoding="utf-8"))}

#: Cases that exercise the follow-up questions: plain refusal, family member (row), a permit
#: in a family row, an unaccompanied minor, an inland claim a year later, a death penalty
#: charge, a US citizen.
SCREEN_CASES = ["C012", "C022", "C064", "C051", "C036", "C099", "C001"]

#: Facts that are informational only (docs/law/RULES.md §2): no question asks for them.
INFORMATIONAL = {"note", "entry_note", "us_lpr", "years_resident_in_us", "conveyance",
                 "admitted_as", "cohabitation_years", "water", "us_noncitizen_national"}

#: Order of filling: a question appears only once the facts it depends on are in.
FIRST = ["claim.date", "claim.where", "nat", "stateless", "age", "entry.mode", "entry.from",
         "entry.date"]


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if k in INFORMATIONAL:
            continue
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _set(field: Locator, value: Any) -> None:
    kind = field.get_attribute("data-kind")
    if kind == "bool":
        field.set_checked(bool(value))
    elif kind in ("select", "tristate"):
        field.select_option("true" if value is True else "false" if value is False else value)
    elif kind in ("countries", "dates"):
        field.fill(", ".join(value))
    else:
        field.fill(str(value))


def fill_screener(page: Page, as_of: str, facts: dict[str, Any]) -> None:
    """Fill the form like a person would, from a cases.csv facts object."""
    page.fill("#q-as_of_date", as_of)
    flat = _flatten({k: v for k, v in facts.items() if k not in ("family", "docs")})
    if "entries" in flat:  # the form asks for the *other* entries
        flat["entries"] = [d for d in flat["entries"] if d != facts["entry"]["date"]]
    pending = sorted(flat, key=lambda k: FIRST.index(k) if k in FIRST else len(FIRST))
    while pending:  # a follow-up question shows once what it depends on is filled in
        shown = [k for k in pending
                 if page.locator(f'#screener-form > fieldset [data-key="{k}"]').is_visible()]
        assert shown, f"questions never shown for facts {pending}"
        for key in shown:
            _set(page.locator(f'#screener-form > fieldset [data-key="{key}"]'), flat[key])
            pending.remove(key)
    for kind in ("family", "docs"):
        for i, row_facts in enumerate(facts.get(kind, [])):
            page.click(f"#add-{kind}")
            row = page.locator(f"#rows-{kind} .row").nth(i)
            for key, value in _flatten(row_facts).items():
                field = row.locator(f'[data-key="{key}"]')
                expect(field).to_be_visible()
                _set(field, value)


@pytest.mark.parametrize("case_id", SCREEN_CASES)
def test_screener_gives_the_expected_result(page: Page, case_id: str, shots: Path) -> None:
    case = CASES[case_id]
    page.goto("/screener")
    fill_screener(page, case["as_of_date"], json.loads(case["facts"]))
    page.click("#screen-submit")
    expect(page.locator("#result-code")).to_have_text(case["expected_outcome"])
    expect(page.locator("#result-explanation")).not_to_be_empty()
    links = page.locator("#result-provisions a")
    assert links.count() >= 1
    if case_id == "C022":
        page.click("details.repro summary")
        expect(page.locator("#result-repro")).to_contain_text(
            "| roxham screen - --as-of 2023-04-10 --lang en")
        page.screenshot(path=str(shots / "screener-result.png"), full_page=True)
        href = links.first.get_attribute("href")
        assert href and href.startswith("/provisions/")
        cited = links.first.inner_text()
        page.goto(href)
        expect(page.locator("#provision-title")).to_contain_text(cited.split("(")[0])
        expect(page.locator(".law-text").first).to_be_visible()
        page.screenshot(path=str(shots / "provision.png"), full_page=True)


def test_follow_up_questions_appear_only_when_relevant(page: Page) -> None:
    page.goto("/screener")
    guardian = page.locator('[data-q="accompanied_by_parent_or_guardian"]')
    family = page.locator("#sec-family")
    page.select_option("#q-entry-mode", "LAND_POE")
    page.fill("#q-age", "30")
    expect(guardian).to_be_hidden()
    page.fill("#q-age", "15")
    expect(guardian).to_be_visible()
    expect(family).to_be_visible()
    page.select_option("#q-entry-mode", "AIRPORT")  # the STCA exceptions cannot matter
    expect(family).to_be_hidden()
    expect(guardian).to_be_hidden()
    expect(page.locator('[data-q="us_removal_transit"]')).to_be_visible()


def test_french_is_remembered(page: Page, shots: Path) -> None:
    page.goto("/screener")
    expect(page.locator("h1 span[lang=en]")).to_be_visible()
    page.click("#lang-fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1 span[lang=fr]")).to_be_visible()
    expect(page.locator("h1 span[lang=en]")).to_be_hidden()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#q-entry-mode option:checked")).to_have_text(
        "Point d'entrée terrestre (route, à pied, autobus, train)")
    case = CASES["C012"]
    fill_screener(page, case["as_of_date"], json.loads(case["facts"]))
    page.click("#screen-submit")
    expect(page.locator("#result-code")).to_have_text("INELIGIBLE/STCA")
    # docs/law/RULES.md §1: ineligible under the STCA -> returned to the US, in French
    expect(page.locator("#result-consequence")).to_have_text(
        "Renvoi aux États-Unis, en général au point d'entrée d'arrivée.")
    page.screenshot(path=str(shots / "screener-fr.png"), full_page=True)
    page.click("#lang-en")  # the result is asked again in English
    expect(page.locator("#result-consequence")).to_have_text(
        "Returned to the United States, usually at the port where the person arrived.")
    page.click("#lang-fr")
    expect(page.locator("#result-consequence")).to_have_text(
        "Renvoi aux États-Unis, en général au point d'entrée d'arrivée.")
    page.goto("/data")
    expect(page.locator("h1")).to_have_text("Explorateur de données", use_inner_text=True)


def test_screener_shows_field_errors(page: Page) -> None:
    page.goto("/screener")
    page.click("#screen-submit")
    expect(page.locator('[data-q="claim.date"] .field-error')).to_have_text("Required")
    page.fill("#q-as_of_date", "2023-04-10")
    page.fill("#q-claim-date", "2023-04-01")
    page.fill("#q-entry-date", "2023-04-10")  # a claim before the entry: the law refuses it
    page.fill("#q-age", "30")
    page.click("#screen-submit")
    expect(page.locator(".q.invalid, #form-error:not([hidden])").first).to_be_visible()
    expect(page.locator("#result")).to_be_hidden()


def test_data_series_shows_its_source(page: Page, shots: Path) -> None:
    page.goto("/data")
    page.fill("#series-filter", "rcmp")
    row = page.locator('#catalogue tr[data-series="rcmp_interceptions"][data-geo="QC"]')
    row.locator("a.open-series").click()
    expect(page.locator("#series-title")).to_contain_text("QC")
    expect(page.locator("#series-chart .main-svg").first).to_be_visible()
    src = page.locator("#figures a.source-link", has_text="Interceptions par la GRC").first
    expect(src).to_have_attribute("href", "https://www.canada.ca/fr/immigration-refugies-"
                                  "citoyennete/services/refugies/demandes-asile/"
                                  "demandes-asile-2017.html")
    expect(page.locator("#sources li").first).to_be_visible()
    page.screenshot(path=str(shots / "data.png"), full_page=False)


def test_api_docs_page_lists_the_operations(page: Page, shots: Path) -> None:
    page.goto("/api/v1/docs")
    expect(page.locator(".endpoint")).not_to_have_count(0)
    expect(page.locator(".endpoint", has_text="/api/v1/screen").first).to_contain_text("POST")
    page.screenshot(path=str(shots / "apidocs.png"), full_page=False)
    page.goto("/")
    expect(page.locator(".card")).to_have_count(3)
    page.screenshot(path=str(shots / "home.png"), full_page=False)
