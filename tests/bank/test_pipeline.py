"""Storing many batches: read ahead, several at once on PostgreSQL, the same result as one by one."""

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kasvu.bank.models import Observation, ObservationRevision
from kasvu.bank.pipeline import indicator_keys, read_ahead, store_all
from kasvu.classification import data_path
from kasvu.importers.base import ImportFailed, IndicatorMeta, ParsedBatch

MUNICIPALITIES = ["049", "091", "092", "444", "257", "186", "245", "753"]


def meta(key):
    return IndicatorMeta(key=key, source="local", source_id=key.split(":")[1], title={"fi": key})


def batch(key, value, *, file, years=range(2000, 2020), codes=MUNICIPALITIES):
    rows = [
        {"indicator": key, "area_code": code, "year": year, "sex": "total", "value": value}
        for code in codes
        for year in years
    ]
    frame = pl.DataFrame(rows).with_columns(
        pl.col("year").cast(pl.Int32),
        pl.lit(None, pl.Float64).alias("numerator"),
        pl.lit(None, pl.Float64).alias("denominator"),
        pl.lit(None, pl.Int64).alias("sample_size"),
        pl.lit(0, pl.Int32).alias("flags"),
        pl.int_range(2, len(rows) + 2, dtype=pl.Int64).alias("row"),
    )
    return ParsedBatch(source_file=file, indicators=[meta(key)], observations=frame)


def test_read_ahead_keeps_order_and_raises_at_the_failing_item():
    def items():
        yield 1
        yield 2
        raise ImportFailed("unreadable", file="third.json")

    got = []
    with pytest.raises(ImportFailed, match="third.json"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1, 2]


def test_indicator_keys_are_those_of_metadata_and_observations():
    b = batch("local:a", 1.0, file="a.csv")
    b.indicators.append(meta("local:b"))
    assert indicator_keys(b) == {"local:a", "local:b"}


@pytest.mark.django_db
def test_one_at_a_time_in_order_later_values_win():
    summaries = store_all(
        [batch("local:a", 1.0, file="1.csv"), batch("local:a", 2.0, file="2.csv")], kind="table"
    )
    assert [(s.added, s.updated) for s in summaries] == [(160, 0), (0, 160)]
    assert set(Observation.objects.values_list("value", flat=True)) == {2.0}


@pytest.mark.django_db
def test_several_at_once_needs_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        store_all([batch("local:a", 1.0, file="1.csv")], kind="table", jobs=2)
    with pytest.raises(CommandError, match="--jobs above 1 needs PostgreSQL"):
        call_command(
            "import_",
            "sotkanet",
            str(data_path("sotkanet_fixtures", "sotkanet_171_fixture.json")),
            "--jobs",
            "2",
        )


@pytest.mark.django_db(transaction=True)
def test_several_at_once_give_the_result_of_one_by_one(restored_after_flush):
    if connection.vendor != "postgresql":
        pytest.skip("several imports at once need PostgreSQL")
    # Six indicators, each written by three batches in turn: a batch must wait for the earlier ones
    # of its indicator, so each indicator ends with its third value and two revisions per cell.
    batches = [
        batch(f"local:i{i}", float(round_), file=f"{round_}-{i}.csv")
        for round_ in (1, 2, 3)
        for i in range(6)
    ]
    stored = []
    summaries = store_all(batches, kind="table", jobs=2, stored=lambda b, s: stored.append(b.source_file))
    assert sorted(stored) == sorted(b.source_file for b in batches)
    assert [(s.added, s.updated) for s in summaries] == [(160, 0)] * 6 + [(0, 160)] * 12
    assert set(Observation.objects.values_list("value", flat=True)) == {3.0}
    assert Observation.objects.count() == 6 * 160
    revisions = ObservationRevision.objects.order_by("observation_id", "replaced_by_id")
    assert revisions.count() == 2 * 6 * 160
    assert {r.value for r in revisions} == {1.0, 2.0}


@pytest.mark.django_db(transaction=True)
def test_several_at_once_stop_at_a_failure_and_store_nothing_of_it(restored_after_flush):
    if connection.vendor != "postgresql":
        pytest.skip("several imports at once need PostgreSQL")
    bad = batch("local:bad", 1.0, file="bad.csv", codes=["049", "999"])
    batches = [
        batch("local:a", 1.0, file="a.csv"),
        bad,
        *(batch(f"local:later{i}", 1.0, file=f"l{i}.csv") for i in range(20)),
    ]
    with pytest.raises(ImportFailed, match="bad.csv.*'999' is unknown"):
        store_all(batches, kind="table", jobs=2)
    keys = set(Observation.objects.values_list("indicator__key", flat=True))
    assert "local:a" in keys and "local:bad" not in keys
    assert len(keys) < 2 + 20  # no new batch starts after the failure


@pytest.mark.django_db(transaction=True)
def test_import_command_with_jobs(restored_after_flush, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("several imports at once need PostgreSQL")
    files = [str(data_path("sotkanet_fixtures", f"sotkanet_{i}_fixture.json")) for i in (171, 5513)]
    meta_file = str(data_path("sotkanet_fixtures", "metadata_171_5513.json"))
    call_command("import_", "sotkanet", *files, "--metadata", meta_file, "--jobs", "2")
    out = capsys.readouterr().out
    assert all(f"{f}: " in out for f in files)
    assert set(Observation.objects.values_list("indicator__key", flat=True)) == {
        "sotkanet:171",
        "sotkanet:5513",
    }


@pytest.mark.django_db
def test_jobs_below_one_is_refused_by_the_command_and_the_function():
    with pytest.raises(ValueError, match="--jobs 0: give 1 or more"):
        store_all([batch("local:a", 1.0, file="1.csv")], kind="table", jobs=0)
    with pytest.raises(CommandError, match="--jobs 0: give 1 or more"):
        call_command("import_", "table", str(data_path("population", "SOURCE.txt")), "--jobs", "0")
    assert not Observation.objects.exists()
