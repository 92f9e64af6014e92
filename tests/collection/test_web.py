"""The web pages of a round: entry in Finnish notation, messages in Finnish, the board, rights per route."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from kasvu.accounts.models import AuditEvent
from kasvu.collection import services
from kasvu.collection.models import Answer, Response

from .conftest import LOHJA, municipality

pytestmark = pytest.mark.django_db
URL = "/collection/sosiaalipalvelut-2025"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def form(values: dict[str, str], action: str = "save") -> dict[str, str]:
    return {"action": action, **{f"v-{k}": v for k, v in values.items()}}


def test_editor_sees_the_open_round_on_the_home_page(social, users):
    page = client_for(users["lohja"]).get("/").content.decode()
    assert "Tiedonkeruu: avoimet kyselysi" in page
    assert f'href="{URL}/444/"' in page and f"{URL}/927/" not in page


def test_the_unit_sees_the_progress_of_open_rounds_on_the_home_page(social, users):
    page = client_for(users["analyst"]).get("/").content.decode()
    assert f'href="{URL}/board/"' in page and "0 lähettänyt ja 0 hyväksytty, kysytty 8" in page
    assert "Tiedonkeruu" not in Client().get("/").content.decode()


def test_typed_finnish_number_is_saved_and_shown_back(social, users):
    c = client_for(users["lohja"])
    r = c.post(f"{URL}/444/", form({"caseload": "12,5", "family-work-total": "1 234"}))
    assert r.status_code == 302
    answer = Answer.objects.get(field__key="caseload", response__municipality__code="444")
    assert (answer.value, answer.number, answer.typed) == ("12.5", 12.5, "12,5")
    page = c.get(f"{URL}/444/").content.decode()
    assert 'value="12,5"' in page and 'value="1 234"' in page and 'id="state">luonnos' in page


def test_invalid_value_gets_a_finnish_message_and_nothing_is_saved(social, users):
    c = client_for(users["vihti"])
    r = c.post(f"{URL}/927/", form({"caseload": "kolmekymmentä", "assessments-in-time": "120"}))
    assert r.status_code == 400
    page = r.content.decode()
    assert "Mitään ei tallennettu" in page
    assert "“kolmekymmentä” ei ole luku. Kirjoita numerot ja desimaalipilkku, esim. 12,5 tai 1 234,5." in page
    assert "Arvo ei voi olla suurempi kuin 100." in page
    assert 'value="kolmekymmentä"' in page  # what was typed stays in the box
    assert "is not a number" not in page and "cannot be" not in page
    assert not Answer.objects.filter(response__municipality__code="927").exists()


def test_cross_field_rules_in_finnish(social, users):
    c = client_for(users["lohja"])
    page = c.post(
        f"{URL}/444/", form({**LOHJA, "sw-qualified": "30", "family-work-lsl": "300"})
    ).content.decode()
    assert (
        "Tämä on osa kohdasta “Lastensuojelun sosiaalityöntekijöiden virat 31.12. (htv)” eikä voi olla sitä suurempi."
        in page
    )
    assert "Tämän on oltava summa kohdista" in page and "eli 1200." in page


def test_submit_board_return_approve_profile(social, users):
    lohja, analyst = client_for(users["lohja"]), client_for(users["analyst"])
    assert lohja.post(f"{URL}/444/", form(LOHJA, "submit")).status_code == 302
    client_for(users["vihti"]).post(f"{URL}/927/", form({"caseload": "20"}))
    board = analyst.get(f"{URL}/board/").content.decode()
    assert (
        '<li data-status="submitted"><span class="state state-submitted">lähetetty</span> <strong>1</strong>'
        in board
    )
    assert (
        '<li data-status="draft"><span class="state state-draft">luonnos</span> <strong>1</strong>' in board
    )
    assert (
        '<li data-status="not_started"><span class="state state-not_started">ei aloitettu</span> <strong>6</strong>'
        in board
    )
    csv = analyst.get(f"{URL}/board/?missing=1&format=csv").content.decode("utf-8-sig")
    assert "927;Vihti;luonnos;kyllä;vihti;sosiaali@vihti.example" in csv and "kirjaamo@lohja" not in csv
    r = analyst.post(f"{URL}/444/", {"action": "return", "comment": "Tarkista sijoitettujen määrä."})
    assert r.status_code == 302
    page = lohja.get(f"{URL}/444/").content.decode()
    assert "Yksikkö palautti" in page and "Tarkista sijoitettujen määrä." in page
    lohja.post(f"{URL}/444/", form(LOHJA, "submit"))
    analyst.post(f"{URL}/444/", {"action": "approve"})
    assert Response.objects.get(municipality__code="444", round=social).status == "approved"
    profile = Client().get("/areas/municipality/444/").content.decode()
    assert "Lapsia sosiaalityöntekijää kohden" in profile and "31,5" in profile
    assert "Kunnan ilmoittamat luvut" in profile
    assert "Lasten ja perheiden sosiaalipalvelujen tila 2025 (vuoden 2025 luvut): lähettänyt lohja" in profile
    assert "hyväksynyt analyst" in profile


@pytest.mark.parametrize("method", ["get", "post"])
def test_editor_cannot_read_or_change_another_municipality_on_the_web(social, users, method):
    c = client_for(users["lohja"])
    services.save_answers(
        services.response_for(social, municipality("927")), {"caseload": "20"}, user=users["vihti"]
    )
    r = getattr(c, method)(f"{URL}/927/", form({"caseload": "99"}) if method == "post" else None)
    assert r.status_code == 403
    assert Answer.objects.get(field__key="caseload", response__municipality__code="927").value == "20"
    assert AuditEvent.objects.filter(kind="denied", path=f"{URL}/927/").exists()


def test_editor_cannot_download_another_municipality_as_excel(social, users):
    assert client_for(users["lohja"]).get(f"{URL}/927/form.xlsx").status_code == 403
    assert client_for(users["vihti"]).get(f"{URL}/927/form.xlsx").status_code == 200


def _filled(c: Client, code: str, values: dict[str, str]) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(c.get(f"{URL}/{code}/form.xlsx").content))
    ws = wb.active
    rows = {ws.cell(row=i, column=1).value: i for i in range(7, ws.max_row + 1)}
    for key, value in values.items():
        ws.cell(row=rows[key], column=6, value=value)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = f"{code}.xlsx"
    return out


def test_editor_cannot_import_an_excel_file_of_another_municipality(social, users):
    vihti_file = _filled(client_for(users["vihti"]), "927", {"caseload": "99"})
    lohja = client_for(users["lohja"])
    assert lohja.post(f"{URL}/444/import/", {"file": vihti_file}).status_code == 403  # file says 927
    vihti_file.seek(0)
    assert lohja.post(f"{URL}/927/import/", {"file": vihti_file}).status_code == 403
    assert not Answer.objects.filter(response__municipality__code="927").exists()


def test_excel_import_uses_the_same_checks(social, users):
    c = client_for(users["lohja"])
    bad = _filled(c, "444", {"caseload": "31,55"})
    page = c.post(f"{URL}/444/import/", {"file": bad}, follow=True).content.decode()
    assert "rivi" in page and "caseload" in page and "Anna enintään 1 desimaali" in page
    assert not Answer.objects.filter(response__municipality__code="444").exists()
    good = _filled(c, "444", {**LOHJA, "caseload": 31.5})
    c.post(f"{URL}/444/import/", {"file": good, "submit": "1"})
    r = Response.objects.get(round=social, municipality__code="444")
    assert r.status == "submitted" and r.events.first().via == "excel"


def test_viewer_follows_but_cannot_answer_or_approve(social, users):
    c = client_for(users["viewer"])
    assert c.get(f"{URL}/board/").status_code == 200
    assert c.post(f"{URL}/444/", form({"caseload": "1"})).status_code == 403
    assert c.post(f"{URL}/444/", {"action": "approve"}).status_code == 403
    assert client_for(users["lohja"]).get(f"{URL}/board/").status_code == 403


def test_the_form_in_swedish(social, users):
    c = client_for(users["lohja"])
    page = c.get(f"/sv{URL}/444/").content.decode()
    assert "Barn per socialarbetare" in page and "Spara utkast" in page and "Skicka till enheten" in page
    page = c.post(f"/sv{URL}/444/", form({"caseload": "trettio"})).content.decode()
    assert "“trettio” är inte ett tal. Skriv siffror med decimalkomma, t.ex. 12,5 eller 1 234,5." in page
    assert "ei ole luku" not in page
    c.post(f"/sv{URL}/444/", form({"caseload": "30,5"}))
    assert Response.objects.get(round=social, municipality__code="444").language == "sv"


def test_every_change_of_an_answer_is_shown_with_who_and_how(social, users):
    c = client_for(users["lohja"])
    c.post(f"{URL}/444/", form({"caseload": "30"}))
    c.post(f"{URL}/444/", {**form({"caseload": "31,5"}), "c-caseload": "Uusi virka täytettiin."})
    page = c.get(f"{URL}/444/").content.decode()
    assert "Jokainen vastausten muutos (2)" in page
    assert (
        "<td>Lapsia sosiaalityöntekijää kohden</td><td>30</td><td>31,5</td><td>Uusi virka täytettiin.</td><td>lohja (web)</td>"
        in page
    )


def test_analyst_builds_a_round_on_the_web_and_bad_field_settings_are_explained_in_finnish(users):
    c = client_for(users["analyst"])
    lohja, vihti = municipality("444"), municipality("927")
    r = c.post(
        "/collection/new/",
        {"slug": "kysely-2026", "name_fi": "Kysely 2026", "kind": "figures", "year": "2026", "deadline": "2027-01-31",
         "municipalities": [lohja.pk, vihti.pk], "change_threshold": "30"},
    )  # fmt: skip
    assert r.status_code == 302 and r["Location"] == "/collection/kysely-2026/"
    bad = {"field-key": "odotus", "field-kind": "number", "field-label_fi": "Odotusaika", "field-decimals": "0",
           "field-min_value": "10", "field-max_value": "1", "field-indicator": "sotkanet:127", "field-required": "on"}  # fmt: skip
    page = c.post("/collection/kysely-2026/", bad).content.decode()
    assert "Suurin sallittu arvo on pienintä pienempi." in page
    assert "Kirjoita indikaattori muodossa collection:&lt;nimi&gt;" in page
    ok = {**bad, "field-min_value": "0", "field-max_value": "365", "field-indicator": "collection:odotus"}
    assert c.post("/collection/kysely-2026/", ok).status_code == 302
    assert c.post("/collection/kysely-2026/open/").status_code == 302
    yaml_text = c.get("/collection/kysely-2026/round.yaml").content.decode()
    assert "indicator: collection:odotus" in yaml_text and "max: 365" in yaml_text
    r = c.post(
        "/collection/kysely-2026/copy/", {"slug": "kysely-2027", "year": "2027", "deadline": "2028-01-31"}
    )
    assert r.status_code == 302
    page = c.get("/collection/kysely-2027/").content.decode()
    assert "Kysely 2027" in page and "viime vuoden kierros" in page


def test_editors_cannot_create_rounds_or_see_the_board(users, social):
    c = client_for(users["lohja"])
    assert c.get("/collection/new/").status_code == 403
    assert c.get(f"{URL}/").status_code == 403
    assert c.get(f"{URL}/round.yaml").status_code == 403
    assert Client().get("/collection/").status_code == 302  # anonymous: to the sign-in page
