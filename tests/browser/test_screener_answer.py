"""The screener page's answer (issue 17): the verdict in words, the next steps with their
provisions, the COVID order notice on a 2020 Roxham crossing, the printable summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.browser.test_pages import fill_screener

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
    with page.expect_popup() as popup:
        page.click("#result-summary")
    summary = popup.value
    expect(summary.locator("body")).to_contain_text("Droit applicable au")
