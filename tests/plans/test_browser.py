"""Entering a plan like Espoo's through the browser, and getting it back identical through YAML."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from kasvu.accounts.models import Profile, Role
from kasvu.bank.models import Area, Indicator
from kasvu.plans.models import Action, Goal, GoalIndicator, Plan
from kasvu.plans.portable import export_plan, import_plan

from .conftest import load_values

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(live_server, restored_after_flush):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    user = get_user_model().objects.create_user("alueadmin", password="a-long-test-password-1")
    Profile.objects.create(user=user, role=Role.REGIONAL_ADMIN)
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, locale="fi-FI")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()
            # Playwright's greenlets give the test body its own context, hence its own connection,
            # which would keep PostgreSQL from dropping the test database at the end.
            connections.close_all()


def submit(page) -> None:
    with page.expect_navigation():
        page.click("button[name=save]")


def test_enter_plan_in_browser_and_round_trip_through_yaml(browser_page):
    page = browser_page
    load_values(
        [("049", 2019, 93.3), ("049", 2023, 95.0)], key="demo:weekly-hobby", direction="higher_better"
    )
    espoo = Area.objects.get(kind="municipality", code="049")

    page.goto("/plans/new/")
    page.fill("#id_title_fi", "Lasten ja nuorten hyvinvointisuunnitelma 2025–2028")
    page.fill("#id_title_sv", "Välfärdsplan för barn och unga 2025–2028")
    page.select_option("#id_areas", value=str(espoo.pk))
    page.fill("#id_start_year", "2025")
    page.fill("#id_end_year", "2028")
    submit(page)
    plan = Plan.objects.get()
    assert page.url.endswith(f"/plans/{plan.pk}/")

    # A client-level goal under the right to leisure, another under participation and care.
    page.click("a[href$='?right=leisure&kind=outcome']")
    page.fill(
        "#id_statement_fi", "Kaikilla lapsilla ja nuorilla on mahdollisuus vähintään yhteen harrastukseen."
    )
    page.fill("#id_statement_sv", "Alla barn och unga har möjlighet till minst en hobby.")
    submit(page)
    page.click("a[href$='?right=participation&kind=outcome']")
    page.check("input[name=rights][value=care]")
    page.fill("#id_statement_fi", "Lapsiperheiden vanhemmat löytävät lähialueeltaan vertaistukea.")
    page.fill("#id_order", "1")
    submit(page)
    # An implementation goal with a requirement.
    page.click("a[href$='?kind=implementation']")
    page.fill("#id_statement_fi", "Kaupunki luo foorumeita, joissa lapset ja nuoret tulevat kuulluiksi.")
    page.fill("#id_order", "2")
    submit(page)
    impl = Goal.objects.get(kind="implementation")
    page.click(f"#goal-{impl.pk} a[href$='requirement/new/?goal={impl.pk}']")
    page.fill("#id_text_fi", "Foorumit jokaisella suuralueella kahdesti vuodessa.")
    submit(page)

    leisure = Goal.objects.get(order=0)
    page.click(f"#goal-{leisure.pk} a[href$='action/new/?goal={leisure.pk}']")
    page.fill("#id_description_fi", "Harrastamisen Suomen malli kaikissa kouluissa")
    page.fill("#id_description_sv", "Den finländska modellen för hobbyverksamhet i alla skolor")
    page.fill("#id_owner", "Kulttuuri- ja liikuntalautakunta")
    page.fill("#id_partners", "Järjestöt, seurat")
    page.fill("#id_start", "2025-08-01")
    page.fill("#id_end", "2028-05-31")
    page.fill("#id_budget_eur", "250000")
    page.select_option("#id_status", "in_progress")
    submit(page)

    page.click(f"#goal-{leisure.pk} a[href$='indicator/new/?goal={leisure.pk}']")
    page.select_option("#id_indicator", value=str(Indicator.objects.get(key="demo:weekly-hobby").pk))
    page.select_option("#id_area", value=str(espoo.pk))
    page.fill("#id_baseline_year", "2019")
    page.fill("#id_baseline_value", "93.3")
    page.fill("#id_target_year", "2028")
    page.fill("#id_target_value", "96")
    submit(page)

    assert Action.objects.get().budget_eur == 250000
    link = GoalIndicator.objects.get()
    assert link.direction == "higher_better"  # from the indicator
    section = page.locator("#right-leisure")
    assert "vähintään yhteen harrastukseen" in section.inner_text()
    assert section.locator(".status").first.inner_text().strip().endswith(("on track", "oikealla tiellä"))
    assert "vertaistukea" in page.locator("#right-care").inner_text()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "plan_overview.png"), full_page=True)

    response = page.request.get(f"/plans/{plan.pk}/plan.yaml")
    assert response.ok
    exported = response.text()
    assert "Harrastamisen Suomen malli" in exported and "budget_eur: 250000" in exported
    Plan.objects.all().delete()
    again = import_plan(exported)
    assert export_plan(again) == exported
    page.goto(f"/plans/{again.pk}/")
    assert "Harrastamisen Suomen malli" in page.inner_text("main")
