"""The ``kasvu`` command without ceremony: no environment, one-line errors, pipes that close early."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

KASVU = str(Path(sys.executable).with_name("kasvu"))
CLEAN_ENV = {"PATH": "/usr/bin:/bin"}  # no KASVU_*, no DJANGO_SETTINGS_MODULE, no HOME


def kasvu(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KASVU, *args], cwd=folder, env=env or CLEAN_ENV, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty folder where `kasvu migrate` has run with no environment variables set."""
    path = tmp_path_factory.mktemp("empty")
    done = kasvu(path, "migrate", "-v0")
    assert done.returncode == 0, done.stderr
    return path


def test_migrate_and_areas_list_work_in_an_empty_folder_with_no_environment(folder):
    done = kasvu(folder, "areas", "list")
    assert done.returncode == 0, done.stderr
    assert "0 areas" in done.stdout
    assert "kasvu areas install" in done.stdout
    assert done.stderr == ""


def test_the_secret_key_is_generated_once_into_the_data_folder_readable_by_its_owner_only(folder):
    key_file = folder / "var" / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert kasvu(folder, "help").returncode == 0
    assert key_file.read_text().strip() == key


def test_a_server_still_needs_its_own_secret_key(folder):
    done = kasvu(folder, "serve", "--port", "8169")
    assert done.returncode == 1
    assert done.stderr.startswith("kasvu: KASVU_SECRET_KEY is not set. A server needs its own")
    assert "Traceback" not in done.stderr


def test_users_list_says_when_there_are_none(folder):
    done = kasvu(folder, "users", "list")
    assert done.stdout.strip() == "No users yet. Add one with `kasvu users add NAME --role regional_admin`."


def test_errors_are_one_line_without_a_traceback(tmp_path):
    not_migrated = kasvu(tmp_path, "areas", "list")
    assert not_migrated.returncode == 1
    assert not_migrated.stderr.count("\n") == 1
    assert not_migrated.stderr.startswith("kasvu: database error: no such table")
    assert "kasvu migrate" in not_migrated.stderr
    bad_setting = kasvu(tmp_path, "help", env={**CLEAN_ENV, "KASVU_HTTPS": "maybe"})
    assert bad_setting.stderr == (
        "kasvu: KASVU_HTTPS has value 'maybe'. Not a valid bool: use 1/0, true/false, yes/no or on/off.\n"
    )


def test_a_reader_that_stops_early_is_not_an_error(folder):
    """`kasvu areas list | head`: the pipe closes before kasvu has written everything."""
    proc = subprocess.Popen(
        [KASVU, "areas", "list", "--all"], cwd=folder, env=CLEAN_ENV,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    error = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait() == 0
    assert error == ""
