"""Docs that cannot drift: every command and option is in docs/cli.md, every docs page is linked."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from cli_reference import help_text, kasvu_commands  # noqa: E402


@pytest.fixture(scope="module")
def reference() -> str:
    return (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def test_every_command_is_documented(reference):
    for name in kasvu_commands():
        shown = "import" if name == "import_" else name
        assert f"## kasvu {shown}\n" in reference, (
            f"run: python scripts/cli_reference.py > docs/cli.md ({shown})"
        )


def test_every_option_is_documented(reference):
    for name in kasvu_commands():
        for option in set(re.findall(r"--[a-z][a-z0-9-]+", help_text(name))):
            assert option in reference, f"{option} of kasvu {name} missing: run scripts/cli_reference.py"


def test_every_docs_page_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"
