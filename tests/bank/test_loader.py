"""The store: one transaction per import, idempotent, changes kept as revisions."""

import polars as pl
import pytest

from kasvu.bank.loader import load, observations_frame
from kasvu.bank.models import ImportRun, Indicator, Observation, ObservationRevision
from kasvu.importers.base import ImportFailed, IndicatorMeta, ParsedBatch

pytestmark = pytest.mark.django_db


def meta(key="local:test", **kw):
    return IndicatorMeta(
        key=key,
        source="local",
        source_id=key.split(":")[1],
        title={"fi": "Testi"},
        **{"unit": "%", "scale": 100, "aggregation": "ratio", **kw},
    )


def batch(rows, *, file="test.csv", indicators=None, scheme="code", kind=None):
    frame = pl.DataFrame(
        [
            {
                "indicator": r[0],
                "area_code": r[1],
                "year": r[2],
                "sex": r[3],
                "value": r[4],
                "numerator": r[5] if len(r) > 5 else None,
                "denominator": r[6] if len(r) > 6 else None,
                "sample_size": None,
                "flags": 0,
                "row": i + 2,
            }
            for i, r in enumerate(rows)
        ],
        schema_overrides={"numerator": pl.Float64, "denominator": pl.Float64, "sample_size": pl.Int64},
    )
    return ParsedBatch(
        source_file=file,
        indicators=[meta()] if indicators is None else indicators,
        observations=frame,
        area_scheme=scheme,
        area_kind=kind,
    )


def snapshot():
    return (
        Observation.objects.count(),
        ObservationRevision.objects.count(),
        ImportRun.objects.count(),
        Indicator.objects.count(),
    )


def test_load_adds_then_reimport_adds_nothing():
    rows = [
        ("local:test", "049", 2020, "total", 12.5, 25, 200),
        ("local:test", "444", 2020, "female", 10.0, 5, 50),
    ]
    first = load(batch(rows), kind="table")
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = load(batch(rows), kind="table")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert Observation.objects.count() == 2
    obs = Observation.objects.get(area__code="049")
    assert (obs.value, obs.numerator, obs.denominator, obs.breakdown.key) == (12.5, 25, 200, "total")
    assert obs.import_run_id == first.run_id


def test_changed_value_is_updated_and_old_value_kept_with_provenance():
    first = load(batch([("local:test", "049", 2020, "total", 12.5, 25, 200)]), kind="table")
    second = load(batch([("local:test", "049", 2020, "total", 13.0, 26, 200)]), kind="table")
    assert (second.added, second.updated) == (0, 1)
    obs = Observation.objects.get()
    assert obs.value == 13.0 and obs.import_run_id == second.run_id
    rev = ObservationRevision.objects.get(observation=obs)
    assert (rev.value, rev.numerator, rev.import_run_id, rev.replaced_by_id) == (
        12.5,
        25,
        first.run_id,
        second.run_id,
    )


def test_unknown_area_code_stores_nothing():
    load(batch([("local:test", "049", 2019, "total", 1.0)]), kind="table")
    before = snapshot()
    rows = [("local:test", "049", 2020, "total", 12.5), ("local:test", "999", 2020, "total", 1.0)]
    with pytest.raises(ImportFailed) as err:
        load(batch(rows, indicators=[meta(), meta("local:other")]), kind="table")
    assert "test.csv, row 3, field 'area_code'" in str(err.value)
    assert "'999' is unknown" in str(err.value)
    assert snapshot() == before


def test_duplicate_rows_name_both_rows_and_store_nothing():
    before = snapshot()
    rows = [("local:test", "049", 2020, "total", 12.5), ("local:test", "049", 2020, "total", 12.6)]
    with pytest.raises(ImportFailed, match="rows 2, 3 are duplicates"):
        load(batch(rows), kind="table")
    assert snapshot() == before


