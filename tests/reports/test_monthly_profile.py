"""A municipality profile report of a monthly indicator (issue 17): the latest month, named in the
report's language, with its value (a spec-built monthly PX, as tests/web/test_periods_pages.py)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kasvu.reports import layouts, service
from kasvu.reports.formats import write

KEY = "statfin:99zz:lkm"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " "))


@pytest.mark.parametrize(
    ("lang", "label", "number"),
    [("fi", "joulukuu 2024", "2 230"), ("sv", "december 2024", "2 230"), ("en", "December 2024", "2,230")],
)
def test_profile_report_shows_a_monthly_indicator_in_its_latest_month(monthly, tmp_path, lang, label, number):
    template = layouts.find()
    report = service.build(
        service.request_for("profile", "municipality:091", 2024, lang, indicators=[KEY], template=template)
    )
    paths = write(report, ["html", "pdf"], tmp_path, template)
    html = next(p for p in paths if p.suffix == ".html" or p.is_dir())
    html = html / "index.html" if html.is_dir() else html
    text = _text(html.read_text())
    # Helsinki, December 2024 (the 24th month): 2000 + 10 × 23 = 2 230, followed in like periods (the
    # Decembers: 2 110 a year before); not "2 230 vuonna 2024" although the value is of one month.
    assert f"{number} ({label})" in text
    assert label.replace("2024", "2023") in text and number.replace("230", "110") in text
    pdf = next(p for p in paths if p.suffix == ".pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (Debian's poppler-utils)")
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    out = re.sub(r"\s+", " ", out.replace("\u00a0", " "))
    assert label in out and number in out


@pytest.mark.parametrize(("lang", "label"), [("fi", "joulukuu 2024"), ("sv", "december 2024")])
def test_regional_report_names_the_latest_month_of_a_monthly_indicator(monthly, tmp_path, lang, label):
    """The regional report said "2024" beside a value of December 2024 (the summary table's period)."""
    from kasvu.bank.areas import create_group

    create_group("capital", {"fi": "Pääkaupunkiseutu", "sv": "Huvudstadsregionen"}, ["049", "091", "092"])
    template = layouts.find()
    report = service.build(
        service.request_for("regional", "group:capital", 2024, lang, indicators=[KEY], template=template)
    )
    paths = write(report, ["html"], tmp_path, template)
    html = next(p for p in paths if p.suffix == ".html" or p.is_dir())
    html = html / "index.html" if html.is_dir() else html
    text = _text(html.read_text())
    assert f"({label})" in text  # the group's value sentence names the month
    assert re.search(rf"{label}\s", text)  # and the summary table's period cell
