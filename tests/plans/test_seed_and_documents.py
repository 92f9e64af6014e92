"""The Espoo example imports as it is; the plan and follow-up documents carry the goals in fi and sv."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

import kasvu
from kasvu.plans import documents
from kasvu.plans.models import ActionFollowUp, FollowUp, Goal, Plan
from kasvu.plans.overview import plan_overview
from kasvu.plans.portable import export_plan, import_plan

from .conftest import load_values

pytestmark = pytest.mark.django_db

SEED = Path(kasvu.__file__).parent / "data" / "plans" / "espoo_example.yaml"


def body(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


def test_espoo_example_imports_with_every_right_and_eight_implementation_goals(capsys):
    call_command("plan", "import", str(SEED))
    plan = Plan.objects.get()
    assert export_plan(plan) == body(SEED.read_text(encoding="utf-8"))
    rights = {k for g in plan.goals.filter(kind="outcome") for k in g.rights}
    assert rights == {"equality", "care", "participation", "health", "safety", "learning", "leisure"}
    implementation = plan.goals.filter(kind="implementation")
    assert implementation.count() == 8
    assert implementation.first().requirements.exists()
    assert plan.review_due.isoformat() == "2025-06-14"


def test_espoo_example_statuses_follow_demo_data():
    plan = import_plan(SEED.read_text(encoding="utf-8"))
    load_values(
        [("049", 2019, 93.3), ("049", 2023, 95.5)], key="demo:weekly-hobby", direction="higher_better"
    )
    overview = plan_overview(plan, "fi")
    leisure = next(s for s in overview.rights if s.key == "leisure")
    assert leisure.goals[0].indicators[0].status == "reached"
    assert leisure.assessments and leisure.assessments[0].level == 3
    poverty = next(iv for iv in overview.statuses.values() if iv.link.indicator.key == "demo:child-poverty")
    assert poverty.status == "no_data"  # no values loaded


@pytest.fixture
def espoo():
    plan = import_plan(SEED.read_text(encoding="utf-8"))
    fu = FollowUp.objects.create(
        plan=plan, year=2023, summary_fi="Ohjausryhmä aloitti", summary_sv="Styrgruppen började"
    )
    action = Goal.objects.get(plan=plan, kind="implementation", order=17).actions.first()
    ActionFollowUp.objects.create(
        follow_up=fu,
        action=action,
        status="done",
        narrative_fi="Kokoontui 6 kertaa",
        narrative_sv="Sammanträdde 6 gånger",
    )
    return plan


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    )


@pytest.mark.parametrize(
    ("lang", "goal", "heading"),
    [
        (
            "fi",
            "Kaikilla lapsilla ja nuorilla on mahdollisuus vähintään yhteen harrastukseen.",
            "Oikeus vapaa-aikaan",
        ),
        ("sv", "Alla barn och unga har möjlighet till minst en hobby.", "Rätt till fritid och motion"),
    ],
)
def test_plan_pdf_and_docx_carry_goals(espoo, lang, goal, heading):
    data, kind = documents.render(espoo, lang=lang, fmt="pdf")
    assert kind == documents.PDF
    text = pdf_text(data)
    assert goal in text and heading in text and espoo.title(lang) in text
    data, kind = documents.render(espoo, lang=lang, fmt="docx")
    doc = Document(io.BytesIO(data))
    headings = [
        (p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert ("Title", espoo.title(lang)) in headings
    assert any(style == "Heading 2" and text.startswith(heading) for style, text in headings)
    assert any(style == "Heading 3" and text.endswith(goal) for style, text in headings)
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert any("Kaupunginvaltuusto" in c for c in cells)


@pytest.mark.parametrize(("lang", "note"), [("fi", "Kokoontui 6 kertaa"), ("sv", "Sammanträdde 6 gånger")])
def test_follow_up_report_carries_the_year_and_narratives(espoo, lang, note):
    text = pdf_text(documents.render(espoo, lang=lang, fmt="pdf", year=2023)[0])
    assert "2023" in text and note in text
    doc = Document(io.BytesIO(documents.render(espoo, lang=lang, fmt="docx", year=2023)[0]))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert note in cells
    assert any(p.style.name == "Title" and "2023" in p.text for p in doc.paragraphs)


def test_documents_download_for_anonymous_when_approved(espoo):
    response = Client().get(reverse("plans:document", args=[espoo.pk, "sv", "docx"]))
    assert response.status_code == 200 and response["Content-Type"] == documents.DOCX