def test_unknown_indicator_without_metadata_is_rejected():
    with pytest.raises(ImportFailed, match="'local:nothing' is not in the bank"):
        load(batch([("local:nothing", "049", 2020, "total", 1.0)], indicators=[]), kind="table")


def test_statfin_and_kinded_codes_resolve():
    b = batch(
        [
            ("local:test", "KU091", 2020, "total", 1.0),
            ("local:test", "MK01", 2020, "total", 2.0),
            ("local:test", "SSS", 2020, "total", 3.0),
        ],
        scheme="statfin",
    )
    assert load(b, kind="px").added == 3
    frame = observations_frame()
    assert frame.height == 3


def test_sotkanet_ids_resolve_and_unknown_regions_are_skipped_with_a_note():
    b = batch(
        [("local:test", "20", 2020, "total", 1.0), ("local:test", "833", 2020, "total", 2.0)],
        scheme="sotkanet",
    )
    summary = load(b, kind="sotkanet")
    assert summary.added == 1 and summary.skipped == 1
    assert "833" in summary.notes[0]
    assert Observation.objects.get().area.code == "049"


def test_every_pattern_of_missing_values_is_stored_exactly():
    """The bulk paths (binary COPY on PostgreSQL, a staging table on SQLite) keep NULLs where they are."""
    rows = [
        ("local:test", "049", 2020, "total", 12.5, 25, 200),
        ("local:test", "049", 2020, "male", None, None, None),
        ("local:test", "049", 2020, "female", 7.25, None, 80),
        ("local:test", "091", 2020, "total", None, 3, None),
        ("local:test", "091", 2021, "total", 0.0, 0, 1e-300),
        ("local:test", "444", 1995, "total", -1.2345678901234e14, 1, 2),
    ]
    # An index (no validation rule of counts or shares applies), so that any finite value is allowed.
    b = batch(rows, indicators=[meta(unit="index", aggregation="none")])
    b.observations = b.observations.with_columns(
        pl.Series("sample_size", [None, 120, None, 2**31 - 1, 0, None], dtype=pl.Int64),
        pl.Series("flags", [0, 4, 1, 17, 0, 2], dtype=pl.Int32),
    )
    summary = load(b, kind="table")
    assert summary.added == len(rows)
    stored = {
        (o.area.code, o.year, o.breakdown.key): (o.value, o.numerator, o.denominator, o.sample_size, o.flags)
        for o in Observation.objects.select_related("area", "breakdown")
    }
    assert stored == {
        ("049", 2020, "total"): (12.5, 25, 200, None, 0),
        ("049", 2020, "male"): (None, None, None, 120, 4),
        ("049", 2020, "female"): (7.25, None, 80, None, 1),
        ("091", 2020, "total"): (None, 3, None, 2**31 - 1, 17),
        ("091", 2021, "total"): (0.0, 0, 1e-300, 0, 0),
        ("444", 1995, "total"): (-1.2345678901234e14, 1, 2, None, 2),
    }
    assert set(Observation.objects.values_list("import_run_id", flat=True)) == {summary.run_id}


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("year", 20201, "year 20201 is not between 1000 and 9999"),
        ("sample_size", 2**31, "sample_size 2147483648"),
        ("value", float("inf"), "value inf is not a finite number"),
        ("numerator", float("nan"), "numerator nan is not a finite number"),
    ],
)
def test_values_the_database_cannot_hold_name_the_row(column, value, message):
    before = snapshot()
    b = batch([("local:test", "049", 2020, "total", 1.0), ("local:test", "049", 2021, "total", 2.0)])
    b.observations = b.observations.with_columns(
        pl.when(pl.col("row") == 3)
        .then(value)
        .otherwise(pl.col(column))
        .cast(pl.Float64 if isinstance(value, float) else pl.Int64)
        .alias(column)
    )
    with pytest.raises(ImportFailed) as err:
        load(b, kind="table")
    assert message in str(err.value)
    assert f"test.csv, row 3, field '{column}'" in str(err.value)
    assert snapshot() == before
