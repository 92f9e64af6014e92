"""The command line: export writes what is stored; users get roles; errors say what to do."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from kasvu.accounts.models import Profile
from kasvu.bank.loader import load
from kasvu.demo import population_2025

pytestmark = pytest.mark.django_db


def test_export_writes_exactly_what_is_stored_with_provenance(tmp_path, capsysbinary):
    summary = load(population_2025(), kind="table")
    call_command("export", "observations", "--indicator", "statfin:M411", "--area", "049", "091")
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode())))
    assert [(r["area_code"], r["value"]) for r in rows] == [("049", "325716.0"), ("091", "694392.0")]
    assert rows[0]["import_id"] == str(summary.run_id)
    assert rows[0]["licence"] == "CC BY 4.0" and rows[0]["flags"] == ""
    assert rows[0]["import_source"].startswith("https://pxdata.stat.fi/")
    out = tmp_path / "pop.xlsx"
    call_command("export", "observations", "--indicator", "statfin:M411", "--format", "xlsx", "-o", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["observations", "metadata"]
    assert wb["observations"].max_row == 308 + 1


def test_export_unknown_indicator_says_so():
    with pytest.raises(CommandError, match="Unknown indicator 'nope:1'"):
        call_command("export", "observations", "--indicator", "nope:1")


def test_users_add_editor_with_areas(monkeypatch):
    monkeypatch.setenv("PW", "a-long-enough-passphrase-42")
    call_command(
        "users", "add", "lohja", "--role", "municipal_editor", "--areas", "444", "--password-env", "PW"
    )
    profile = Profile.objects.get(user__username="lohja")
    assert [a.code for a in profile.areas.all()] == ["444"]
    assert profile.user.check_password("a-long-enough-passphrase-42")
    with pytest.raises(CommandError, match="needs --areas"):
        call_command("users", "add", "x", "--role", "municipal_editor", "--password-env", "PW")
    monkeypatch.setenv("PW", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("users", "add", "y", "--role", "viewer", "--password-env", "PW")
