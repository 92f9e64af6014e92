"""The web app in real headless Chromium: profile, languages, indicator, map, CSV download, compare,
and an axe-core accessibility scan of every page (no serious or critical violation)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from kasvu import values

from .conftest import load_demo

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def page(live_server, restored_after_flush):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from kasvu.bank.areas import create_group
    from kasvu.bank.loader import load
    from kasvu.classification import DEMO_GROUPS
    from kasvu.demo import population_2025

    values.clear_caches()
    for code, (names, members) in DEMO_GROUPS.items():
        create_group(code, names, members)
    load(population_2025(), kind="table")
    load_demo()
    values.clear_caches()
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)  # fmt: skip
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        try:
            yield tab
        finally:
            browser.close()
            connections.close_all()
    values.clear_caches()


def axe_violations(tab) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations reported by axe-core on the current page."""
    # Evaluated through the DevTools protocol: an injected <script> tag is refused by kasvu's
    # Content-Security-Policy (no inline scripts), as it should be.
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    result = tab.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def check(tab, name: str) -> None:
    tab.screenshot(path=str(SCREENSHOTS / f"web_{name}.png"), full_page=False)
    assert axe_violations(tab) == [], name


def test_profile_languages_indicator_map_download_compare(page):
    tab = page
    tab.goto("/")
    check(tab, "home")
    # Keyboard: the skip link is the first stop and leads to the main content.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.className") == "skip"

    tab.click("text=Lohja")
    tab.wait_for_url("**/areas/municipality/444/")
    assert tab.locator("h1").inner_text().startswith("Lohja")
    assert tab.locator("legend").first.inner_text() == "Vertailualueet"
    assert tab.locator("table.profile caption").count() >= 3
    assert tab.locator(".verdict").count() > 0
    check(tab, "profile_fi")

    # Swedish, then English: the language switch keeps the page.
    tab.click("a[hreflang=sv], button[lang=sv]")  # links for visitors, a form for signed-in users
    tab.wait_for_url("**/sv/areas/municipality/444/")
    assert tab.locator("html").get_attribute("lang") == "sv"
    assert tab.locator("legend").first.inner_text() == "Jämförelseområden"
    check(tab, "profile_sv")
    tab.click("a[hreflang=en], button[lang=en]")
    tab.wait_for_url("**/en/areas/municipality/444/")
    assert tab.locator("legend").first.inner_text() == "Reference areas"

    # Choose references with the form (works without JavaScript: a GET form).
    tab.select_option("#ref-1", "group:west-uusimaa")
    tab.click("text=Update")
    tab.wait_for_url("**ref=group%3Awest-uusimaa**")
    assert "West Uusimaa" in tab.locator("table.profile thead").first.inner_text()

    # An indicator: time series, bars and map, each with its table.
    tab.click("a:has-text('Children aged 0–17 placed outside the home')")
    tab.wait_for_url("**/en/indicators/demo:placed-outside-home/**")
    assert tab.locator("figure.chart svg[role=img]").count() == 3
    assert tab.locator("#fig-map svg path").count() > 300
    assert "generated demo data" in tab.content()
    check(tab, "indicator_en")

    # Download the CSV of what the page shows.
    with tab.expect_download() as info:
        tab.click(".downloads >> text=CSV")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    lohja = [r for r in rows if r["table"] == "series" and r["area"] == "Lohja"]
    assert [r["year"] for r in lohja] == [str(y) for y in range(2015, 2025)]
    shown = tab.locator("#fig-series ~ details table tbody tr").first.inner_text()
    assert lohja[0]["year"] in shown

    # Compare two municipalities side by side.
    tab.goto("/en/compare/")
    tab.select_option("#cmp-1", "municipality:444")
    tab.select_option("#cmp-2", "municipality:927")
    tab.click("form:has(#cmp-1) button[type=submit]")
    tab.wait_for_url("**area=municipality%3A927**")
    head = tab.locator("table thead").inner_text()
    assert "Lohja" in head and "Vihti" in head
    check(tab, "compare_en")

    tab.goto("/en/compare/?mode=peers&base=municipality:444&bg=statfin:M411&k=4")
    assert tab.locator("text=Municipalities most similar to Lohja").count() == 1

    tab.goto("/sv/areas/")
    check(tab, "areas_sv")
    tab.goto("/en/indicators/")
    check(tab, "indicators_en")
    tab.goto("/en/search/?q=Lohja")
    check(tab, "search_en")
