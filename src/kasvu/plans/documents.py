"""The council-ready plan and the yearly follow-up report, as PDF and DOCX, in Finnish or Swedish.

One arrangement (:func:`kasvu.plans.overview.plan_overview`) feeds both: the PDF
is an HTML template printed by WeasyPrint; the DOCX is written with
python-docx using Word's own heading styles, so that the document outline and
a table of contents work in Word.
"""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kasvu.labels import date_label
from kasvu.numbers import format_decimal
from kasvu.plans.models import ActionFollowUp, Plan
from kasvu.plans.overview import GoalView, Overview, plan_overview

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def context(plan: Plan, lang: str, year: int | None) -> dict[str, Any]:
    overview = plan_overview(plan, lang, year=year)
    follow_up = plan.follow_ups.filter(year=year).first() if year else None
    action_notes: dict[int, ActionFollowUp] = {}
    if follow_up is not None:
        action_notes = {a.action_id: a for a in follow_up.actions.all()}
    return {
        "plan": plan,
        "lang": lang,
        "year": year,
        "overview": overview,
        "follow_up": follow_up,
        "action_notes": action_notes,
        "areas": ", ".join(a.name(lang) for a in plan.areas.all()),
        "title": plan.title(lang),
    }


def render(plan: Plan, *, lang: str, fmt: str, year: int | None = None) -> tuple[bytes, str]:
    """The plan (``year`` None) or its follow-up report of ``year`` as (bytes, content type)."""
    with translation.override(lang):
        ctx = context(plan, lang, year)
        if fmt == "pdf":
            return pdf(ctx), PDF
        return docx(ctx), DOCX


def pdf(ctx: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("plans/document.html", ctx)
    return bytes(HTML(string=html).write_pdf())


def _status_text(status: str) -> str:
    from kasvu.plans.models import TargetStatus

    return str(TargetStatus(status).label) if status in TargetStatus.values else status


def _action_rows(gv: GoalView, ctx: dict[str, Any]) -> list[list[str]]:
    lang = ctx["lang"]
    rows = []
    for action in gv.actions:
        note = ctx["action_notes"].get(action.id)
        schedule = " – ".join(date_label(d, lang) for d in (action.start, action.end) if d)
        row = [action.description(lang), action.owner, schedule]
        if ctx["year"]:
            row += [str(note.get_status_display()) if note else "", note.narrative(lang) if note else ""]
        else:
            row += [
                action.resources,
                "" if action.budget_eur is None else f"{action.budget_eur:,.0f} €".replace(",", " "),
            ]
        rows.append(row)
    return rows


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _goal_docx(doc: Any, gv: GoalView, ctx: dict[str, Any], level: int) -> None:
    doc.add_heading(f"{gv.number}. {gv.statement}", level=level)
    if gv.rights:
        doc.add_paragraph(_("Rights: %(rights)s") % {"rights": ", ".join(gv.rights)})
    for req in gv.requirements:
        doc.add_paragraph(req, style="List Bullet")
    if gv.actions:
        if ctx["year"]:
            header = [
                pgettext("plan", "Action"),
                _("Responsible"),
                _("Schedule"),
                _("Status"),
                _("How it went"),
            ]
        else:
            header = [
                pgettext("plan", "Action"),
                _("Responsible"),
                _("Schedule"),
                _("Resources"),
                _("Budget"),
            ]
        _table(doc, header, _action_rows(gv, ctx))
    if gv.indicators:
        rows = [
            [
                iv.title,
                iv.area,
                _fmt(iv.link.baseline_value, iv.link.baseline_year, ctx["lang"]),
                _fmt(iv.link.target_value, iv.link.target_year, ctx["lang"]),
                _fmt(iv.computed.latest.value, iv.computed.latest.year, ctx["lang"])
                if iv.computed.latest
                else "–",
                _status_text(iv.status) + (f" ({iv.override.reason})" if iv.override else ""),
            ]
            for iv in gv.indicators
        ]
        _table(doc, [_("Indicator"), _("Area"), _("Baseline"), _("Target"), _("Latest"), _("Status")], rows)


def _fmt(value: float | None, year: int | None, lang: str) -> str:
    """ "95,5 (2025)": the value as it was typed, in the document's language."""
    if value is None:
        return "–"
    return format_decimal(value, lang) + (f" ({year})" if year else "")


def docx(ctx: dict[str, Any]) -> bytes:
    from docx import Document

    overview: Overview = ctx["overview"]
    plan: Plan = ctx["plan"]
    from kasvu.reports.formats.word import number_pages

    doc = Document()
    doc.core_properties.title = ctx["title"]
    doc.core_properties.language = ctx["lang"]
    number_pages(doc, ctx["title"])
    heading = (
        ctx["title"]
        if not ctx["year"]
        else _("Follow-up %(year)s: %(title)s")
        % {
            "year": ctx["year"],
            "title": ctx["title"],
        }
    )
    doc.add_heading(heading, level=0)
    meta = [
        (_("Municipalities"), ctx["areas"]),
        (_("Period"), f"{plan.start_year}–{plan.end_year}"),
        (_("Approved by"), plan.approved_by),
        (_("Approved on"), date_label(plan.approved_on, ctx["lang"])),
        (_("Next review due"), date_label(plan.review_due, ctx["lang"])),
    ]
    _table(doc, [_("Plan"), ""], [[k, v] for k, v in meta if v])
    if ctx["follow_up"] is not None and ctx["follow_up"].summary(ctx["lang"]):
        doc.add_heading(_("Summary"), level=1)
        doc.add_paragraph(ctx["follow_up"].summary(ctx["lang"]))
    doc.add_heading(_("Client-level goals by the seven rights"), level=1)
    for section in overview.rights:
        if not section.goals and not section.assessments:
            continue
        doc.add_heading(section.label, level=2)
        for gv in section.goals:
            _goal_docx(doc, gv, ctx, 3)
        if section.assessments:
            _table(
                doc,
                [_("Self-assessment"), _("Level"), _("Description of the level")],
                [
                    [
                        sa.title(ctx["lang"]),
                        str(sa.level or "–"),
                        sa.level_text(sa.level, ctx["lang"]) if sa.level else "",
                    ]
                    for sa in section.assessments
                ],
            )
    if overview.implementation:
        doc.add_heading(_("Implementation goals"), level=1)
        for gv in overview.implementation:
            _goal_docx(doc, gv, ctx, 2)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
