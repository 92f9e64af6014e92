"""`kasvu needs ...` and `kasvu knowledge ...`, and the bundled entries."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from kasvu.knowledge.coding import read_csv, read_sheet
from kasvu.knowledge.entries import DEFAULT_FILE, import_entries, load_yaml
from kasvu.knowledge.models import Entry, Round

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_needs_import_table_export_compare(seed004_csv, tmp_path):
    out = run(
        "needs",
        "import",
        str(seed004_csv),
        "--round",
        "arvo-2008",
        "--name",
        "ARVO 2008",
        "--date",
        "2008-01-01",
        "--total",
        "13",
        "--synthetic",
    )
    assert "13 municipalities" in out
    assert Round.objects.get(slug="arvo-2008").assignment_is_synthetic
    table = run("needs", "table", "arvo-2008")
    assert "1.1 Elinkaarimallintaminen" in table and "* Lapsuuden nivelvaiheet (7)" in table
    run("needs", "export", "arvo-2008", str(tmp_path / "out.xlsx"))
    assert sorted(read_sheet(tmp_path / "out.xlsx"), key=repr) == sorted(read_csv(seed004_csv), key=repr)
    run(
        "needs",
        "import",
        str(tmp_path / "out.xlsx"),
        "--round",
        "copy",
        "--date",
        "2010-01-01",
        "--total",
        "13",
    )
    compared = run("needs", "compare", "arvo-2008", "copy")
    assert "3.6 Koulutus" in compared


def test_needs_errors_say_what_to_do(seed004_csv):
    with pytest.raises(CommandError, match="--date and --total"):
        run("needs", "import", str(seed004_csv), "--round", "new")
    with pytest.raises(CommandError, match="Known rounds"):
        run("needs", "table", "nope")


def test_bundled_entries_import_and_are_idempotent():
    first = import_entries(load_yaml(DEFAULT_FILE))
    assert first.created >= 20 and first.updated == 0
    again = import_entries(load_yaml(DEFAULT_FILE))
    assert again.created == 0 and again.updated == first.created
    experts = Entry.objects.filter(kind="expert")
    assert experts.exists() and all(e.is_generated for e in experts)
    assert Entry.objects.get(key="project:lapsen-aani").areas.filter(code="444").exists()


def test_knowledge_search_command_with_filters():
    run("knowledge", "import")
    out = run("knowledge", "search", "perhekeskuksen")
    assert "Perhekeskus" in out
    out = run(
        "knowledge",
        "search",
        "--kind",
        "project",
        "--area",
        "region:01",
        "--right",
        "learning",
        "--from",
        "2008",
        "--to",
        "2008",
    )
    assert "ARVO" in out and "Lapsen ääni" not in out
    assert "Asiantuntija" not in run("knowledge", "search", "asiantuntija")
    assert "Esimerkki Asiantuntija" in run("knowledge", "search", "asiantuntija", "--include-experts")


def test_knowledge_export_round_trip(tmp_path):
    run("knowledge", "import")
    path = tmp_path / "entries.yaml"
    run("knowledge", "export", str(path), "--include-experts")
    result = import_entries(load_yaml(path))
    assert result.created == 0 and result.updated == Entry.objects.count()
