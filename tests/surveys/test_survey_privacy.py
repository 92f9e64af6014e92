"""Microdata are never served: no URL of the project reaches a view that reads Response rows, the admin
has no Response page, and only analysts see the survey page (metadata) or may read microdata."""

from __future__ import annotations

import types

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kasvu.accounts.models import AuditEvent
from kasvu.surveys import microdata
from kasvu.surveys.models import Response

pytestmark = pytest.mark.django_db
TABLE = Response._meta.db_table
MICRODATA = (Response, microdata, microdata.read)


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from all_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _references_microdata(callback) -> bool:
    """Does the view (function, class-based view or admin view) reach the microdata module or model?"""
    func = getattr(callback, "view_class", None) or getattr(callback, "__wrapped__", None) or callback
    owners = [func, getattr(callback, "model_admin", None), getattr(callback, "admin_site", None)]
    for owner in filter(None, owners):
        namespace = getattr(owner, "__globals__", None) or vars(__import__(owner.__module__, fromlist=["_"]))
        names = set(getattr(getattr(owner, "__code__", None), "co_names", ()))
        values = [namespace[n] for n in names if n in namespace] if names else list(namespace.values())
        if any(v in MICRODATA or (isinstance(v, types.ModuleType) and v is microdata) for v in values):
            return True
        model = getattr(owner, "model", None)
        if model is Response:
            return True
    return False


def test_no_url_pattern_resolves_to_a_view_that_reads_responses():
    patterns = list(all_patterns())
    assert any("surveys/" in route for route, _ in patterns)
    offending = [route for route, p in patterns if _references_microdata(p.callback)]
    assert offending == []
    assert Response not in admin.site._registry


def test_no_page_queries_the_response_table(published, users):
    """Every parameterless page and every admin list, as a superuser: not one query touches microdata."""
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="a-long-test-password-1")
    client = Client(raise_request_exception=False)
    client.force_login(root)
    seen: list[str] = []

    def spy(execute, sql, params, many, context):
        if TABLE in sql:
            seen.append(sql)
        return execute(sql, params, many, context)

    urls = ["/" + route for route, _ in all_patterns() if "<" not in route and "(?P" not in route]
    urls += [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry
    ]
    with connection.execute_wrapper(spy):
        for url in urls:
            client.get(url.replace("^", "").replace("$", ""))
        assert client.get(reverse("surveys:list")).status_code == 200
    assert seen == []


@pytest.mark.parametrize("who", [None, "viewer", "editor"])
def test_only_analysts_see_the_survey_page(published, users, who):
    client = Client()
    if who:
        client.force_login(users[who])
    before = AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).count()
    assert client.get(reverse("surveys:list")).status_code == 403
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).count() == before + 1


@pytest.mark.parametrize("who", ["analyst", "admin"])
def test_analysts_see_rounds_imports_and_status_but_no_answers(published, users, who):
    client = Client()
    client.force_login(users[who])
    page = client.get(reverse("surveys:list")).content.decode()
    assert "pupil_survey_2024" in page and "GENER" in page and "1500" in page
    assert "kaverit" not in page and "paino" not in page  # no question columns, no answers


def test_microdata_are_readable_by_analysts_and_the_command_line_only(imported, users):
    for who in ("viewer", "editor"):
        with pytest.raises(PermissionDenied):
            microdata.read(imported, users[who])
    assert len(microdata.read(imported, users["analyst"])) == 1500
    assert len(microdata.read(imported, microdata.COMMAND_LINE)) == 1500


def _leaky_view(request):  # what the check must catch
    return microdata.read(None, request.user)


def test_the_url_check_would_catch_a_view_reading_microdata():
    assert _references_microdata(_leaky_view)
    assert not _references_microdata(test_the_url_check_would_catch_a_view_reading_microdata)
