"""Migration bank 0009: a database imported with the old 11rc keys (statfin:11rc:total, :0-4 …) keeps its
values under the mapping's new keys, so the next import of 11rc adds no second indicator; where both keys
exist both are kept; backwards the old keys come back."""

import pytest
from django.db import connection

from bank.migrating import migrate, migrate_to_latest

BEFORE = [("bank", "0008_observation_sub_period")]
AFTER = [("bank", "0009_rename_11rc_keys")]


def _values():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.key, o.year, o.value FROM bank_observation o "
            "JOIN bank_indicator i ON i.id = o.indicator_id WHERE i.key LIKE 'statfin:11rc:%%'"
        )
        return sorted(cur.fetchall())


@pytest.mark.django_db(transaction=True)
def test_old_11rc_keys_are_renamed_keeping_their_values(restored_after_flush, capsys):
    old = migrate(BEFORE)
    Source, Indicator, Area, Observation, ImportRun = (
        old.Source,
        old.Indicator,
        old.Area,
        old.Observation,
        old.ImportRun,
    )
    source = Source.objects.create(key="statfin", name_fi="Tilastokeskus")
    run = ImportRun.objects.create(kind="px")
    area = Area.objects.filter(kind="municipality").order_by("code").first()
    inds = {
        key: Indicator.objects.create(key=key, source=source, source_code="11rc", title_fi=key)
        for key in ("statfin:11rc:total", "statfin:11rc:0-4", "statfin:11rc:5-9", "statfin:11rc:vaesto:5-9")
    }
    for n, ind in enumerate(inds.values()):
        Observation.objects.bulk_create(
            Observation(
                indicator_id=ind.id, area_id=area.id, year=y, breakdown_id=1, value=1000.0 * n + y,
                import_run_id=run.id,
            )
            for y in (2023, 2024)
        )  # fmt: skip

    migrate(AFTER)
    after = _values()
    assert after == [
        ("statfin:11rc:5-9", 2023, 4023.0),  # its new key was taken: kept, with a note what to do
        ("statfin:11rc:5-9", 2024, 4024.0),
        ("statfin:11rc:vaesto", 2023, 2023.0),
        ("statfin:11rc:vaesto", 2024, 2024.0),
        ("statfin:11rc:vaesto:0-4", 2023, 3023.0),
        ("statfin:11rc:vaesto:0-4", 2024, 3024.0),
        ("statfin:11rc:vaesto:5-9", 2023, 5023.0),
        ("statfin:11rc:vaesto:5-9", 2024, 5024.0),
    ]
    note = capsys.readouterr().err
    assert "'statfin:11rc:5-9'" in note and "'statfin:11rc:vaesto:5-9'" in note and "delete" in note

    migrate(BEFORE)
    assert {k for k, _, _ in _values()} == {
        "statfin:11rc:total", "statfin:11rc:0-4", "statfin:11rc:5-9", "statfin:11rc:vaesto:5-9"
    }  # fmt: skip
    assert ("statfin:11rc:total", 2024, 2024.0) in _values()

    migrate_to_latest()
