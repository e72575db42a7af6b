"""The screener page's answer (issue 17): the verdict in words, the next steps with their
provisions, the COVID order notice on a 2020 Roxham crossing, the printable summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import no_overflow
from browser.test_pages import fill_screener

pytestmark = pytest.mark.browser


def test_roxham_2020_answer(page: Page) -> None:
    page.goto("/screener")
    facts = {"nat": ["HT"], "age": 30,
             "entry": {"mode": "BETWEEN_POE", "from": "US", "date": "2020-06-01"},
             "claim": {"date": "2020-06-01", "where": "POE_ON_ARRIVAL"}}
    fill_screener(page, "2020-06-01", facts)
    page.click("#screen-submit")
    expect(page.locator("#result-code")).to_have_text("ELIGIBLE/STCA_NOT_APPLICABLE")
    expect(page.locator("#result-verdict span[lang=en]")).to_have_text(
        "Eligible to be referred to the Refugee Protection Division ")
    expect(page.locator(".order-notice")).to_contain_text("back to the United States")
    expect(page.locator("#result-steps li").first).to_contain_text("IRPA 100(1)")
    # the visa facts not given, derived from data/visas.yaml, in words with their source
    expect(page.locator('#result-derived li[data-field="visa_req_ca"]')).to_have_text(
        "A Canadian visa is needed by the route used — HT: visa required on 2020-06-01 "
        "(IRCC entry requirements)", use_inner_text=True)
    with page.expect_popup() as popup:
        page.click("#result-summary")
    summary = popup.value
    expect(summary.locator("body")).to_contain_text("Droit applicable au")


def test_ambiguity_references_link_to_the_local_docs(page: Page) -> None:
    # A claim 14 days after a between-ports entry: docs/law/RULES.md A1 (the window's last day)
    page.goto("/screener")
    facts = {"nat": ["HT"], "age": 30,
             "entry": {"mode": "BETWEEN_POE", "from": "US", "date": "2023-04-10"},
             "claim": {"date": "2023-04-24", "where": "INLAND_OFFICE"}}
    fill_screener(page, "2023-04-24", facts)
    page.click("#screen-submit")
    flag = page.locator("#result-flags a", has_text="A1")
    expect(flag).to_have_attribute("href", "/docs/law/RULES.md#a1")
    in_text = page.locator("#result-explanation a.doc-link", has_text="docs/law/RULES.md#a1")
    expect(in_text).to_have_attribute("href", "/docs/law/RULES.md#a1")
    with page.expect_popup() as popup:
        flag.click()
    doc = popup.value
    expect(doc.locator("#a1")).to_have_count(1)
    expect(doc.locator("h3", has_text="A1. A claim exactly 14 days")).to_be_visible()
    no_overflow(doc)
