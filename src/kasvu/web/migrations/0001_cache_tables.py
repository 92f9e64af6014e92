"""The tables of the shared cache (kasvu.sharedcache) when no Redis is configured.

Created by name, whatever settings.CACHES says now, so that an installation can drop Redis later and find
its tables ready. ``createcachetable`` skips tables that exist (the rate limiter's came with kasvu_api 0001).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    from kasvu.sharedcache import TABLES

    call_command("createcachetable", *TABLES.values(), database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("kasvu_api", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
