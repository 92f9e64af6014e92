"""Pages render for every role, with headings and labelled forms; editors edit only their municipalities."""

from __future__ import annotations

import datetime as dt

import pytest

from kasvu.accounts.models import AuditEvent
from kasvu.knowledge.coding import read_csv
from kasvu.knowledge.models import Entry, Round
from kasvu.knowledge.rounds import import_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def round2008(seed004_csv):
    r = Round.objects.create(
        name="Kehittämistarpeet",
        slug="arvo-2008",
        date=dt.date(2008, 1, 1),
        total=13,
        assignment_is_synthetic=True,
    )
    import_rows(r, read_csv(seed004_csv))
    return r


def test_public_pages(client, bank, round2008):
    for path in [
        "/bank/",
        f"/bank/entries/{bank['perhekeskus'].pk}/",
        "/bank/needs/",
        "/bank/needs/arvo-2008/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "<h1>" in html
    table = client.get("/bank/needs/arvo-2008/").content.decode()
    assert '<th scope="col">' in table and '<th scope="row">' in table
    assert "Lapsuuden nivelvaiheet (7)" in table
    search = client.get("/bank/").content.decode()
    assert '<label for="id_q">' in search


def test_coding_sheet_download_is_internal(client, round2008, viewer):
    assert client.get("/bank/needs/arvo-2008/coding.csv").status_code == 403
    client.force_login(viewer)
    response = client.get("/bank/needs/arvo-2008/coding.csv")
    assert response.status_code == 200
    assert response.content.decode().startswith("theme_code,theme_title")
    assert client.get("/bank/needs/arvo-2008/coding.xlsx").status_code == 200
    assert "synthetic" in client.get("/en/bank/needs/arvo-2008/").content.decode()


def test_compare_page(client, round2008, seed004_csv):
    other = Round.objects.create(name="Toinen", slug="toinen", date=dt.date(2010, 1, 1), total=13)
    import_rows(other, [r for r in read_csv(seed004_csv) if r.theme_code != "3.6"])
    html = client.get("/bank/needs/compare/?a=arvo-2008&b=toinen").content.decode()
    assert "-13" in html


def test_editor_edits_only_entries_of_own_municipalities(client, bank, editor):
    client.force_login(editor)
    assert client.get(f"/bank/entries/{bank['perhekeskus'].pk}/edit/").status_code == 200  # Lohja
    assert client.get(f"/bank/entries/{bank['aani'].pk}/edit/").status_code == 403  # Lohja and Hyvinkää
    assert AuditEvent.objects.filter(kind="denied", username="lohja-editor").count() == 1


def test_editor_creates_an_entry_in_own_municipality(client, editor, area):
    client.force_login(editor)
    response = client.post(
        "/bank/entries/new/",
        {
            "kind": "practice",
            "title_fi": "Perheneuvola",
            "areas": [area("444").id],
            "rights": ["care"],
            "tags_text": "neuvola, perhe",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = Entry.objects.get(title_fi="Perheneuvola")
    assert entry.right_keys() == ["care"] and entry.tags == ["neuvola", "perhe"]


def test_an_expert_without_consent_cannot_be_saved_through_the_form(client, admin_user, area):
    client.force_login(admin_user)
    response = client.post(
        "/bank/entries/new/", {"kind": "expert", "title_fi": "Ilman Suostumusta", "areas": [area("444").id]}
    )
    assert response.status_code == 200
    assert "consent" in response.content.decode()
    assert not Entry.objects.filter(kind="expert").exists()


def test_anonymous_and_viewers_cannot_add(client, viewer):
    assert client.get("/bank/entries/new/").status_code == 403
    client.force_login(viewer)
    assert client.get("/bank/entries/new/").status_code == 403
