"""Breakdowns 1–3 are always total, male and female (the loader relies on it)."""

from django.db import migrations


def create(apps, schema_editor):
    Breakdown = apps.get_model("bank", "Breakdown")
    for key in ("total", "male", "female"):
        Breakdown.objects.get_or_create(key=key, defaults={"sex": key})


class Migration(migrations.Migration):
    dependencies = [("bank", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
