"""The site search finds Finnish words in any inflection, across areas, indicators, plans and the bank."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kasvu.plans.models import Plan
from kasvu.search import index, morphology
from kasvu.search.models import Document

pytestmark = pytest.mark.usefixtures("search_db")
PLAN = "Lasten ja nuorten hyvinvointisuunnitelma (esimerkki Espoon suunnitelman pohjalta)"


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<h2 id="{heading_id}">.*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0)


def page(q: str, prefix: str = "", client: Client | None = None) -> str:
    response = (client or Client()).get(f"{prefix}/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_kiusaaminen_finds_the_bullying_indicators_and_the_plan():
    html = page("kiusaaminen")
    indicators = section(html, "res-inds")
    assert "Kiusattu koulussa vähintään kerran viikossa" in indicators
    assert "Kiusattu koulussa joskus" in indicators
    assert PLAN in section(html, "res-plans")


def test_yksinaisyys_finds_feeling_lonely():
    assert "Tuntee itsensä yksinäiseksi usein tai aina" in section(page("yksinäisyys"), "res-inds")


def test_koyhyys_finds_child_poverty_and_the_plan_about_it():
    html = page("köyhyys")
    assert "Pienituloisiin kotitalouksiin kuuluvat alaikäiset" in section(html, "res-inds")
    assert PLAN in section(html, "res-plans")


def test_vihdin_finds_vihti_in_every_language():
    assert re.search(r">Vihti</a>", section(page("Vihdin"), "res-areas"))
    assert re.search(r">Vichtis</a>", section(page("Vichtis", "/sv"), "res-areas"))


def test_lapsi_finds_the_child_welfare_indicators():
    indicators = section(page("lapsi"), "res-inds")
    assert "Lastensuojeluilmoitukset 0–17-vuotiaista" in indicators
    assert "Kodin ulkopuolelle sijoitetut 0–17-vuotiaat" in indicators
    assert "Psykiatrian laitoshoidon potilaat" not in indicators


def test_a_compound_finds_its_parts_written_apart():
    assert "Lastensuojeluilmoitukset" in section(page("lasten suojelu ilmoitus"), "res-inds")


def test_the_knowledge_bank_is_searched():
    bank = section(page("perhekeskuksen"), "res-entries")
    assert "Perhekeskus" in bank


def test_a_word_being_typed_finds_what_it_begins():
    assert ">Lohja</a>" in section(page("lohj"), "res-areas")


def test_nothing_found_says_so_in_finnish():
    html = page("avaruusmatkailu")
    assert "Alueita ei löytynyt." in html
    assert "Suunnitelmia ei löytynyt." in html
    assert "Tietopankista ei löytynyt mitään." in html


def test_draft_plans_are_found_only_by_those_who_may_read_them(django_user_model):
    plan = Plan.objects.get()
    plan.status = "draft"
    plan.save()
    assert PLAN not in section(page("kiusaaminen"), "res-plans")
    admin = django_user_model.objects.create_superuser("root", password="a-long-test-password-1")
    client = Client()
    client.force_login(admin)
    from kasvu.accounts.models import Profile, Role

    Profile.objects.create(user=admin, role=Role.REGIONAL_ADMIN)
    assert PLAN in section(page("kiusaaminen", client=client), "res-plans")


def test_the_index_follows_a_renamed_plan():
    plan = Plan.objects.get()
    plan.title_fi = "Vihdin perhepalvelujen suunnitelma"
    plan.save()
    assert "Vihdin perhepalvelujen suunnitelma" in section(page("perhepalvelu"), "res-plans")


def test_an_import_makes_the_index_stale_and_the_next_search_rebuilds_it():
    index.refresh()
    Document.objects.filter(kind="indicator").delete()  # as if built before the indicators came
    from kasvu.bank.models import ImportRun

    ImportRun.objects.create(kind="test")
    assert "Tuntee itsensä yksinäiseksi" in section(page("yksinäisyys"), "res-inds")


def test_the_admin_says_which_morphology_search_uses(django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="a-long-test-password-1")
    client = Client()
    client.force_login(admin)
    html = client.get("/admin/search/indexstate/").content.decode()
    assert "Finnish search uses Voikko" in html


def test_the_search_command_reindexes_and_reports_the_morphology():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("search", "reindex", stdout=out)
    assert "with Voikko" in out.getvalue()


def test_an_update_analyses_only_what_changed():
    """After an import of new values (same indicators) the next search analyses nothing again."""
    index.rebuild("indicator")
    assert index.update("indicator") == 0
    from kasvu.bank.models import Indicator

    Indicator.objects.filter(key="demo:child-poverty").update(title_fi="Lapsiköyhyys, %")
    assert index.update("indicator") == 1
    assert "Lapsiköyhyys, %" in section(page("lapsiköyhyyden"), "res-inds")


needs_swedish_words = pytest.mark.skipif(
    not morphology.swedish_words(), reason="Debian's hunspell-sv is not installed"
)


@needs_swedish_words
def test_barnskydd_finds_the_child_protection_indicators():
    indicators = section(page("barnskydd", "/sv"), "res-inds")
    assert "Barnskyddsanmälningar om 0–17-åringar" in indicators
    assert "0–17-åringar placerade utom hemmet" in indicators


@needs_swedish_words
def test_fattigdom_finds_the_poverty_indicator():
    assert "Minderåriga i låginkomsthushåll" in section(page("fattigdom", "/sv"), "res-inds")
