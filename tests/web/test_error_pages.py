"""403, 404 and 500 in the site's layout and the reader's language, with a way on; the demo without
Django's debug pages (which listed every URL pattern on a 404 and showed tracebacks)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import translation

from kasvu import urls
from kasvu.config import Config
from kasvu.web.views import errors

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    """A client signed in as a user with no role (a fresh account)."""
    client = Client()
    client.force_login(get_user_model().objects.create_user(username, password="a-long-test-password-1"))
    return client


def test_demo_runs_without_django_debug_and_developers_can_ask_for_it(monkeypatch):
    monkeypatch.setenv("KASVU_DEMO", "1")
    monkeypatch.delenv("KASVU_DEBUG", raising=False)
    assert Config.from_env().debug is False
    monkeypatch.setenv("KASVU_DEBUG", "1")
    assert Config.from_env().debug is True


@pytest.mark.parametrize(
    ("prefix", "title", "sign_in"),
    [("", "Kirjaudu sisään nähdäksesi sivun", "Kirjaudu"), ("/sv", "Logga in för att se sidan", "Logga in"),
     ("/en", "Sign in to see this page", "Sign in")],
)  # fmt: skip
def test_anonymous_surveys_page_is_a_translated_403_with_sign_in(client, prefix, title, sign_in):
    response = client.get(f"{prefix}/surveys/")
    assert response.status_code == 403
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert f'<a href="/accounts/login/?next={prefix}/surveys/">{sign_in}</a>' in html
    assert 'class="site"' in html and 'role="search"' in html  # the site's layout, with search
    assert "Forbidden" not in html


def test_signed_in_user_without_the_role_is_told_why_not_asked_to_sign_in():
    client = signed_in("kaisa")
    html = client.get("/surveys/").content.decode()
    assert "<h1>Ei pääsyä tälle sivulle</h1>" in html and "Olet kirjautunut käyttäjänä kaisa" in html
    assert '?next=/surveys/">Kirjaudu sisään</a> –' not in html


@pytest.mark.parametrize(
    ("prefix", "title"),
    [("", "Sivua ei löytynyt"), ("/sv", "Sidan hittades inte"), ("/en", "Page not found")],
)
def test_404_is_translated_and_lists_no_url_patterns(client, prefix, title):
    response = client.get(f"{prefix}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html and 'href="/' in html
    assert "URLconf" not in html and "admin/" not in html
    assert client.get(f"{prefix}/areas/municipality/999999/").status_code == 404


def test_500_is_a_page_in_the_layout_and_falls_back_when_even_that_fails(monkeypatch):
    assert urls.handler500 == "kasvu.web.views.errors.server_error"
    with translation.override("fi"):
        response = errors.server_error(RequestFactory().get("/areas/"))
    html = response.content.decode()
    assert response.status_code == 500 and "<h1>Palvelinvirhe</h1>" in html and "Traceback" not in html

    def broken(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "Virhe palvelimella" in response.content.decode()


def test_signed_in_pages_have_a_sign_out_button_that_signs_out():
    client = signed_in("kaisa")
    html = client.get("/").content.decode()
    assert '<form action="/accounts/logout/" method="post">' in html and "Kirjaudu ulos</button>" in html
    assert client.post("/accounts/logout/").status_code == 302
    assert "Kirjaudu ulos" not in client.get("/").content.decode()
