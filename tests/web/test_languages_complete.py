"""Finnish and Swedish pages, forms and plan documents contain no English: units, sources, notes,
form labels, plan statuses and dates come through gettext or kasvu.labels (they were "(per 1,000)",
"persons", "Source: THL, Sotkanet.fi", "Retrieved 2013-09-08.", "Goal:", "no latest value", ISO dates)."""

from __future__ import annotations

import html
import io
import re

import docx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from kasvu.accounts.models import Profile, Role
from kasvu.classification import data_path
from kasvu.labels import attribution_label, date_label, note_label, unit_label
from kasvu.plans.models import GoalIndicator, Plan

from .conftest import load_archive

pytestmark = pytest.mark.django_db

#: Words and phrases that are English and neither Finnish nor Swedish (nor a name): any of them in a
#: Finnish or Swedish page is a missing translation.
ENGLISH = re.compile(
    r"\b(the|and|with|of|not real|persons|hours|days|per 1,000|per 10,000|per 100,000|Gini coefficient|"
    r"inhabitant|working age|Source|Retrieved|Statistics Finland|Generated|generated|Goal|Indicator|"
    r"Area|no latest value|no target|has no direction|Forbidden|Page not found|Sign in|Sign out|"
    r"Download|Compare|Search|Save|Update|none|overdue|review due)\b"
)

PAGES = [
    "/",
    "/areas/",
    "/areas/municipality/444/?ref=group:west-uusimaa&ref=region:01",
    "/areas/group/west-uusimaa/",
    "/indicators/",
    "/indicators/demo:placed-outside-home/?area=municipality:444",
    "/indicators/sotkanet:127/?area=municipality:444",
    "/compare/?area=municipality:444&area=municipality:927",
    "/search/?q=lohja",
    "/plans/",
    "/bank/",
    "/reports/",
    "/surveys/",
    "/no-such-page/",
]
SIGNED_IN = ["/plans/{plan}/", "/plans/{plan}/follow-up/2024/", "/plans/{plan}/indicator/{link}/",
             "/plans/{plan}/action/new/", "/plans/{plan}/requirement/new/", "/plans/new/"]  # fmt: skip


def visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|svg|head)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]*\blang=\"en\"[^>]*>.*?</[a-z]+>", " ", page)  # the "English" language button
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def english_in(text: str) -> list[str]:
    return sorted(
        {f"{m.group(0)!r} in …{text[max(0, m.start() - 40) : m.end() + 30]}…" for m in ENGLISH.finditer(text)}
    )


