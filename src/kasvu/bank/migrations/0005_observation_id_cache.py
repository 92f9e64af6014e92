"""PostgreSQL: observation ids are taken from the sequence 1,000 at a time.

A bulk COPY otherwise calls nextval() once per row, which costs about a
twentieth of the server's time per row (benchmarks/RESULTS.md). Ids may then
have gaps, which nothing depends on. SQLite has no sequences: nothing to do.
"""

from django.db import migrations


def set_cache(apps, schema_editor, cache=1000):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("bank", "Observation")._meta.db_table
    schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET CACHE {int(cache)}")


def reset_cache(apps, schema_editor):
    set_cache(apps, schema_editor, cache=1)


class Migration(migrations.Migration):
    dependencies = [("bank", "0004_disclosure")]

    operations = [migrations.RunPython(set_cache, reset_cache)]
