"""Configuration: every environment variable is read by kasvu.config, typed, validated and documented."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kasvu.config import RATE_LIMIT_VARIABLES, Config, ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_rate_limits_default_to_the_documented_values(monkeypatch):
    for name, _ in RATE_LIMIT_VARIABLES.values():
        monkeypatch.delenv(name, raising=False)
    assert Config.from_env().rate_limits == {
        "login": (10, 300),
        "api_anonymous": (300, 60),
        "api_token": (1200, 60),
        "api_token_attempts": (1200, 60),
    }


def test_rate_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KASVU_RATE_LIMIT_LOGIN", "3/60")
    monkeypatch.setenv("KASVU_RATE_LIMIT_API_TOKEN", "50/1")
    limits = Config.from_env().rate_limits
    assert limits["login"] == (3, 60) and limits["api_token"] == (50, 1)


@pytest.mark.parametrize("value", ["ten", "10", "10/", "10/60/2", "0/60", "10/0", "-1/60"])
def test_a_bad_rate_limit_names_the_variable_and_what_to_write(monkeypatch, value):
    monkeypatch.setenv("KASVU_RATE_LIMIT_API_ANONYMOUS", value)
    with pytest.raises(ConfigError) as info:
        Config.from_env()
    assert str(info.value) == (
        f"KASVU_RATE_LIMIT_API_ANONYMOUS has value {value!r}. Not a valid rate limit: "
        "write requests/seconds, e.g. KASVU_RATE_LIMIT_API_ANONYMOUS=300/60."
    )


def test_the_command_says_what_is_wrong_without_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "KASVU_DEMO": "1", "KASVU_DATA_DIR": str(tmp_path)}
    env["KASVU_RATE_LIMIT_LOGIN"] = "ten"
    done = subprocess.run(
        [sys.executable, "-m", "kasvu.cli", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "kasvu: KASVU_RATE_LIMIT_LOGIN has value 'ten'. Not a valid rate limit: "
        "write requests/seconds, e.g. KASVU_RATE_LIMIT_LOGIN=10/300."
    )


def test_report_templates_are_folders_separated_by_the_path_separator(monkeypatch, tmp_path):
    monkeypatch.setenv("KASVU_REPORT_TEMPLATES", f"{tmp_path / 'a'}:{tmp_path / 'b'}:")
    assert Config.from_env().report_templates == [tmp_path / "a", tmp_path / "b"]
    monkeypatch.delenv("KASVU_REPORT_TEMPLATES")
    assert Config.from_env().report_templates == []


def test_settings_use_the_config():
    from django.conf import settings

    assert Config.from_env().rate_limits == settings.RATE_LIMITS


def test_no_setting_is_read_behind_the_configs_back():
    for path in (ROOT / "src" / "kasvu").rglob("*.py"):
        if path.name in ("config.py", "cli.py", "asgi.py", "wsgi.py"):
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""environ(\.get)?\(\s*["']KASVU_|getenv\(\s*["']KASVU_""", text), path


def test_every_variable_is_documented():
    config = (ROOT / "src" / "kasvu" / "config.py").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in sorted(set(re.findall(r"KASVU_[A-Z_]+", config))):
        assert f"| `{name}` |" in docs, f"{name} is missing from the table in docs/configuration.md"
