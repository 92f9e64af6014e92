"""The report as DOCX for staff to edit: Word's own styles (Title, Heading 1/2, Caption, Light List tables),
a table of contents field that Word fills in on opening, the report title in the header, page numbers in
the footer, and charts as PNG pictures with their alt text (``docPr/@descr``; python-docx cannot embed
SVG). A template's ``reference.docx`` supplies the styles when present."""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from kasvu.reports.document import Chapter, Figure, Report, Table
from kasvu.reports.formats.html import outline
from kasvu.reports.layouts import Template

TABLE_STYLES = ("Light List Accent 1", "Light List", "Table Grid")
TOC_TEXT = {
    "fi": ("Sisällys", "Päivitä sisällysluettelo: napsauta hiiren oikealla ja valitse Päivitä kenttä."),
    "sv": ("Innehåll", "Uppdatera innehållsförteckningen: högerklicka och välj Uppdatera fält."),
    "en": ("Contents", "Update the table of contents: right-click and choose Update Field."),
}


def _field(paragraph: Any, instruction: str, placeholder: str = "") -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def number_pages(document: Any, header: str) -> None:
    """The title in the header and the page number in the footer of every page (also plan documents)."""
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")


def _new_document(template: Template) -> Any:
    ref = template.file("reference.docx")
    document = docx.Document(str(ref)) if ref else docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    return document


def _style(document: Any, names: tuple[str, ...]) -> str:
    available = {s.name for s in document.styles}
    return next((n for n in names if n in available), "Normal")


def _table(document: Any, t: Table) -> None:
    document.add_paragraph(t.caption, style="Caption")
    table = document.add_table(rows=1, cols=len(t.columns))
    table.style = _style(document, TABLE_STYLES)
    for i, name in enumerate(t.columns):
        table.rows[0].cells[i].text = name
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for row in t.rows:
        cells = table.add_row().cells
        for i, cell in enumerate(row):
            cells[i].text = cell.text
            if i in t.numeric:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for note in t.notes:
        p = document.add_paragraph(note)
        for run in p.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(0x56, 0x60, 0x6B)


def _figure(document: Any, fig: Figure, width_cm: float) -> None:
    if fig.png:
        document.add_paragraph()
        shape = document.paragraphs[-1].add_run().add_picture(io.BytesIO(fig.png), width=Cm(width_cm))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", fig.alt_text)
        doc_pr.set("title", fig.caption[:250])
    document.add_paragraph(fig.caption, style="Caption")
    if fig.table is not None:
        _table(document, fig.table)


def _chapter(document: Any, ch: Chapter, level: int, numbers: dict[int, str]) -> None:
    document.add_heading(f"{numbers[id(ch)]} {ch.heading}", level=level)
    for p in ch.paragraphs:
        para = document.add_paragraph(p.text)
        if p.kind in ("warning", "note", "generated"):
            for run in para.runs:
                run.italic = True
    for fig in ch.figures:
        _figure(document, fig, 16.0)
    for fig in ch.maps:
        _figure(document, fig, 11.0)
    for t in ch.tables:
        _table(document, t)
    for sub in ch.sections:
        _chapter(document, sub, min(level + 1, 3), numbers)


def docx_bytes(report: Report, template: Template) -> bytes:
    document = _new_document(template)
    props = document.core_properties
    props.title = report.title
    props.subject = report.subtitle
    props.language = report.language
    props.author = "kasvu"
    number_pages(document, report.title)

    document.add_paragraph(report.title, style="Title")
    if report.subtitle:
        document.add_paragraph(report.subtitle, style=_style(document, ("Subtitle", "Normal")))
    for notice in report.notices:
        document.add_paragraph(notice).runs[0].bold = True
    heading, hint = TOC_TEXT.get(report.language, TOC_TEXT["en"])
    document.add_paragraph().add_run(heading).bold = True
    _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', hint)
    document.add_page_break()
    _, by_chapter = outline(report)
    numbers = {k: v.number for k, v in by_chapter.items()}
    for ch in report.chapters:
        _chapter(document, ch, 1, numbers)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
