"""Reports: the yearly regional report, municipality profiles and plan follow-ups.

A report is plain data (:mod:`kasvu.reports.document`) filled by a builder
(:mod:`kasvu.reports.builders`) and written by one of the formats in
:mod:`kasvu.reports.formats` (HTML folder, PDF, DOCX, XLSX) through a layout
template that users can copy and edit (:mod:`kasvu.reports.layouts`).
See ``docs/reports.md``.
"""
