"""A round from YAML to the bank: drafts, submitting, returning, approving, provenance, history, CLI."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kasvu.bank.models import ImportRun, Observation
from kasvu.collection import services
from kasvu.collection.models import Answer, Response, ResponseStatus, Round
from kasvu.collection.publish import publish_round

from .conftest import LOHJA, municipality, round_file

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("collection", *args, stdout=out)
    return out.getvalue()


def lohja(round_: Round) -> Response:
    return Response.objects.get(round=round_, municipality=municipality("444"))


def test_create_from_yaml_and_status(users):
    out = run("create", str(round_file()), "--open")
    assert "sosiaalipalvelut-2025: 9 fields, 8 municipalities, deadline 31.03.2026" in out
    status = run("status", "sosiaalipalvelut-2025")
    assert "8 not_started" in status and "kirjaamo@lohja.example" in status
    with pytest.raises(CommandError, match="exists already"):
        run("create", str(round_file()))


def test_draft_submit_return_approve_publish(social, users):
    r = lohja(social)
    saved = services.save_answers(r, {**LOHJA, "caseload": "kolmekymmentä"}, user=users["lohja"])
    assert not saved.saved and not Answer.objects.filter(response=r).exists()  # all or nothing
    saved = services.save_answers(r, LOHJA, user=users["lohja"])
    assert saved.saved
    r.refresh_from_db()
    assert r.status == ResponseStatus.DRAFT
    assert Answer.objects.get(response=r, field__key="caseload").number == 31.5
    services.save_answers(r, LOHJA, user=users["lohja"], submit=True)
    r.refresh_from_db()
    assert (r.status, r.submitted_by) == ("submitted", "lohja")
    with pytest.raises(services.CollectionError):
        services.save_answers(r, LOHJA, user=users["lohja"])  # submitted: locked until returned
    services.return_response(r, user=users["analyst"], comment="Tarkista sijoitettujen määrä.")
    r.refresh_from_db()
    assert r.status == "returned"
    services.save_answers(r, {**LOHJA, "placed": "181"}, user=users["lohja"], submit=True)
    r.refresh_from_db()
    notes = services.approve(r, user=users["analyst"])
    assert any("Lohja" in n for n in notes)
    r.refresh_from_db()
    obs = Observation.objects.get(indicator__key="collection:placed", area=municipality("444"), year=2025)
    assert obs.value == 181 and obs.numerator == 181
    run_ = ImportRun.objects.get(pk=obs.import_run_id)
    assert (run_.kind, run_.user, run_.source_file) == (
        "collection",
        "analyst",
        "collection:sosiaalipalvelut-2025/444",
    )
    assert r.import_run_id == run_.pk
    caseload = Observation.objects.get(indicator__key="collection:caseload", area=municipality("444"))
    assert caseload.value == 31.5 and caseload.numerator is None
    qualified = Observation.objects.get(indicator__key="collection:sw-qualified", area=municipality("444"))
    assert qualified.indicator.title_fi == "joista pätevien sosiaalityöntekijöiden hoitamia virkoja (htv)"
    history = Answer.objects.get(response=r, field__key="placed").history.all()
    assert [h.value for h in history.order_by("history_date")] == ["180", "181"]
    assert [e.action for e in r.events.order_by("at", "id")] == [
        "saved", "submitted", "returned", "submitted", "approved", "published",
    ]  # fmt: skip
    again = publish_round(social)
    assert "0 added, 0 updated" in again[0]


def test_last_year_shown_and_big_change_needs_explanation(social, users):
    r = lohja(social)
    services.save_answers(r, LOHJA, user=users["lohja"], submit=True)
    services.approve(lohja(social), user=users["analyst"])
    next_year = services.copy_round(social, slug="sosiaalipalvelut-2026", deadline=dt.date(2027, 3, 31))
    assert next_year.name_fi == "Lasten ja perheiden sosiaalipalvelujen tila 2026" and next_year.year == 2026
    services.open_round(next_year, "test")
    r2 = lohja(next_year)
    previous = services.previous_answers(r2)
    assert previous["placed"].value == "180" and previous["placed"].source == "round"
    saved = services.save_answers(r2, {**LOHJA, "placed": "300"}, user=users["lohja"], submit=True)
    assert not saved.saved and [p.code for p in saved.checked.errors] == ["explain_change"]
    saved = services.save_answers(
        r2,
        {**LOHJA, "placed": "300"},
        explanations={"placed": "Kaksi sisarussarjaa"},
        user=users["lohja"],
        submit=True,
    )
    assert saved.saved


def test_excel_round_trip_through_the_cli(social, users, tmp_path):
    path = tmp_path / "lohja.xlsx"
    run("export", "sosiaalipalvelut-2025", "444", str(path))
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    rows = {ws.cell(row=i, column=1).value: i for i in range(7, ws.max_row + 1)}
    for key, value in LOHJA.items():
        ws.cell(row=rows[key], column=6, value=value)
    ws.cell(row=rows["caseload"], column=6, value=31.5)  # a number cell, as Excel keeps it
    wb.save(path)
    out = run("import", "sosiaalipalvelut-2025", str(path), "--user", "lohja", "--submit")
    assert "saved" in out
    r = lohja(social)
    assert r.status == "submitted" and Answer.objects.get(response=r, field__key="caseload").value == "31.5"


def test_export_one_excel_file_per_municipality(social, tmp_path):
    out = run("export", "sosiaalipalvelut-2025", "all", str(tmp_path / "forms"))
    assert "wrote 8 files" in out
    assert sorted(p.name for p in (tmp_path / "forms").iterdir())[0] == "sosiaalipalvelut-2025-078.xlsx"


def test_last_year_from_the_bank_when_there_was_no_round(social, users):
    """Without last year's round the form shows the bank's value, read through the read model."""
    services.save_answers(lohja(social), LOHJA, user=users["lohja"], submit=True)
    services.approve(lohja(social), user=users["analyst"])
    next_year = services.copy_round(social, slug="sosiaalipalvelut-2026b", deadline=dt.date(2027, 3, 31))
    next_year.previous = None
    next_year.save(update_fields=["previous"])
    services.open_round(next_year, "test")
    previous = services.previous_answers(lohja(next_year))
    assert previous["caseload"].source == "bank"
    assert previous["caseload"].number == 31.5
