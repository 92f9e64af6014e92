"""A round through the browser: an analyst builds it, two municipalities answer, the unit approves, the
figures appear in the municipality's profile with who reported and who approved them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from kasvu.accounts.models import Profile, Role
from kasvu.bank.models import Area, Observation
from kasvu.collection.models import Response

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PASSWORD = "a-long-test-password-1"


def _user(name: str, role: str, codes: tuple[str, ...] = ()):
    user = get_user_model().objects.create_user(name, password=PASSWORD, email=f"{name}@example.fi")
    profile = Profile.objects.create(user=user, role=role)
    profile.areas.set(Area.objects.filter(kind="municipality", code__in=codes))
    return user


@pytest.fixture
def browser(live_server, restored_after_flush):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    users = {
        "analyst": _user("analyytikko", Role.ANALYST),
        "lohja": _user("lohja-editori", Role.MUNICIPAL_EDITOR, ("444",)),
        "vihti": _user("vihti-editori", Role.MUNICIPAL_EDITOR, ("927",)),
    }
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def page_of(who: str):
            client = Client()
            client.force_login(users[who])
            context = chromium.new_context(
                base_url=live_server.url, locale="fi-FI", viewport={"width": 1366, "height": 900}
            )
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            return page

        try:
            yield page_of
        finally:
            chromium.close()
            connections.close_all()


def click(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


FIELDS = [
    # key, kind, label, unit, decimals, indicator
    ("caseload", "number", "Lapsia sosiaalityöntekijää kohden", "lasta", "1", "collection:bt-caseload"),
    ("sw-posts", "number", "Sosiaalityöntekijöiden virat (htv)", "htv", "1", "collection:bt-posts"),
    ("waiting", "number", "Keskimääräinen odotusaika, vrk", "vrk", "0", "collection:bt-waiting"),
    ("participation", "level", "Lasten osallisuus päätöksenteossa", "", "0", ""),
    ("notes", "text", "Muuta huomioitavaa", "", "0", ""),
]


def test_round_from_creation_to_the_profile(browser):
    analyst = browser("analyst")
    municipalities = Area.objects.filter(kind="municipality", code__in=("444", "927", "049"))

    analyst.goto("/collection/new/")
    analyst.fill("#id_slug", "selvitys-2025")
    analyst.fill("#id_name_fi", "Lastensuojelun selvitys 2025")
    analyst.fill("#id_name_sv", "Utredning om barnskyddet 2025")
    analyst.select_option("#id_kind", "figures")
    analyst.fill("#id_year", "2025")
    analyst.fill("#id_deadline", (dt.date.today() + dt.timedelta(days=20)).isoformat())
    analyst.select_option("#id_municipalities", value=[str(a.pk) for a in municipalities])
    click(analyst, "button[name=save]")
    assert "Kierros luotiin" in analyst.content()

    for key, kind, label, unit, decimals, indicator in FIELDS:
        analyst.fill("#id_field-key", key)
        analyst.select_option("#id_field-kind", kind)
        analyst.fill("#id_field-label_fi", label)
        analyst.fill("#id_field-unit", unit)
        analyst.fill("#id_field-decimals", decimals)
        analyst.fill("#id_field-indicator", indicator)
        if key == "caseload":
            analyst.fill("#id_field-min_value", "0")
            analyst.fill("#id_field-max_value", "100")
            analyst.fill("#id_field-help_fi", "Lastensuojelulain mukainen enimmäismäärä on 30 lasta.")
        if key == "notes":
            analyst.uncheck("#id_field-required")
        click(analyst, "button[name=add_field]")
        assert "Kenttä lisättiin" in analyst.content(), key
    click(analyst, "button[name=open]")
    assert "Kierros on avoinna" in analyst.content()

    # Lohja's editor finds the round on the home page and submits, typing a Finnish decimal comma.
    lohja = browser("lohja")
    lohja.goto("/")
    assert "Tiedonkeruu: avoimet kyselysi" in lohja.content()
    click(lohja, "text=Lastensuojelun selvitys 2025 – Lohja")
    lohja.fill("#id-caseload", "12,5")
    lohja.fill("#id-sw-posts", "24")
    lohja.fill("#id-waiting", "14")
    lohja.check("input[name=v-participation][value='3']")
    click(lohja, "button[value=submit]")
    assert "Kiitos: vastaukset lähetettiin yksikölle." in lohja.content()

    # Vihti's editor types something that is not a number and is told so in Finnish.
    vihti = browser("vihti")
    vihti.goto("/collection/selvitys-2025/927/")
    vihti.fill("#id-caseload", "12,5,5")
    vihti.fill("#id-waiting", "150")
    click(vihti, "button[value=save]")
    text = vihti.inner_text("main")
    assert "Mitään ei tallennettu: korjaa alla merkityt vastaukset." in text
    assert "Virhe: “12,5,5” ei ole luku. Kirjoita numerot ja desimaalipilkku, esim. 12,5 tai 1 234,5." in text
    assert "is not a number" not in text
    SCREENSHOTS.mkdir(exist_ok=True)
    vihti.screenshot(path=str(SCREENSHOTS / "collection_entry_error.png"), full_page=True)
    vihti.fill("#id-caseload", "28")
    click(vihti, "button[value=save]")
    assert "Tallennettu luonnoksena." in vihti.content()
    # ... and cannot open Lohja's answers.
    assert vihti.goto("/collection/selvitys-2025/444/").status == 403

    # The board: 1 submitted, 1 draft, 1 not started.
    analyst.goto("/collection/selvitys-2025/board/")
    counts = {
        li.get_attribute("data-status"): li.inner_text()
        for li in analyst.query_selector_all("#counts li[data-status]")
    }
    assert (
        counts["submitted"].endswith("1")
        and counts["draft"].endswith("1")
        and counts["not_started"].endswith("1")
    )
    assert counts["returned"].endswith("0") and counts["approved"].endswith("0")
    assert "vihti-editori@example.fi" in analyst.inner_text("#board")
    analyst.screenshot(path=str(SCREENSHOTS / "collection_board.png"), full_page=True)

    # The analyst returns Lohja's answers, Lohja corrects and submits again, the analyst approves.
    analyst.goto("/collection/selvitys-2025/444/")
    analyst.fill("#return-comment", "Tarkistakaa odotusaika: onko se arkipäivinä?")
    click(analyst, "button[value=return]")
    assert "Palautettu kunnalle" in analyst.content()
    lohja.goto("/collection/selvitys-2025/444/")
    assert "Tarkistakaa odotusaika" in lohja.inner_text("main")
    lohja.fill("#id-waiting", "12")
    click(lohja, "button[value=submit]")
    analyst.goto("/collection/selvitys-2025/444/")
    click(analyst, "button[value=approve]")
    assert "Hyväksytty ja julkaistu" in analyst.content()
    response = Response.objects.get(round__slug="selvitys-2025", municipality__code="444")
    assert (response.status, response.submitted_by, response.approved_by) == (
        "approved",
        "lohja-editori",
        "analyytikko",
    )
    assert Observation.objects.get(indicator__key="collection:bt-caseload", area__code="444").value == 12.5

    # The figures in Lohja's public profile, with their provenance.
    analyst.goto("/areas/municipality/444/")
    main = analyst.inner_text("main")
    assert "Lapsia sosiaalityöntekijää kohden" in main and "12,5" in main
    assert "Kunnan ilmoittamat luvut" in main
    assert "Lastensuojelun selvitys 2025 (vuoden 2025 luvut): lähettänyt lohja-editori" in main
    assert "hyväksynyt analyytikko" in main
    analyst.screenshot(path=str(SCREENSHOTS / "collection_profile.png"), full_page=True)
