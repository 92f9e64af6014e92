"""Experts are personal data: consent is required (model and database), anonymous users never see them,
and removal is logged without the person's data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory

from kasvu.accounts.models import AuditEvent
from kasvu.knowledge import search
from kasvu.knowledge.models import Entry, RemovalLog
from kasvu.knowledge.services import remove_expert

pytestmark = pytest.mark.django_db


def test_model_validation_refuses_an_expert_without_consent():
    expert = Entry(key="expert:x", kind="expert", title_fi="Ilman Suostumusta")
    with pytest.raises(ValidationError) as exc:
        expert.full_clean()
    assert {"consent_date", "consent_method", "consent_recorded_by"} <= set(exc.value.message_dict)


@pytest.mark.parametrize(
    "consent",
    [
        {},
        {"consent_method": "signed form", "consent_recorded_by": "admin1"},
        {"consent_date": dt.date(2025, 1, 1), "consent_recorded_by": "admin1"},
        {"consent_date": dt.date(2025, 1, 1), "consent_method": "signed form"},
    ],
)
def test_the_database_refuses_an_expert_without_consent(consent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(key="expert:x", kind="expert", title_fi="Ilman Suostumusta", **consent)
    assert not Entry.objects.filter(key="expert:x").exists()


def test_the_database_refuses_removing_consent_later(bank):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=bank["expert"].pk).update(consent_date=None)


def test_a_practice_needs_no_consent():
    Entry(key="practice:x", kind="practice", title_fi="Neuvola").full_clean()


@pytest.mark.parametrize(
    "path",
    ["/bank/", "/bank/?q=asiantuntija", "/bank/?kind=expert", "/bank/?q=perhekeskustoiminnan&kind=expert"],
)
def test_anonymous_pages_show_no_expert(client, bank, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Asiantuntija" not in response.content.decode()
    assert f"/bank/entries/{bank['expert'].pk}/" not in response.content.decode()


def test_anonymous_expert_detail_is_denied_and_logged_without_the_name(client, bank):
    response = client.get(f"/bank/entries/{bank['expert'].pk}/")
    assert response.status_code == 403
    event = AuditEvent.objects.get(kind="denied")
    assert "Asiantuntija" not in event.path + event.detail


def test_signed_in_users_see_experts(client, bank, viewer):
    client.force_login(viewer)
    assert "Esimerkki Asiantuntija" in client.get("/bank/?q=asiantuntija").content.decode()
    assert client.get(f"/bank/entries/{bank['expert'].pk}/").status_code == 200


def test_anonymous_export_of_entries_has_no_experts(bank):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("knowledge", "export", "-", stdout=out)
    assert "Asiantuntija" not in out.getvalue()
    assert "Perhekeskus" in out.getvalue()


def test_removal_is_logged_without_the_persons_data(bank, admin_user):
    expert = bank["expert"]
    pk = expert.pk
    request = RequestFactory().post("/x")
    request.user = admin_user
    log = remove_expert(request, expert, "The person asked to be removed.")
    assert not Entry.objects.filter(pk=pk).exists()
    assert (log.kind, log.removed_by, log.reason) == ("expert", "admin1", "The person asked to be removed.")
    stored = " ".join(str(v) for v in RemovalLog.objects.values().get())
    assert "Asiantuntija" not in stored and "consent" not in stored
    if search.uses_fts5():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE} WHERE rowid = %s", [pk])
            assert cursor.fetchone()[0] == 0


def test_removal_through_the_page(client, bank, admin_user):
    client.force_login(admin_user)
    url = f"/bank/entries/{bank['expert'].pk}/remove/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Pyyntö 2025-02-01"})
    assert response.status_code == 200
    assert RemovalLog.objects.count() == 1
    assert not Entry.objects.filter(kind="expert").exists()


def test_a_viewer_may_not_remove_and_the_denial_is_logged(bank, viewer):
    request = RequestFactory().post("/x")
    request.user = viewer
    with pytest.raises(PermissionDenied):
        remove_expert(request, bank["expert"], "asked")
    assert Entry.objects.filter(pk=bank["expert"].pk).exists()
    assert AuditEvent.objects.filter(kind="denied", username="viewer1").exists()
    assert RemovalLog.objects.count() == 0
