"""Anonymous pages and API answers whole from the shared cache (kasvu.web.pagecache)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kasvu.accounts.models import Profile, Role
from kasvu.bank.models import Area

from .conftest import load_demo

PROFILE = "/areas/municipality/755/"  # Siuntio


def test_an_anonymous_profile_is_built_once_then_served_from_the_cache(client, demo_data):
    first = client.get(PROFILE)
    second = client.get(PROFILE)
    assert (first["X-Kasvu-Cache"], second["X-Kasvu-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    html = second.content.decode()
    assert "Siuntio" in html and "Kirjaudu" in html  # Finnish, the sign-in link
    assert "csrfmiddlewaretoken" not in html and "csrftoken" not in second.cookies
    assert second["ETag"] == first["ETag"] and second["Last-Modified"]
    assert "Cookie" in second["Vary"] and "public" in second["Cache-Control"]


def test_a_client_that_has_the_page_gets_304(client, demo_data):
    first = client.get(PROFILE)
    again = client.get(PROFILE, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    since = client.get(PROFILE, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(PROFILE, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_each_language_has_its_own_page(client, demo_data):
    fi = client.get(PROFILE).content.decode()
    sv = client.get("/sv" + PROFILE).content.decode()
    en = client.get("/en" + PROFILE).content.decode()
    assert 'lang="fi"' in fi and 'html lang="sv"' in sv and 'html lang="en"' in en
    assert "Sjundeå" in sv and "Sign in" in en and "Sign in" not in fi


def _analyst():
    user = get_user_model().objects.create_user("analyst-anna", password="a-long-test-password-1")
    Profile.objects.create(user=user, role=Role.ANALYST)
    return user


def test_signed_in_users_always_get_a_fresh_page_and_no_page_leaks_a_name(demo_data):
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(_analyst())
    assert anonymous.get("/en" + PROFILE)["X-Kasvu-Cache"] == "miss"
    mine = signed_in.get("/en" + PROFILE)
    assert "X-Kasvu-Cache" not in mine
    assert "private" in mine["Cache-Control"] and "no-cache" in mine["Cache-Control"]
    assert "Cookie" in mine["Vary"]
    html = mine.content.decode()
    assert "Internal view" in html and "analyst-anna" in html and "csrfmiddlewaretoken" in html
    again = anonymous.get("/en" + PROFILE)
    assert again["X-Kasvu-Cache"] == "hit"
    assert "analyst-anna" not in again.content.decode() and "Internal view" not in again.content.decode()


def test_a_new_import_retires_the_cached_page(client, demo_data):
    client.get(PROFILE)
    assert client.get(PROFILE)["X-Kasvu-Cache"] == "hit"
    load_demo(keys=("demo:child-welfare-notifications",), codes=["755"])  # a new import run
    assert client.get(PROFILE)["X-Kasvu-Cache"] == "miss"


def test_a_renamed_area_is_shown_at_once(client, demo_data):
    client.get(PROFILE)
    area = Area.objects.get(kind="municipality", code="755")
    area.name_fi = "Siuntion kunta (testi)"
    area.save()
    page = client.get(PROFILE)
    assert page["X-Kasvu-Cache"] == "miss" and "Siuntion kunta (testi)" in page.content.decode()


def test_pages_of_editors_and_sign_in_are_never_cached(client, demo_data):
    for path in ("/accounts/login/", "/plans/", "/admin/"):
        assert "X-Kasvu-Cache" not in client.get(path), path


@pytest.mark.parametrize("path", ["/api/v1/areas?limit=2", "/api/v1/indicators?limit=2"])
def test_anonymous_api_answers_are_cached_and_token_holders_bypass_it(client, demo_data, path):
    first, second = client.get(path), client.get(path)
    assert (first["X-Kasvu-Cache"], second["X-Kasvu-Cache"]) == ("miss", "hit")
    assert second.json() == first.json() and second["Content-Type"].startswith("application/json")
    assert len(first["ETag"]) > 10 and second["ETag"] == first["ETag"]  # the API's own ETag, kept
    with_token = client.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert with_token.status_code == 401 and "X-Kasvu-Cache" not in with_token


def test_the_query_order_does_not_matter(client, demo_data):
    client.get("/api/v1/areas?limit=2&kind=municipality")
    assert client.get("/api/v1/areas?kind=municipality&limit=2")["X-Kasvu-Cache"] == "hit"


def test_a_cached_hit_is_answered_before_any_session_user_or_csrf_work(client, demo_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(PROFILE)
    with CaptureQueriesContext(connection) as queries:
        hit = client.get(PROFILE)
    assert hit["X-Kasvu-Cache"] == "hit" and hit.content == first.content
    touched = " ".join(q["sql"] for q in queries.captured_queries)
    assert "django_session" not in touched and "auth_user" not in touched
    assert "bank_area" not in touched  # nothing of the page is built again
    # the whole stack's headers are kept with the page and given again
    for name in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Content-Language"):
        assert hit[name] == first[name], name
    assert "Cookie" in hit["Vary"] and "Accept-Language" in hit["Vary"]


def test_a_client_that_takes_gzip_gets_the_stored_gzip(client, demo_data):
    import gzip

    plain = client.get(PROFILE)
    zipped = client.get(PROFILE, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped["X-Kasvu-Cache"] == "hit" and zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 4
    assert "Accept-Encoding" in zipped["Vary"] and "Content-Encoding" not in client.get(PROFILE)


def test_a_visitor_with_a_session_cookie_is_never_given_an_early_page(demo_data):
    signed_in = Client()
    signed_in.force_login(_analyst())
    Client().get("/en" + PROFILE)  # cached for anonymous visitors
    mine = signed_in.get("/en" + PROFILE)
    assert "X-Kasvu-Cache" not in mine and "analyst-anna" in mine.content.decode()


def test_the_data_version_is_read_at_most_once_a_second_per_process(client, demo_data, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kasvu.web import pagecache

    settings.KASVU = {**settings.KASVU, "PAGE_STATE_TTL": 60.0}
    pagecache.forget_state()
    client.get(PROFILE)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROFILE)["X-Kasvu-Cache"] == "hit"
    assert not any("bank_importrun" in q["sql"] for q in queries.captured_queries)
    load_demo(keys=("demo:child-welfare-notifications",), codes=["755"])  # in this process: seen at once
    assert client.get(PROFILE)["X-Kasvu-Cache"] == "miss"
    pagecache.forget_state()


def test_the_warm_up_builds_a_profile_in_each_language_past_the_page_cache(client, demo_data, monkeypatch):
    from django.db import connections
    from django.utils.translation import get_language

    from kasvu.bank.management.commands.serve import _warm_worker
    from kasvu.web.views import areas

    first = Area.objects.filter(kind="municipality", valid_to__isnull=True).order_by("code").first()
    client.get(f"/areas/municipality/{first.code}/")  # cached: a request would warm nothing
    built, said = [], []
    real = areas.profile
    monkeypatch.setattr(
        areas,
        "profile",
        lambda request, kind, code: built.append(get_language()) or real(request, kind, code),
    )
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the test's transaction stays open

    class Worker:
        class log:
            info = staticmethod(lambda *args: said.append(args))

    _warm_worker(Worker())
    assert built == ["fi", "sv", "en"] and said == []


def test_a_signed_in_page_reuses_the_rows_of_the_profile_but_not_the_page(demo_data):
    anna, bert = Client(), Client()
    anna.force_login(_analyst())
    first = anna.get("/en" + PROFILE).content.decode()
    user = get_user_model().objects.create_user("analyst-bert", password="a-long-test-password-2")
    Profile.objects.create(user=user, role=Role.ANALYST)
    bert.force_login(user)
    second = bert.get("/en" + PROFILE)
    html = second.content.decode()
    assert "X-Kasvu-Cache" not in second and "analyst-bert" in html and "analyst-anna" not in html
    assert html.count("<tr>") == first.count("<tr>") > 3 and "&lt;tr&gt;" not in html  # kept rows stay markup
    assert "Internal view" in html


def test_no_early_page_for_plain_http_when_https_is_required_or_for_an_unknown_host(
    client, demo_data, settings
):
    client.get(PROFILE)  # cached
    assert client.get(PROFILE, headers={"Host": "evil.example"}).status_code == 400
    settings.SECURE_SSL_REDIRECT = True
    redirected = Client().get(PROFILE)  # a new client: middleware read with the setting
    assert redirected.status_code == 301 and redirected["Location"].startswith("https://")
