"""Knowledge-bank entries as YAML: import (idempotent by ``key``) and export.

The file is ``{"entries": [...]}``; each entry has the fields of
:class:`~kasvu.knowledge.models.Entry` plus:

- ``areas``: area references as in ``kasvu areas`` (``444``, ``region:01``, ``Lohja``);
- ``indicators``: indicator keys (``sotkanet:127``); unknown keys are reported, not fatal;
- ``rights``: keys of :mod:`kasvu.rights` (``care``, ``participation`` ...);
- ``consent`` (experts): ``{date: 2025-01-15, method: signed form, recorded_by: admin}``.

See ``src/kasvu/data/knowledge/entries.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from kasvu.bank.areas import find_area
from kasvu.bank.models import Indicator
from kasvu.knowledge.models import Entry, EntryKind, EntryRight
from kasvu.rights import RIGHT_KEYS

SIMPLE_FIELDS: tuple[str, ...] = (
    "kind",
    "title_fi",
    "title_sv",
    "title_en",
    "description_fi",
    "description_sv",
    "description_en",
    "tags",
    "start_year",
    "end_year",
    "url",
    "funder",
    "organisation",
    "contact",
    "is_generated",
    "source",
)
NULLABLE = frozenset({"start_year", "end_year", "consent_date"})
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "knowledge" / "entries.yaml"


class EntryFileError(ValueError):
    """An entries file cannot be imported: the message names the entry and the field."""


@dataclass
class EntryImportResult:
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)


def load_yaml(path: Path | str) -> list[dict[str, Any]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise EntryFileError(f"{path} has no list under 'entries:'. See {DEFAULT_FILE} for the layout.")
    return entries


@transaction.atomic
def import_entries(records: list[dict[str, Any]]) -> EntryImportResult:
    """Create or update entries by ``key``. All or nothing: one bad entry changes nothing."""
    result = EntryImportResult()
    for record in records:
        key = str(record.get("key") or "")
        if not key:
            raise EntryFileError(
                f"An entry has no key: {record.get('title_fi', record)!r}. Give each a unique key."
            )
        unknown_rights = set(record.get("rights") or []) - RIGHT_KEYS
        if unknown_rights:
            raise EntryFileError(
                f"Entry {key}: unknown rights {sorted(unknown_rights)}. Use {', '.join(sorted(RIGHT_KEYS))}."
            )
        values = {name: record[name] for name in SIMPLE_FIELDS if name in record}
        consent = record.get("consent") or {}
        values["consent_date"] = _date(consent.get("date"))
        values["consent_method"] = str(consent.get("method") or "")
        values["consent_recorded_by"] = str(consent.get("recorded_by") or "")
        entry = Entry.objects.filter(key=key).first()
        created = entry is None
        entry = entry or Entry(key=key)
        for name, value in values.items():
            setattr(entry, name, "" if value is None and name not in NULLABLE else value)
        if entry.kind not in EntryKind.values:
            raise EntryFileError(
                f"Entry {key}: kind {entry.kind!r} is not one of {', '.join(EntryKind.values)}."
            )
        try:
            entry.full_clean(exclude=["search_terms"])
        except ValidationError as exc:
            raise EntryFileError(
                f"Entry {key}: {'; '.join(f'{k}: {v[0]}' for k, v in exc.message_dict.items())}"
            ) from None
        entry.save()
        entry.areas.set([find_area(str(ref)) for ref in record.get("areas") or []])
        wanted = [str(k) for k in record.get("indicators") or []]
        indicators = list(Indicator.objects.filter(key__in=wanted))
        missing = sorted(set(wanted) - {i.key for i in indicators})
        if missing:
            result.warnings.append(f"Entry {key}: indicators not in the bank yet: {', '.join(missing)}.")
        entry.indicators.set(indicators)
        set_rights(entry, record.get("rights") or [])
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result


def set_rights(entry: Entry, keys: list[str]) -> None:
    entry.rights.exclude(right__in=keys).delete()
    have = set(entry.rights.values_list("right", flat=True))
    EntryRight.objects.bulk_create(EntryRight(entry=entry, right=k) for k in keys if k not in have)


def _date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise EntryFileError(f"Consent date {value!r} is not a date. Write it as 2025-01-31.") from None


def export_records(entries: list[Entry]) -> list[dict[str, Any]]:
    """Entries as YAML-ready dicts, in the import layout."""
    records = []
    for e in entries:
        record: dict[str, Any] = {"key": e.key}
        for name in SIMPLE_FIELDS:
            value = getattr(e, name)
            if value not in ("", None, [], False):
                record[name] = value
        record["areas"] = [a.key for a in e.areas.all()]
        record["indicators"] = [i.key for i in e.indicators.all()]
        record["rights"] = e.right_keys()
        if e.kind == EntryKind.EXPERT:
            record["consent"] = {
                "date": e.consent_date.isoformat() if e.consent_date else None,
                "method": e.consent_method,
                "recorded_by": e.consent_recorded_by,
            }
        records.append({k: v for k, v in record.items() if v not in ([], None)})
    return records


def dump_yaml(entries: list[Entry]) -> str:
    return yaml.safe_dump({"entries": export_records(entries)}, allow_unicode=True, sort_keys=False)
