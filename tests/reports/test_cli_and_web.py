"""The report command, user templates, batches, the follow-up report and the web page."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from kasvu.reports import batch, layouts, service

YEAR = 2024
PLAN = Path(__file__).resolve().parents[2] / "src/kasvu/data/plans/espoo_example.yaml"


def test_regional_report_from_the_command_line(report_db, tmp_path):
    out = io.StringIO()
    call_command(
        "report",
        "regional",
        "--group",
        "central-uusimaa",
        "--year",
        str(YEAR),
        "--lang",
        "sv",
        "--format",
        "xlsx",
        "--output",
        str(tmp_path),
        stdout=out,
    )
    path = Path(out.getvalue().strip())
    assert path.name == f"regional-central-uusimaa-{YEAR}-sv.xlsx"
    wb = openpyxl.load_workbook(str(path))
    assert wb.sheetnames[0] == "Uppgifter" and wb["Uppgifter"]["B4"].value == "sv"  # the sheet in Swedish


def test_unknown_group_and_format_give_a_clear_error(report_db, tmp_path):
    with pytest.raises(CommandError, match="kasvu areas list"):
        call_command("report", "regional", "--group", "nowhere", "--year", "2024", "--output", str(tmp_path))
    with pytest.raises(CommandError, match="use one or more of html, pdf, docx, xlsx"):
        call_command(
            "report",
            "profile",
            "--area",
            "444",
            "--year",
            "2024",
            "--format",
            "odt",
            "--output",
            str(tmp_path),
        )


def test_templates_list_and_copy_then_edit_without_python(report_db, tmp_path, settings):
    out = io.StringIO()
    call_command("report", "templates", "list", stdout=out)
    assert "default" in out.getvalue() and "bundled" in out.getvalue()
    mine = tmp_path / "templates"
    call_command("report", "templates", "copy", "default", str(mine / "municipal"), stdout=io.StringIO())
    assert (mine / "municipal" / "report.html.j2").exists() and (
        mine / "municipal" / "reference.docx"
    ).exists()
    (mine / "municipal" / "phrases.yaml").write_text("en:\n  introduction: About this profile\n", "utf-8")
    css = mine / "municipal" / "report.css"
    css.write_text(css.read_text("utf-8") + "\nh1.title { color: #7a0019; }\n", "utf-8")
    settings.KASVU = {**settings.KASVU, "REPORT_TEMPLATES": [mine]}  # KASVU_REPORT_TEMPLATES
    out = io.StringIO()
    call_command(
        "report",
        "profile",
        "--area",
        "444",
        "--year",
        str(YEAR),
        "--lang",
        "en",
        "--format",
        "html",
        "--template",
        "municipal",
        "--output",
        str(tmp_path / "out"),
        stdout=out,
    )
    index = Path(out.getvalue().strip())
    page = index.read_text("utf-8")
    assert "1 About this profile" in page
    assert "#7a0019" in (index.parent / "report.css").read_text("utf-8")
    with pytest.raises(CommandError, match="already exists"):
        call_command("report", "templates", "copy", "default", str(mine / "municipal"))


def test_profile_batch_in_worker_processes(report_db, tmp_path):
    template = layouts.find()
    codes = ["444", "927"]
    jobs = [
        (code, lambda c=code: service.build(service.request_for("profile", c, YEAR, "fi", template=template)))
        for code in codes
    ]
    result = batch.run(
        jobs, len(jobs), ["html", "xlsx"], tmp_path, template, workers=1, max_tasks=1, progress=False
    )
    assert not result.failed
    assert sorted(p.name for p in result.written) == sorted(
        [f"profile-{c}-{YEAR}-fi.xlsx" for c in codes] + ["index.html"] * 2
    )
    assert len(list((tmp_path / f"profile-444-{YEAR}-fi" / "charts").glob("*.svg"))) == 8


def test_followup_report_of_a_plan(report_db):
    from kasvu.plans.portable import import_plan

    plan = import_plan(PLAN.read_text("utf-8"))
    year = plan.follow_ups.order_by("-year").first().year if plan.follow_ups.exists() else plan.end_year
    template = layouts.find()
    report = service.build(service.request_for("followup", str(plan.pk), year, "fi", template=template))
    headings = [c.heading for c in report.chapters]
    assert headings[0] == "Johdanto" and "Oikeus osallisuuteen" in headings
    assert any(t.columns[0] == "Toimenpide" for t in report.tables())
    with pytest.raises(service.ReportNotAvailable, match="No plan with id"):
        service.build(service.request_for("followup", "999999", year, "fi", template=template))


def test_report_page_for_anonymous_users(report_db, client):
    page = client.get("/reports/")
    assert page.status_code == 200
    assert b"internal" not in page.content.lower()  # only signed-in users may ask for unsuppressed values
    response = client.post(
        "/reports/",
        {
            "kind": "regional",
            "group": "group:west-uusimaa",
            "year": YEAR,
            "lang": "fi",
            "format": "xlsx",
            "internal": "on",
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb["Tiedot"]["B6"].value.startswith("julkinen")


def test_report_page_validates_the_choice(report_db, client):
    response = client.post("/en/reports/", {"kind": "profile", "year": YEAR, "lang": "fi", "format": "pdf"})
    assert response.status_code == 200 and "Choose one" in response.content.decode()


def test_a_municipality_without_data_gets_a_clear_message(report_db, tmp_path):
    with pytest.raises(CommandError, match="No indicator has data for Helsinki up to 2024"):
        call_command("report", "profile", "--area", "091", "--year", "2024", "--output", str(tmp_path))
