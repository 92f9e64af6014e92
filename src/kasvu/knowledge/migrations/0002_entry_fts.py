"""The SQLite FTS5 table of the knowledge bank's stemmed search terms.

Created only on SQLite (PostgreSQL searches with its own full-text functions);
see kasvu.knowledge.search.
"""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_entry_fts "
    "USING fts5(terms, tokenize='unicode61 remove_diacritics 0')"
)
DROP = "DROP TABLE IF EXISTS knowledge_entry_fts"


def create_fts(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(CREATE)
    Entry = apps.get_model("knowledge", "Entry")
    for entry_id, terms in Entry.objects.using(schema_editor.connection.alias).values_list(
        "id", "search_terms"
    ):
        schema_editor.execute(
            "INSERT INTO knowledge_entry_fts(rowid, terms) VALUES (%s, %s)", [entry_id, terms]
        )


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(create_fts, drop_fts)]
