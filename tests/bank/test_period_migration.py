"""Migration bank 0008 (periods, issue 17) keeps every stored value: forward on a database with data, the
values, their count and their years are equal, and every one is the whole year (sub 0)."""

import pytest
from django.db import connection

from bank.migrating import migrate, migrate_to_latest

BEFORE = [("bank", "0007_indicator_disclosure")]
AFTER = [("bank", "0008_observation_sub_period")]


def _rows(sql):
    with connection.cursor() as cur:
        cur.execute(sql)
        return sorted(cur.fetchall())


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_every_value(restored_after_flush):
    old = migrate(BEFORE)
    Source, Indicator, Area, Observation, ImportRun, GroupSuppression = (
        old.Source,
        old.Indicator,
        old.Area,
        old.Observation,
        old.ImportRun,
        old.GroupSuppression,
    )
    source = Source.objects.create(key="statfin", name_fi="Tilastokeskus")
    ind = Indicator.objects.create(key="statfin:test", source=source, source_code="test", title_fi="Testi")
    run = ImportRun.objects.create(kind="test")
    areas = list(Area.objects.filter(kind="municipality").order_by("code")[:3])
    values = [
        Observation(
            indicator_id=ind.id, area_id=a.id, year=y, breakdown_id=1, value=i * 1.5 + y, import_run_id=run.id
        )
        for i, a in enumerate(areas)
        for y in (2022, 2023, 2024)
    ]
    Observation.objects.bulk_create(values)
    GroupSuppression.objects.create(indicator_id=ind.id, area_id=areas[0].id, year=2023, breakdown_id=1)
    before = _rows("SELECT indicator_id, area_id, year, breakdown_id, value FROM bank_observation")
    assert len(before) == 9

    migrate(AFTER)
    after = _rows("SELECT indicator_id, area_id, year, breakdown_id, value FROM bank_observation")
    assert after == before
    assert _rows("SELECT DISTINCT sub FROM bank_observation") == [(0,)]
    assert _rows("SELECT year, sub FROM bank_groupsuppression") == [(2023, 0)]
    # A month of the same year is a new cell beside the year's value, not a duplicate of it.
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO bank_observation (indicator_id, area_id, year, sub, breakdown_id, value, flags, "
            "suppressed, import_run_id) VALUES (%s, %s, 2024, 3, 1, 7.0, 0, 0, %s)",
            [ind.id, areas[0].id, run.id],
        )
    assert len(_rows("SELECT id FROM bank_observation")) == 10

    migrate_to_latest()
