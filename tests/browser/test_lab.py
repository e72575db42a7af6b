"""The scenario lab in Chromium: the baseline runs by itself, the difference has a band, a
unit and a total, a saved run reopens in the form, internal inputs are not offered, and the
page fits a phone's width."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import no_overflow

pytestmark = pytest.mark.browser

#: Fake model (tests/api/conftest.py): crossings on day d = agents/100 × (1 + d mod 7), halved
#: with the protocol on; 30 days. With 2,000 agents, protocol off minus protocol on:
#: 10 × (1 + d mod 7) summed over d = 0..29 = 10 × (4 × 28 + 1 + 2) = 1,150.
EXPECTED_TOTAL = "+1,150"


def _run(page: Page, seed: str, label: str) -> None:
    page.select_option("#scenario", "no_protocol")
    page.uncheck("#lever-protocol")
    page.fill("#agents", "2000")
    page.fill("#seed", seed)
    page.fill("#label", label)
    page.click("#run-submit")
    expect(page.locator("#run-title")).to_contain_text(label, timeout=20_000)


def test_lab_baseline_is_automatic_and_the_difference_has_band_unit_total(
        page: Page, shots: Path) -> None:
    page.goto("/lab")
    _run(page, "11", "browser test")
    expect(page.locator("#run-state")).to_have_text("done")
    expect(page.locator("#run-progress")).to_have_js_property("value", 1)
    expect(page.locator("#chart .main-svg").first).to_be_visible()
    assert page.locator("#chart .scatterlayer .trace").count() >= 3  # band + mean + observed
    # nobody started a baseline: the page runs the historical one with the same seed itself
    expect(page.locator("#baseline-note")).to_contain_text("historical", timeout=20_000)
    expect(page.locator("#baseline-note")).to_contain_text("baseline (automatic)")
    expect(page.locator("#diff-total")).to_have_text(
        f"total over the period: {EXPECTED_TOTAL} people")
    expect(page.locator("#diff-chart .main-svg").first).to_be_visible()
    # band (two edges) + the difference itself
    assert page.locator("#diff-chart .scatterlayer .trace").count() == 3
    expect(page.locator("#diff-chart .ytitle")).to_have_text("difference, people per month")
    expect(page.locator("#diff-chart .legendtext", has_text="5–95 % band")).to_have_count(1)
    # internal inputs are not offered as results
    options = page.locator("#series-pick option").all_inner_texts()
    assert options and not any(o.startswith("input_") for o in options), options
    # exactly one baseline was started for this seed (other tests may have their own)
    runs = page.evaluate("fetch('/api/v1/runs?limit=100').then(r => r.json())")
    mine = [r for r in runs if r["scenario"] == "historical" and r["params"]["seed"] == 11]
    assert [r["status"] for r in mine] == ["done"], mine
    assert mine[0]["params"]["agents"] == 2000 and mine[0]["params"]["levers"]["protocol"]
    no_overflow(page)
    page.screenshot(path=str(shots / "lab-1280.png"), full_page=True)


def test_opening_a_saved_run_updates_the_form(page: Page) -> None:
    page.goto("/lab")
    _run(page, "12", "saved run")
    expect(page.locator("#diff-total")).to_contain_text(EXPECTED_TOTAL, timeout=20_000)
    page.reload()
    # the form back at the defaults, then the saved run opened from the table
    page.select_option("#scenario", "historical")
    expect(page.locator("#lever-protocol")).to_be_checked()
    page.locator("#runs-table tbody tr", has_text="saved run").locator("button").click()
    expect(page.locator("#run-title")).to_contain_text("saved run")
    expect(page.locator("#scenario")).to_have_value("no_protocol")
    expect(page.locator("#lever-protocol")).not_to_be_checked()
    expect(page.locator("#agents")).to_have_value("2000")
    expect(page.locator("#seed")).to_have_value("12")
    expect(page.locator("#label")).to_have_value("saved run")
    # its paired baseline already exists: found again, not run twice
    expect(page.locator("#diff-total")).to_contain_text(EXPECTED_TOTAL)
    runs = page.evaluate("fetch('/api/v1/runs?limit=100').then(r => r.json())")
    assert len([r for r in runs if r["scenario"] == "historical"
                and r["params"]["seed"] == 12]) == 1


def test_lab_fits_a_phone(browser_ctx_390: Page, shots: Path) -> None:
    page = browser_ctx_390
    page.goto("/lab")
    _run(page, "13", "phone")
    expect(page.locator("#diff-chart .main-svg").first).to_be_visible(timeout=20_000)
    no_overflow(page)
    page.screenshot(path=str(shots / "lab-390.png"), full_page=True)
    for path in ("/", "/screener", "/data", "/api/v1/docs", "/docs/law/RULES.md"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        no_overflow(page)
        page.screenshot(path=str(shots / f"{path.strip('/').replace('/', '-') or 'home'}"
                                           "-390.png"), full_page=True)
