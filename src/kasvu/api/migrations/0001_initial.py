import django.db.models.deletion
from django.conf import settings
from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    """The rate limiter's counters live in a database cache table shared by all server processes."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="What the token is for, e.g. 'nightly report'.", max_length=100
                    ),
                ),
                (
                    "prefix",
                    models.CharField(help_text="The key's first characters, to recognise it.", max_length=16),
                ),
                (
                    "key_hash",
                    models.CharField(help_text="SHA-256 of the key, hex.", max_length=64, unique=True),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("last_used", models.DateTimeField(blank=True, null=True)),
                ("revoked", models.DateTimeField(blank=True, null=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["user__username", "name"]},
        ),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
