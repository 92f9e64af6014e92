"""The regional report in every format, checked against the numbers in the database."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from kasvu.bank.models import Area, Indicator, Observation
from kasvu.reports import formatting as fmt
from kasvu.reports import layouts, service
from kasvu.reports.formats import to_bytes, write
from kasvu.stats.intervals import wilson_interval

GROUP = "west-uusimaa"
YEAR = 2024
KEY = "demo:placed-outside-home"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture(scope="module")
def files(demo_data, django_db_blocker, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("regional")
    with django_db_blocker.unblock():
        template = layouts.find()
        report = service.build(service.request_for("regional", GROUP, YEAR, "fi", template=template))
        paths = write(report, ["html", "pdf", "docx", "xlsx"], out, template)
    return {p.suffix.lstrip(".") or "html": p for p in paths}


def _group_value(key: str, year: int = YEAR) -> tuple[float, float, float]:
    """The group's value and Wilson interval, summed here from the members' stored counts."""
    group = Area.objects.get(kind="group", code=GROUP)
    ind = Indicator.objects.get(key=key)
    rows = Observation.objects.filter(
        indicator=ind, year=year, breakdown_id=1, area__group_links__group=group
    )
    x = sum(r.numerator for r in rows)
    n = sum(r.denominator for r in rows)
    iv = wilson_interval([x], [n], scale=ind.scale)
    return x / n * ind.scale, float(iv.lower[0]), float(iv.upper[0])


def test_pdf_has_pages_toc_and_the_numbers_of_the_database(files, report_db, tmp_path):
    pdf = files["pdf"]
    reader = PdfReader(str(pdf))
    assert len(reader.pages) > 10
    text = _norm("\n".join(page.extract_text() for page in reader.pages))
    value, lo, hi = _group_value(KEY)
    expected = _norm(fmt.value_with_interval(value, lo, hi, "%", 1, "fi"))
    assert f"Länsi-Uusimaa: {expected} vuonna {YEAR}" in text
    assert "Sisällys" in text and "Liite: tietojen alkuperä" in text
    assert "Generoitu demoaineisto, ei todellinen" in text
    assert "CC BY 4.0" in text  # population from Statistics Finland
    # Tagged for accessibility (PDF/UA-1 via WeasyPrint) and titled.
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert reader.metadata.title.startswith("Lasten, nuorten ja perheiden palvelut")
    # Pages render to images (smoke check of the layout).
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed (Debian's poppler-utils; make test installs it as root)")
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "6", str(pdf), str(tmp_path / "p")], check=True
    )
    assert len(list(tmp_path.glob("p-*.png"))) == 6


def test_docx_uses_word_styles_and_shows_the_numbers(files, report_db):
    document = docx.Document(str(files["docx"]))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Caption"} <= styles
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1 Johdanto" and headings[-1].endswith("Liite: tietojen alkuperä")
    assert any(t.style.name in ("Light List Accent 1", "Light List", "Table Grid") for t in document.tables)
    # The West Uusimaa members' stored values are in the table of the indicator.
    ind = Indicator.objects.get(key=KEY)
    table = next(
        t
        for t in document.tables
        if t.rows[0].cells[0].text == "Alue"
        and any("Hanko" in r.cells[0].text for r in t.rows)
        and ind.title_fi in _caption_before(document, t)
    )
    lohja = Observation.objects.get(
        indicator=ind, area__kind="municipality", area__code="444", year=YEAR, breakdown_id=1
    )
    row = next(r for r in table.rows if r.cells[0].text == "Lohja")
    assert row.cells[1].text == fmt.number(lohja.value, 1, "fi")
    # Pictures carry their alt text.
    descr = [el.get("descr") for el in document.element.body.iter() if el.tag.endswith("}docPr")]
    assert descr and all(descr) and any("Pylväskuvio" in d for d in descr)


def _caption_before(document, table) -> str:
    body = list(document.element.body)
    i = body.index(table._tbl)
    prev = body[i - 1]
    return "".join(t.text or "" for t in prev.iter() if t.tag.endswith("}t"))


def test_suppressed_values_print_as_dash_with_a_footnote(files, report_db):
    hidden = Observation.objects.filter(
        year=YEAR, breakdown_id=1, area__kind="municipality", area__group_links__group__code=GROUP
    ).exclude(suppressed=0)
    assert hidden.exists(), "the demo data has small numbers in West Uusimaa"
    document = docx.Document(str(files["docx"]))
    full = _norm("\n".join(p.text for p in document.paragraphs))
    for obs in hidden.select_related("indicator", "area"):
        table = next(
            t
            for t in document.tables
            if obs.indicator.title_fi in _caption_before(document, t) and t.rows[0].cells[0].text == "Alue"
        )
        row = next(r for r in table.rows if r.cells[0].text == obs.area.name_fi)
        assert row.cells[1].text == "–" and row.cells[2].text == "–"
        assert fmt.number(obs.value, 1, "fi") not in {c.text for c in row.cells}
    assert "arvoa ei julkaista tietosuojan vuoksi" in full


def test_xlsx_has_a_sheet_per_table_and_metadata(files, report_db):
    wb = openpyxl.load_workbook(str(files["xlsx"]))
    assert wb.sheetnames[0] == "Tiedot"  # the metadata sheet in the report's language (was English)
    meta = wb["Tiedot"]
    cells = [str(c.value) for row in meta.iter_rows() for c in row if c.value is not None]
    assert (
        "Tietojen alkuperä" in cells
        and "CC BY 4.0" in cells
        and any("generoitu demoaineisto, ei todellinen" in c for c in cells)
    )
    assert not {"Provenance", "Indicator", "Retrieved", "Licence", "Sheets"} & set(cells)
    for name in wb.sheetnames[1:]:  # "3 Lasten …": cut at a word, never mid-word
        caption = re.sub(r"^\w+ \d+[.:]\s*", "", str(wb[name]["A1"].value or ""))
        caption = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", caption)).strip()
        shown = name.split(" ", 1)[1]
        if not re.search(r" \(\d+\)$", name):
            assert caption.startswith(shown) and caption[len(shown) : len(shown) + 1] in (
                "",
                " ",
                ",",
                ";",
                ":",
                "–",
            ), name
    assert len(wb.sheetnames) > 10
    ind = Indicator.objects.get(key=KEY)
    ws = next(wb[n] for n in wb.sheetnames if ind.title_fi[:20] in str(wb[n]["A1"].value))
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, ws.max_row + 1)}
    value, lower, upper = _group_value(KEY)
    assert values["Länsi-Uusimaa"] == pytest.approx(value)
    assert isinstance(values["Lohja"], float)
    header = [ws.cell(3, c).value for c in range(1, ws.max_column + 1)]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "Länsi-Uusimaa")
    ends = [
        ws.cell(row, c).value
        for c, h in enumerate(header, start=1)
        if "alaraja" in str(h) or "yläraja" in str(h)
    ]
    assert ends == [pytest.approx(lower, abs=0.05), pytest.approx(upper, abs=0.05)]  # numbers, not "1,4–5,3"
    assert ws.cell(row, 2).number_format == "0.0"  # one decimal, as the indicator has: 5,5 is not shown as 6


def test_html_folder_is_self_contained(files, report_db):
    index = files["html"]
    page = index.read_text("utf-8")
    assert '<html lang="fi">' in page
    charts = list((index.parent / "charts").glob("*.svg"))
    assert len(charts) >= 9
    assert all(f'src="charts/{c.name}"' in page for c in charts)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert all("alt=" in img for img in re.findall(r"<img[^>]*>", page))
    assert (index.parent / "report.css").exists()


def test_html_download_is_a_zip(report_db):
    template = layouts.find()
    report = service.build(
        service.request_for("regional", GROUP, YEAR, "en", indicators=[KEY], template=template)
    )
    body, content_type, name = to_bytes(report, "html", template)
    assert content_type == "application/zip" and name.endswith(".zip")
    import io

    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert f"{report.slug}/index.html" in names and any(n.endswith(".svg") for n in names)