@pytest.fixture
def plan_site(demo_data):
    load_archive(
        ("sotkanet:4", "sotkanet:3126", "sotkanet:451")
    )  # units "per 1,000", Gini, euros per inhabitant
    call_command("plan", "import", str(data_path("plans", "espoo_example.yaml")), verbosity=0)
    user = get_user_model().objects.create_user("koordinaattori", password="a-long-test-password-1")
    Profile.objects.create(user=user, role=Role.REGIONAL_ADMIN)
    plan = Plan.objects.get()
    link = GoalIndicator.objects.filter(goal__plan=plan).first()
    signed_in = Client()
    signed_in.force_login(user)
    return plan, link, signed_in


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_english_on_any_page_form_or_plan_document(plan_site, lang):
    plan, link, signed_in = plan_site
    prefix = "" if lang == "fi" else f"/{lang}"
    found: dict[str, list[str]] = {}
    for url in PAGES:
        response = Client().get(prefix + url)
        assert response.status_code in (200, 403, 404), url
        found[url] = english_in(visible_text(response.content.decode()))
    for url in SIGNED_IN:
        url = url.format(plan=plan.pk, link=link.pk)
        response = signed_in.get(prefix + url)
        assert response.status_code == 200, url
        found[url] = english_in(visible_text(response.content.decode()))
    for doc_url in (
        f"/plans/{plan.pk}/plan-{lang}.docx",
        f"/plans/{plan.pk}/follow-up/2024/report-{lang}.docx",
    ):
        document = docx.Document(io.BytesIO(signed_in.get(doc_url).content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        text = " ".join([p.text for p in document.paragraphs] + cells)
        found[doc_url] = english_in(text)
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), f"ISO date in {doc_url}"
    assert {url: words for url, words in found.items() if words} == {}
    profile = visible_text(Client().get(f"{prefix}/areas/municipality/444/").content.decode())
    assert "(‰)" in profile and {"fi": "Gini-kerroin × 100", "sv": "Ginikoefficient × 100"}[lang] in profile
    page = visible_text(Client().get(f"{prefix}/indicators/sotkanet:127/").content.decode())
    assert {"fi": "Haettu 8.9.2013.", "sv": "Hämtad 8.9.2013."}[lang] in page
    assert {"fi": "Lähde: THL, Sotkanet.fi", "sv": "Källa: THL, Sotkanet.fi"}[lang] in page


def test_units_sources_notes_and_dates_in_three_languages():
    assert [unit_label("per 1,000", lang) for lang in ("fi", "sv", "en")] == ["‰", "‰", "per 1,000"]
    assert unit_label("persons", "fi") == "henkilöä" and unit_label("days", "sv") == "dagar"
    assert unit_label("Gini coefficient × 100", "fi") == "Gini-kerroin × 100"
    assert unit_label("käyntiä", "sv") == "käyntiä"  # a user's own unit is kept as typed
    assert attribution_label("Source: THL, Sotkanet.fi", "fi") == "Lähde: THL, Sotkanet.fi"
    assert attribution_label("Source: Statistics Finland", "sv") == "Källa: Statistikcentralen"
    assert attribution_label("Generated demo data (kasvu), not real", "fi").startswith(
        "Generoitu demoaineisto"
    )
    assert note_label({"en": "Retrieved 2013-09-08. Weights: labour force."}, "fi") == "Haettu 8.9.2013."
    assert note_label({"en": "Retrieved 2013-09-08."}, "en") == "Retrieved 2013-09-08."
    assert date_label("2025-06-14", "sv") == "14.6.2025" and date_label("2025-06-14", "en") == "14 June 2025"


def test_collected_figures_are_attributed_in_the_readers_language():
    text = "Source: the municipalities' own figures, collected by the regional unit"
    assert attribution_label(text, "fi") == "Lähde: kuntien omat luvut, kerännyt alueen yksikkö"
    assert attribution_label(text, "sv").startswith("Källa: kommunernas egna siffror")


def pdf_text(data: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it (what a reader copies out of it)."""
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode())


def html_text(zipped: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(zipped)) as folder:
        pages = [folder.read(n).decode() for n in folder.namelist() if n.endswith(".html")]
    return " ".join(visible_text(page) for page in pages)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_english_in_the_reports_html_or_pdf(plan_site, lang):
    """The regional report, a municipality's profile report and a plan's follow-up report, as HTML and as
    the PDF's text (pdftotext), and the plan's own PDFs: no English word in Finnish or Swedish (the
    sources were "Lähde: Generated demo data (kasvu), not real" and "Lähde: Source: THL, Sotkanet.fi")."""
    from kasvu.reports import layouts, service
    from kasvu.reports.formats import to_bytes

    plan, _link, signed_in = plan_site
    template = layouts.find()
    found: dict[str, list[str]] = {}
    for pdf_url in (
        f"/plans/{plan.pk}/plan-{lang}.pdf",
        f"/plans/{plan.pk}/follow-up/2024/report-{lang}.pdf",
    ):
        found[pdf_url] = english_in(pdf_text(signed_in.get(pdf_url).content))
    for kind, target in (("regional", "west-uusimaa"), ("profile", "444"), ("followup", str(plan.pk))):
        report = service.build(service.request_for(kind, target, 2024, lang, template=template))
        found[f"{kind} html"] = english_in(html_text(to_bytes(report, "html", template)[0]))
        report = service.build(service.request_for(kind, target, 2024, lang, template=template))
        text = pdf_text(to_bytes(report, "pdf", template)[0])
        found[f"{kind} pdf"] = english_in(text)
        assert len(text) > 500, f"{kind} pdf has no text"
    left = {what: words for what, words in found.items() if words}
    assert left == {}, "\n".join(f"{what}: {word}" for what, words in left.items() for word in words)
