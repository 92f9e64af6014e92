"""The bundled 11rc mapping's keys follow the mapping-free convention since issue 17
(``statfin:11rc:total`` → ``statfin:11rc:vaesto``, ``statfin:11rc:0-4`` → ``statfin:11rc:vaesto:0-4`` …).

A database imported before that holds the old keys; the next import would add the same table a second time
under the new ones. Each old key is renamed to its new one (observations, revisions and disclosure stay
with the indicator: they refer to its id), unless the new key is already there: then both are kept and a
note says how to merge them. Nothing stored is deleted. Reversible: renames back where the old key is free.
"""

import sys

from django.db import migrations

RENAMES = {
    "statfin:11rc:total": "statfin:11rc:vaesto",
    "statfin:11rc:0-4": "statfin:11rc:vaesto:0-4",
    "statfin:11rc:5-9": "statfin:11rc:vaesto:5-9",
    "statfin:11rc:10-14": "statfin:11rc:vaesto:10-14",
    "statfin:11rc:15-19": "statfin:11rc:vaesto:15-19",
}


def _rename(apps, pairs):
    Indicator = apps.get_model("bank", "Indicator")
    present = set(
        Indicator.objects.filter(key__in=[k for p in pairs for k in p]).values_list("key", flat=True)
    )
    for old, new in pairs:
        if old not in present:
            continue
        if new in present:
            print(
                f"\n  bank 0009: both {old!r} and {new!r} exist; both kept. The bundled 11rc mapping now "
                f"imports into {new!r}: check that it has every year you need (kasvu export indicators), "
                f"then delete {old!r} in the admin (or re-import the old years).",
                file=sys.stderr,
            )
            continue
        Indicator.objects.filter(key=old).update(key=new)


def forward(apps, schema_editor):
    _rename(apps, list(RENAMES.items()))


def backward(apps, schema_editor):
    _rename(apps, [(new, old) for old, new in RENAMES.items()])


class Migration(migrations.Migration):
    dependencies = [("bank", "0008_observation_sub_period")]

    operations = [migrations.RunPython(forward, backward)]
