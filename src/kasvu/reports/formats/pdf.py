"""The report as PDF, printed by WeasyPrint from the template's HTML: table of contents with page numbers,
running headers (report and chapter title), page numbers, bookmarks from the headings, and PDF/UA-1
tagging (WeasyPrint's ``pdf_variant="pdf/ua-1"``, which also turns on ``pdf_tags``)."""

from __future__ import annotations

import logging

from kasvu.reports.document import Report
from kasvu.reports.formats.html import render, svg_data_uri
from kasvu.reports.layouts import Template

PDF_VARIANT = "pdf/ua-1"


def pdf_bytes(report: Report, template: Template) -> bytes:
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    page = render(report, template, mode="pdf", image=svg_data_uri)
    doc = weasyprint.HTML(string=page, base_url=str(template.path))
    return bytes(doc.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, custom_metadata=True))
