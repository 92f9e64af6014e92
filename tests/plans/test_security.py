"""Roles over the plan pages: editors only their municipalities' plans, anonymous only approved
plans, CSRF on, and every denied attempt in the audit log."""

import pytest
from django.test import Client
from django.urls import reverse

from kasvu import access
from kasvu.accounts.models import AuditEvent
from kasvu.plans.models import Goal, Plan

from .conftest import PASSWORD, make_plan

pytestmark = pytest.mark.django_db


def client_for(user=None, **kw) -> Client:
    client = Client(**kw)
    if user is not None:
        client.force_login(user)
    return client


def denied_count() -> int:
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).count()


def expect_denied(client: Client, method: str, url: str, data=None) -> None:
    before = denied_count()
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 403, (method, url, response.status_code)
    assert denied_count() == before + 1, f"{method} {url} was not audited"


def test_lohja_editor_is_denied_vihti_draft_read_edit_delete(users):
    plan = make_plan("927")
    goal = Goal.objects.create(plan=plan, kind="outcome", rights=["health"], statement_fi="Terveys")
    lohja = client_for(users["lohja"])
    for url in [
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:export", args=[plan.pk]),
        reverse("plans:history", args=[plan.pk]),
        reverse("plans:follow_up", args=[plan.pk, 2023]),
        reverse("plans:document", args=[plan.pk, "fi", "pdf"]),
        reverse("plans:edit", args=[plan.pk]),
        reverse("plans:delete", args=[plan.pk]),
    ]:
        expect_denied(lohja, "get", url)
    expect_denied(lohja, "post", reverse("plans:edit", args=[plan.pk]), {"title_fi": "Kaapattu"})
    expect_denied(lohja, "post", reverse("plans:delete", args=[plan.pk]))
    expect_denied(lohja, "post", reverse("plans:part_new", args=[plan.pk, "goal"]), {"statement_fi": "x"})
    expect_denied(lohja, "post", reverse("plans:part_delete", args=[plan.pk, "goal", goal.pk]))
    expect_denied(lohja, "post", reverse("plans:follow_up", args=[plan.pk, 2023]), {})
    expect_denied(lohja, "post", reverse("plans:restore", args=[plan.pk]), {"kind": "plan", "history_id": 1})
    plan.refresh_from_db()
    assert plan.title_fi == "Vihdin suunnitelma" and Goal.objects.filter(pk=goal.pk).exists()
    assert plan.pk not in [p.pk for p in lohja.get(reverse("plans:list")).context["plans"]]


def test_lohja_editor_reads_but_cannot_edit_an_approved_vihti_plan(users):
    plan = make_plan("927", status="approved")
    lohja = client_for(users["lohja"])
    assert lohja.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    expect_denied(lohja, "get", reverse("plans:edit", args=[plan.pk]))
    expect_denied(lohja, "post", reverse("plans:delete", args=[plan.pk]))


def test_editor_works_on_own_plan_and_cannot_create_for_others(users):
    vihti = client_for(users["vihti"])
    from .conftest import municipality

    response = vihti.post(
        reverse("plans:create"),
        {
            "title_fi": "Vihti 2026",
            "areas": [municipality("927").pk],
            "start_year": 2026,
            "end_year": 2029,
            "status": "draft",
        },
    )
    assert response.status_code == 302, response.content
    plan = Plan.objects.get(title_fi="Vihti 2026")
    assert vihti.get(reverse("plans:edit", args=[plan.pk])).status_code == 200
    # Lohja is not among the choices; posting it is rejected by the form, not stored.
    response = vihti.post(
        reverse("plans:create"),
        {
            "title_fi": "Lohja",
            "areas": [municipality("444").pk],
            "start_year": 2026,
            "end_year": 2029,
            "status": "draft",
        },
    )
    assert response.status_code == 200 and not Plan.objects.filter(title_fi="Lohja").exists()


def test_anonymous_never_sees_a_draft(users):
    draft = make_plan("927", title="Luonnossuunnitelma")
    approved = make_plan("444", status="approved", title="Hyväksytty suunnitelma")
    anon = Client()
    listing = anon.get(reverse("plans:list"))
    assert "Hyväksytty suunnitelma" in listing.content.decode()
    assert "Luonnossuunnitelma" not in listing.content.decode()
    for url in [
        reverse("plans:detail", args=[draft.pk]),
        reverse("plans:export", args=[draft.pk]),
        reverse("plans:document", args=[draft.pk, "fi", "pdf"]),
        reverse("plans:document", args=[draft.pk, "sv", "docx"]),
        reverse("plans:report", args=[draft.pk, 2023, "fi", "pdf"]),
        reverse("plans:follow_up", args=[draft.pk, 2023]),
        reverse("plans:history", args=[draft.pk]),
    ]:
        expect_denied(anon, "get", url)
    assert anon.get(reverse("plans:detail", args=[approved.pk])).status_code == 200
    assert anon.get(reverse("plans:export", args=[approved.pk])).status_code == 200
    expect_denied(anon, "get", reverse("plans:create"))
    expect_denied(anon, "post", reverse("plans:edit", args=[approved.pk]), {"title_fi": "x"})
    home = anon.get("/")
    assert "Luonnossuunnitelma" not in home.content.decode()


def test_viewer_reads_drafts_but_edits_nothing(users):
    plan = make_plan("927")
    viewer = client_for(users["viewer"])
    assert viewer.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    expect_denied(viewer, "get", reverse("plans:edit", args=[plan.pk]))
    expect_denied(viewer, "get", reverse("plans:create"))


def test_csrf_is_enforced(users):
    plan = make_plan("927")
    client = Client(enforce_csrf_checks=True)
    client.login(username="admin", password=PASSWORD)
    response = client.post(reverse("plans:edit", args=[plan.pk]), {"title_fi": "Ilman tokenia"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.title_fi == "Vihdin suunnitelma"
    page = client.get(reverse("plans:edit", args=[plan.pk]))
    token = page.cookies["csrftoken"].value
    assert "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(reverse("plans:delete", args=[plan.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and not Plan.objects.filter(pk=plan.pk).exists()


def test_access_functions_agree_with_the_pages(users):
    draft, approved = make_plan("927"), make_plan("444", status="approved")
    assert not access.can_view_plan(None, draft) and access.can_view_plan(None, approved)
    assert access.can_view_plan(users["vihti"], draft) and not access.can_view_plan(users["lohja"], draft)
    assert access.can_edit_plan(users["admin"], draft) and not access.can_edit_plan(users["viewer"], draft)
    joint = make_plan("927")
    from .conftest import municipality

    joint.areas.add(municipality("444"))
    assert not access.can_edit_plan(users["vihti"], joint)  # a joint plan needs all its municipalities
    visible = set(access.visible_plans(users["lohja"], Plan.objects.all()).values_list("pk", flat=True))
    assert visible == {approved.pk}
