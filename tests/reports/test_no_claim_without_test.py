"""No "ei eroa / skiljer sig inte / does not differ" where no test ran (issue 15).

With Finland's value missing, the regional report used to say "Alueen arvo ei eroa tilastollisesti
merkitsevästi koko maan arvosta yhdessäkään indikaattorissa" and "Yhdessäkään 8 kunnasta arvo ei eroa …
vertailualueesta Suomi" next to an empty Suomi row. Now it says why there is no comparison.
"""

from __future__ import annotations

import pytest

from kasvu.reports import narrative as nar
from kasvu.reports import service
from kasvu.reports.document import Report
from kasvu.stats.significance import NO_DIFFERENCE

YEAR = 2024
LANGS = ("fi", "sv", "en")
#: Every wording that says there is no difference, per language.
NO_DIFFERENCE_WORDS = {
    "fi": ("ei eroa",),
    "sv": ("skiljer sig inte",),
    "en": ("does not differ", "no statistically significant difference"),
}
COUNTRY = {"fi": "Suomi", "sv": "Finland", "en": "Finland"}
WHY = {
    "fi": "Aluetta ei voitu verrata koko maahan",
    "sv": "Området kunde inte jämföras med hela landet",
    "en": "The area could not be compared with the whole country",
}


def _texts(report: Report) -> list[str]:
    out = []
    for chapter in report.chapters:
        for ch in chapter.walk():
            out += [p.text for p in ch.paragraphs]
            out += [n for t in ch.tables for n in t.notes]
            out += [n for f in ch.figures if f.table for n in f.table.notes]
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in text.replace(". ", ".\n").splitlines() if s.strip()]


@pytest.mark.parametrize("lang", LANGS)
def test_no_difference_is_never_said_of_a_missing_or_hidden_value(lang):
    area = nar.Estimate("Vihti", 11.3, 10.0, 12.6, 2024)
    m = nar.Measure("%", 1, "lower_better")
    for ref in (nar.Estimate("Suomi", None), nar.Estimate("Suomi", None, suppressed=True)):
        text = nar.comparison_sentence(area, ref, NO_DIFFERENCE, m, lang)
        assert "Suomi" in text
        assert not any(w in text for w in NO_DIFFERENCE_WORDS[lang]), text
    for reason in ("missing", "hidden"):
        text = nar.count_sentences([], [], 8, "Suomi", lang, ref_reason=reason)
        assert "Suomi" in text and not any(w in text for w in NO_DIFFERENCE_WORDS[lang]), text
    # Of 8 municipalities, 5 tested: "none differs" is said of the 5, and the 3 are named as untested.
    text = nar.count_sentences([], [], 8, "Suomi", lang, tested=5)
    assert "5" in text and "3" in text


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_regional_report_without_finland_says_why_not_that_nothing_differs(report_db, lang):
    from kasvu.bank.models import Area, Observation
    from kasvu.readmodel import clear_caches

    Observation.objects.filter(area__kind="country").delete()
    clear_caches()
    report = service.build(service.request_for("regional", "west-uusimaa", YEAR, lang, public=True))
    country = COUNTRY[lang]
    said = [s for t in _texts(report) for s in _sentences(t)]
    wrong = [s for s in said if country in s and any(w in s for w in NO_DIFFERENCE_WORDS[lang])]
    assert wrong == []
    summary = next(c for c in report.chapters if c.key == "summary")
    assert any(WHY[lang] in p.text for p in summary.paragraphs)
    assert Area.objects.filter(kind="country").exists()
