"""Full-text search over the knowledge bank, on SQLite and PostgreSQL.

Both backends search the same terms (:mod:`kasvu.search.morphology`: Voikko
base forms and compound parts, Snowball stems), stored in
``Entry.search_terms`` on every save:

- SQLite: an FTS5 virtual table ``knowledge_entry_fts`` (rowid = entry id),
  created by migration 0002, kept in sync by signals (:mod:`.signals`) and
  rebuilt by ``kasvu knowledge reindex``.
- PostgreSQL: the text fields with the ``finnish``, ``swedish`` and
  ``english`` configurations, plus ``search_terms`` with ``simple``. The
  Snowball stemmer behind ``finnish`` stems "perhekeskuksen" to
  ``perhekeskuks`` and "Perhekeskus" to ``perhekeskus``; the normalised terms
  join them.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import QuerySet

from kasvu.search.morphology import fts5_match, tsquery_raw

FTS_TABLE = "knowledge_entry_fts"
CREATE_FTS = f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(terms, tokenize='unicode61 remove_diacritics 0')"
DROP_FTS = f"DROP TABLE IF EXISTS {FTS_TABLE}"


def uses_fts5(using: str = "default") -> bool:
    return connections[using].vendor == "sqlite"


def index_entry(entry_id: int, terms: str, using: str = "default") -> None:
    """Write one entry's terms into the FTS5 table (SQLite only; a no-op elsewhere)."""
    if not uses_fts5(using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [entry_id])
        cursor.execute(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (%s, %s)", [entry_id, terms])


def unindex_entry(entry_id: int, using: str = "default") -> None:
    if not uses_fts5(using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [entry_id])


def purge_deleted(using: str = "default") -> None:
    """Merge FTS5 segments so that terms of deleted rows (a removed expert) are gone from the file."""
    if not uses_fts5(using):
        return
    with connections[using].cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")


def rebuild(using: str = "default") -> int:
    """Recompute every entry's terms and, on SQLite, refill the FTS5 table. Returns the count."""
    from kasvu.knowledge.models import Entry
    from kasvu.search.morphology import index_terms

    entries = list(Entry.objects.using(using).all())
    for entry in entries:
        entry.search_terms = index_terms(entry.text_for_search())
    Entry.objects.using(using).bulk_update(entries, ["search_terms"], batch_size=500)
    if uses_fts5(using):
        with connections[using].cursor() as cursor:
            cursor.execute(CREATE_FTS)
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (%s, %s)",
                [(e.id, e.search_terms) for e in entries],
            )
        purge_deleted(using)
    return len(entries)


def matching(queryset: QuerySet[Any], query: str) -> tuple[QuerySet[Any], list[int] | None]:
    """Narrow ``queryset`` to entries matching ``query``.

    Returns the narrowed queryset and, on SQLite, the matching ids best first
    (on PostgreSQL the queryset is annotated with ``rank`` and ordered by it).
    """
    using = queryset.db
    if not query.strip() or not fts5_match(query):
        return queryset, None
    if uses_fts5(using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rank", [fts5_match(query)]
            )
            ids = [row[0] for row in cursor.fetchall()]
        return queryset.filter(id__in=ids), ids
    return _postgres(queryset, query), None


def _postgres(queryset: QuerySet[Any], query: str) -> QuerySet[Any]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title_fi", weight="A", config="finnish")
        + SearchVector("description_fi", weight="B", config="finnish")
        + SearchVector("title_sv", weight="A", config="swedish")
        + SearchVector("description_sv", weight="B", config="swedish")
        + SearchVector("title_en", weight="A", config="english")
        + SearchVector("description_en", weight="B", config="english")
        + SearchVector("search_terms", weight="C", config="simple")
    )
    search = (
        SearchQuery(query, config="finnish")
        | SearchQuery(query, config="swedish")
        | SearchQuery(query, config="english")
        | SearchQuery(tsquery_raw(query), config="simple", search_type="raw")
    )
    return (
        queryset.annotate(document=vector, rank=SearchRank(vector, search))
        .filter(document=search)
        .order_by("-rank", "title_fi")
    )
