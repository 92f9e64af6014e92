"""Report templates (layouts) that users can copy and edit without touching Python.

A template is a folder with ``report.html.j2`` (Jinja2; the HTML report and the PDF are printed from
it), ``report.css`` (screen and print), optionally ``phrases.yaml`` (override any sentence or label, per
language) and ``reference.docx`` (a Word document whose styles the DOCX uses). Folders are searched in this
order: the folders the caller gives (``--templates DIR``, then the folders of the environment variable
``KASVU_REPORT_TEMPLATES``, read by :mod:`kasvu.config`), then the bundled templates. A missing file in a
user template falls back to the bundled ``default`` one, so a copy may keep only what it changes.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

BUNDLED = Path(__file__).resolve().parent / "report_templates"
DEFAULT = "default"


class TemplateNotFound(Exception):
    """No template folder with the requested name on the search path."""


@dataclass(frozen=True)
class Template:
    name: str
    path: Path
    bundled: bool

    def file(self, name: str) -> Path | None:
        """``name`` in this template, else in the bundled default; None when neither has it."""
        for folder in (self.path, BUNDLED / DEFAULT):
            if (folder / name).exists():
                return folder / name
        return None


def search_path(extra: Sequence[Path | str] = ()) -> list[Path]:
    return [*(Path(p) for p in extra), BUNDLED]


def available(extra: Sequence[Path | str] = ()) -> list[Template]:
    """Every template on the search path; a user template hides a bundled one of the same name."""
    seen: dict[str, Template] = {}
    for folder in search_path(extra):
        if not folder.is_dir():
            continue
        for sub in sorted(folder.iterdir()):
            if (sub / "report.html.j2").exists() and sub.name not in seen:
                seen[sub.name] = Template(sub.name, sub, folder == BUNDLED)
    return sorted(seen.values(), key=lambda t: t.name)


def find(name: str = DEFAULT, extra: Sequence[Path | str] = ()) -> Template:
    for t in available(extra):
        if t.name == name:
            return t
    names = ", ".join(t.name for t in available(extra))
    raise TemplateNotFound(
        f"No report template {name!r}. Available: {names}. Copy one with `kasvu report templates copy default DIR`."
    )


def copy(name: str, dest: Path, extra: Sequence[Path | str] = ()) -> Path:
    """Copy template ``name`` to the folder ``dest`` (which must not exist) with an editable reference.docx."""
    source = find(name, extra)
    if dest.exists():
        raise FileExistsError(
            f"{dest} already exists. Give a new folder, e.g. {dest.parent / (dest.name + '-2')}."
        )
    shutil.copytree(source.path, dest)
    if not (dest / "reference.docx").exists():
        import docx

        docx.Document().save(str(dest / "reference.docx"))
    return dest


def environment(template: Template) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(template.path)), jinja2.FileSystemLoader(str(BUNDLED / DEFAULT))]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env
