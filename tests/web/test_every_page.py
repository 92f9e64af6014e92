"""Every page type in real headless Chromium, in Finnish, Swedish and English, at 390 and 1366 px:
it answers 200, axe-core finds no serious or critical WCAG 2.1 A/AA violation, and the page itself never
scrolls sideways (at 390 px the profile was 1,225 px wide,
compare 917, a plan 617; at 1366 px the compare form 1,584). Screenshots of each are kept under
``var/screenshots/every-page/`` (git-ignored) for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from kasvu import values

from .conftest import load_demo
from .test_browser import axe_violations

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "every-page"
WIDTHS = (390, 1366)
PASSWORD = "a-long-test-password-1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]

#: One URL of each kind of page; those after ``SIGNED_IN`` need a coordinator's sign-in.
PUBLIC = [
    "/",
    "/areas/",
    "/areas/municipality/444/?ref=group:west-uusimaa&ref=region:01&ref=country:FI",
    "/areas/group/west-uusimaa/",
    "/indicators/",
    "/indicators/demo:placed-outside-home/?area=municipality:444&area=region:01",
    "/compare/?area=municipality:444&area=municipality:927&area=group:west-uusimaa",
    "/compare/?mode=peers&base=municipality:444&bg=statfin:M411",
    "/search/?q=lohja",
    "/plans/",
    "/bank/",
    "/bank/needs/",
    "/reports/",
    "/accounts/login/",
    "/no-such-page/",
    "/surveys/",
    "/collection/",
    "/data-updates/",
]
ROUND = "demo-sosiaalipalvelut-2025"
SIGNED_IN = ["/plans/{plan}/", "/plans/{plan}/follow-up/2024/", "/plans/{plan}/history/", "/plans/new/",
             "/plans/{plan}/indicator/{link}/", "/surveys/", "/collection/", f"/collection/{ROUND}/",
             f"/collection/{ROUND}/board/", f"/collection/{ROUND}/444/", "/collection/new/",
             "/data-updates/"]  # fmt: skip
# Anonymous visitors are sent to sign in (the page then shown is the sign-in page, 200).
EXPECTED_STATUS = {"/no-such-page/": 404, "/surveys/": 403, "/data-updates/": 403}
#: Pages by family, so that one family runs alone (``-k collection``).
FAMILIES = {"collection": ("/collection/", "/data-updates/")}


def family(url: str) -> str:
    return next((name for name, starts in FAMILIES.items() if url.startswith(starts)), "site")


@pytest.fixture
def site(live_server, restored_after_flush):
    """The live server with the demo's groups, generated values, the example plan and a coordinator."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.contrib.auth import get_user_model

    from kasvu.accounts.models import Profile, Role
    from kasvu.bank.areas import create_group
    from kasvu.bank.loader import load
    from kasvu.classification import DEMO_GROUPS, data_path
    from kasvu.demo import population_2025
    from kasvu.plans.models import GoalIndicator, Plan

    values.clear_caches()
    for code, (names, members) in DEMO_GROUPS.items():
        create_group(code, names, members)
    load(population_2025(), kind="table")
    load_demo()
    call_command("plan", "import", str(data_path("plans", "espoo_example.yaml")), verbosity=0)
    call_command("knowledge", "import", str(data_path("knowledge", "entries.yaml")), verbosity=0)
    from kasvu.collection.demo import load_demo as load_rounds

    load_rounds()
    user = get_user_model().objects.create_user("koordinaattori", password=PASSWORD)
    Profile.objects.create(user=user, role=Role.REGIONAL_ADMIN)
    values.clear_caches()
    plan = Plan.objects.get()
    link = GoalIndicator.objects.filter(goal__plan=plan).first()
    yield live_server.url, {"plan": plan.pk, "link": link.pk if link else 0}
    values.clear_caches()


def sign_in(tab, base: str) -> None:
    tab.goto(f"{base}/accounts/login/")
    tab.fill("#id_username", "koordinaattori")
    tab.fill("#id_password", PASSWORD)
    tab.click("main button[type=submit]")
    tab.wait_for_url(f"{base}/")


def visit(tab, url: str, lang: str, width: int, problems: list[str]) -> None:
    """Open ``url`` in ``lang``; note a wrong status or a page wider than the window; keep a screenshot."""
    path = url if lang == "fi" or url.startswith("/accounts/") else f"/{lang}{url}"  # sign-in: one address
    response = tab.goto(tab.base + path)
    expected = EXPECTED_STATUS.get(url, 200) if "koordinaattori" not in tab.who else 200
    if response is None or response.status != expected:
        problems.append(f"{path} at {width}px: status {response and response.status}, expected {expected}")
    scroll_width = tab.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{path} at {width}px: the page is {scroll_width}px wide")
    violations = axe_violations(tab)
    if violations:
        problems.append(f"{path} at {width}px: axe {violations}")
    name = path.strip("/").replace("/", "_").translate(str.maketrans("?&=:", "____"))[:90] or "home"
    tab.screenshot(path=str(SCREENSHOTS / f"{name}_{width}.png"), full_page=True)


@pytest.mark.parametrize("pages", ["site", "collection"])
def test_every_page_type_in_three_languages_fits_390_and_1366_px(site, pages):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    base, ids = site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="fi-FI")
                tab = context.new_page()
                tab.set_default_timeout(60_000)
                tab.base, tab.who = base, "anonymous"
                for lang in ("fi", "sv", "en"):
                    for url in (u for u in PUBLIC if family(u) == pages):
                        visit(tab, url, lang, width, problems)
                sign_in(tab, base)
                tab.who = "koordinaattori"
                for lang in ("fi", "sv", "en"):
                    for url in (u for u in SIGNED_IN if family(u) == pages):
                        visit(tab, url.format(**ids), lang, width, problems)
                context.close()
        finally:
            browser.close()
            connections.close_all()
    assert problems == [], "\n".join(problems)
