"""The household screener in Chromium (issue 17): several people arriving together, each with
a result, the family-member exception reading the others.

Expectations from the provisions: two Haitian adults at a land port from the US on 2022-08-15
(the STCA in force, no Protocol question). Ana has a brother in Canada who is a Canadian citizen:
IRPR s. 159.5(a) excepts her. Ben, alone, has no exception (Haitians need a Canadian visa, so
not (g)): INELIGIBLE/STCA under IRPA s. 101(1)(e). Ana is Ben's sister; once her claim is
referred, Ben has a family member in Canada aged 18 or over whose claim is referred and pending:
IRPR s. 159.5(c) excepts him (roxham.law.household; docs/law/RULES.md A16).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from browser.conftest import no_overflow
from browser.test_pages import fill_screener

pytestmark = pytest.mark.browser

BASE = {"nat": ["HT"], "age": 30,
        "entry": {"mode": "LAND_POE", "from": "US", "date": "2022-08-15"},
        "claim": {"date": "2022-08-15", "where": "POE_ON_ARRIVAL"}}


def _build_household(page: Page) -> None:
    page.goto("/screener")
    fill_screener(page, "2022-08-15", {**BASE, "family": [{"rel": "brother",
                                                           "status": "CITIZEN"}]})
    page.fill("#hh-name", "Ana")
    page.click("#hh-add")
    expect(page.locator("#hh-members tbody tr")).to_have_count(1)
    # Ben: the same arrival, 28, no relative of his own in Canada
    page.locator("#rows-family .remove-row").click()
    page.fill("#q-age", "28")
    page.fill("#hh-name", "Ben")
    page.click("#hh-add")
    expect(page.locator("#hh-members tbody tr")).to_have_count(2)


def _member(page: Page, name: str) -> Locator:
    return page.locator(f'.hh-member[data-id="{name}"]')


def test_household_each_result_and_the_family_exception_reads_the_others(
        page: Page, shots: Path) -> None:
    _build_household(page)
    ana_to_ben = page.locator('select.hh-rel[data-member="Ben"][data-other="Ana"]')
    # not related: each on their own facts
    page.click("#hh-submit")
    ana, ben = _member(page, "Ana"), _member(page, "Ben")
    expect(ana.locator(".hh-code")).to_have_text("ELIGIBLE/STCA_EXCEPTION")
    expect(ana.locator(".explanation")).to_contain_text("IRPR 159.5(a)")
    expect(ben.locator(".hh-code")).to_have_text("INELIGIBLE/STCA")
    expect(ben.locator(".hh-read-from")).to_have_count(0)
    # Ana is Ben's sister: her referred claim gives him IRPR 159.5(c)
    ana_to_ben.select_option("sister")
    page.click("#hh-submit")
    expect(ben.locator(".hh-code")).to_have_text("ELIGIBLE/STCA_EXCEPTION")
    expect(ben.locator(".explanation")).to_contain_text("IRPR 159.5(c)")
    expect(ben.locator(".hh-read-from")).to_contain_text("Ana")
    expect(ben.locator(".hh-provisions a", has_text="IRPR 159.5(c)")).to_have_attribute(
        "href", "/provisions/IRPR%20159.5(c)")
    page.screenshot(path=str(shots / "household-1280.png"), full_page=True)
    # in French: asked again, French citations
    page.click("#lang-fr")
    expect(ben.locator(".explanation")).to_contain_text("(RIPR 159.5(c))")
    expect(ben.locator(".hh-read-from span[lang=fr]")).to_be_visible()
    expect(ana_to_ben.locator("option:checked")).to_have_text("Sœur")
    page.screenshot(path=str(shots / "household-fr.png"), full_page=True)


def test_household_refuses_a_nameless_or_repeated_person(page: Page) -> None:
    page.goto("/screener")
    fill_screener(page, "2022-08-15", BASE)
    page.click("#hh-add")
    expect(page.locator("#hh-error")).to_contain_text("name")
    page.fill("#hh-name", "Ana")
    page.click("#hh-add")
    page.fill("#hh-name", "Ana")
    page.click("#hh-add")
    expect(page.locator("#hh-error")).to_contain_text("different name")
    expect(page.locator("#hh-members tbody tr")).to_have_count(1)


def test_household_fits_a_phone(browser_ctx_390: Page, shots: Path) -> None:
    page = browser_ctx_390
    _build_household(page)
    page.locator('select.hh-rel[data-member="Ben"][data-other="Ana"]').select_option("sister")
    page.click("#hh-submit")
    expect(_member(page, "Ben").locator(".hh-code")).to_have_text("ELIGIBLE/STCA_EXCEPTION")
    no_overflow(page)
    page.screenshot(path=str(shots / "household-390.png"), full_page=True)
