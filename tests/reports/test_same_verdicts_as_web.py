"""A municipality profile report says "significantly higher/lower" exactly where the web profile does.

Both take their comparisons from :func:`kasvu.profiles.build_profile`: the same tests, adjusted with
Benjamini–Hochberg over the same profile (every indicator against the same references).
"""

from __future__ import annotations

import csv
import io

import pytest

from kasvu.bank.models import Area
from kasvu.reports import data as report_data
from kasvu.reports import service
from kasvu.reports.document import Chapter, Report

YEAR = 2024
SIGNIFICANT = {"better", "worse", "higher", "lower"}
# The English labels of builders.common.verdict_text, as the web's assessments.
LABELS = {
    "higher (better)": "better",
    "lower (better)": "better",
    "higher (worse)": "worse",
    "lower (worse)": "worse",
    "higher": "higher",
    "lower": "lower",
    "no difference": "no_difference",
    "not testable": "not_testable",
    "": "not_testable",
}


def _sections(report: Report) -> dict[str, Chapter]:
    out: dict[str, Chapter] = {}
    for chapter in report.chapters:
        for sec in chapter.sections:
            out.setdefault(sec.key.removeprefix("indicator-"), sec)
    return out


def _report_verdicts(report: Report, ref_names: list[str]) -> dict[tuple[str, str], str]:
    """(indicator key, reference name) → assessment, from the note under each indicator's table."""
    out = {}
    for key, sec in _sections(report).items():
        note = sec.figures[0].table.notes[0]
        for part in note.split("; ")[: len(ref_names)]:
            head, _, label = part.partition(": ")
            out[(key, head.removeprefix("vs "))] = LABELS[label]
    return out


def _web_verdicts(client, area: Area, refs: list[Area]) -> dict[tuple[str, str], str]:
    query = "&".join(f"ref={r.key}" for r in refs)
    response = client.get(f"/en/areas/{area.kind}/{area.code}/?{query}&format=csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {(r["indicator"], r["reference"]): r["comparison"] for r in rows if r["reference"]}


@pytest.mark.parametrize("code", ["444", "257"])  # in 257 the adjustment turns one "lower" into none
def test_report_and_web_profile_give_the_same_verdicts(report_db, client, code):
    area = Area.objects.get(kind="municipality", code=code)
    refs = report_data.references_of(area, YEAR)
    # The report's default references are the web profile's (issue 15): region, county, country.
    from kasvu import profiles

    assert [r.id for r in refs] == [r.id for r in profiles.build_profile(area.id, until_year=YEAR).references]
    assert [r.kind for r in refs] == ["region", "county", "country"]
    names = [r.name("en") for r in refs]
    report = service.build(service.request_for("profile", code, YEAR, "en", public=True))
    web = _web_verdicts(client, area, refs)
    mine = _report_verdicts(report, names)
    assert mine, "the report shows no comparisons"
    assert {k: web[k] for k in mine} == mine

    # The narrative claims a difference where the verdict is significant and nowhere else: in the
    # indicator's own text and once in the summary.
    sections = _sections(report)
    expected = sorted(
        (key, ref)
        for (key, ref), assessment in mine.items()
        if assessment in SIGNIFICANT and not _suppressed(sections[key])
    )
    in_sections = sorted(
        (key, ref) for key, sec in sections.items() for ref in names if _claims(sec.paragraphs[0].text, ref)
    )
    assert in_sections == expected
    summary = next(c for c in report.chapters if c.key == "summary")
    by_title = sorted(((sec.heading, key) for key, sec in sections.items()), key=lambda t: -len(t[0]))
    in_summary = sorted(
        (next(key for title, key in by_title if f"{title}. " in p.text), ref)
        for p in summary.paragraphs
        for ref in names
        if _summary_claims(p.text, ref)
    )
    assert in_summary == expected


def _claims(text: str, ref: str) -> bool:
    return any(f"significantly {w} than in the reference area {ref}: " in text for w in ("higher", "lower"))


def _summary_claims(text: str, ref: str) -> bool:
    """The summary names the area first: "Lohja: 9.2% – worse than Uusimaa (9.9%)"."""
    return any(f"{w} than {ref} (" in text for w in ("better", "worse", "higher", "lower"))


def _suppressed(section: Chapter) -> bool:
    """The area's own value in the indicator's latest year is hidden: the report makes no statement."""
    return section.figures[0].table.rows[-1][1].suppressed
