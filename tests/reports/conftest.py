"""Report test data: the bundled demo data for West and Central Uusimaa, with the country's totals.

Loading the generated demo data for all 308 municipalities (and its disclosure pattern) takes minutes,
so the tests load the 16 municipalities of the two groups plus the country's value summed from *all*
municipalities (stored as the country's own value, as THL publishes it). The numbers are those of
``kasvu demo load``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import pytest

from kasvu import demo
from kasvu.classification import DEMO_GROUPS
from kasvu.importers.base import ParsedBatch

GROUPS = ("west-uusimaa", "central-uusimaa")


def small_demo_batch(codes: Sequence[str] | None = None) -> ParsedBatch:
    """The demo values of ``codes`` (default: the two groups' municipalities) and the country's."""
    batch = demo.generate()
    obs = batch.observations
    codes = codes if codes is not None else [c for g in GROUPS for c in DEMO_GROUPS[g][1]]
    country = (
        obs.group_by("indicator", "year", "sex")
        .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        .with_columns(area_code=pl.lit("FI"))
    )
    scale = {i.key: i.scale for i in demo.DEMO_INDICATORS}
    country = country.with_columns(
        (
            pl.col("numerator")
            / pl.col("denominator")
            * pl.col("indicator").replace_strict(scale, return_dtype=pl.Float64)
        )
        .round(1)
        .alias("value"),
        sample_size=pl.lit(None, pl.Int64),
        flags=pl.lit(8),
    )
    subset = obs.filter(pl.col("area_code").is_in(codes))
    frame = pl.concat([subset.drop("row"), country.select(subset.drop("row").columns)])
    frame = frame.with_columns(row=pl.int_range(1, pl.len() + 1))
    batch.observations = frame
    batch.area_kind = None
    return batch


def load_small_demo() -> None:
    from kasvu.bank.areas import create_group
    from kasvu.bank.loader import load

    for code in GROUPS:
        names, members = DEMO_GROUPS[code]
        create_group(code, names, members)
    load(demo.population_2025(), kind="table")
    load(small_demo_batch(), kind="demo")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The small demo data inside a transaction that is rolled back after the module, so that the rest of
    the suite never sees it. Tests (``report_db``) run in savepoints inside it."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        load_small_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def report_db(demo_data, db):
    return db


@pytest.fixture
def both_regions_of_iitti(db):
    """Demo values for every municipality ever in Kymenlaakso or Päijät-Häme, and the country's."""
    from kasvu import values
    from kasvu.bank.loader import load
    from kasvu.bank.models import Area

    codes = Area.objects.filter(
        kind="municipality", group_links__group__kind="region", group_links__group__code__in=["07", "08"]
    ).values_list("code", flat=True)
    load(small_demo_batch(sorted(set(codes))), kind="demo")
    values.clear_caches()


@pytest.fixture(scope="module")
def satakunta_data(django_db_setup, django_db_blocker):
    """Demo values for every current municipality of Satakunta (region 04) and the country's, and the real
    population 2025, rolled back after the module. Satakunta's members include municipalities that merged
    while the demo years run (Köyliö into Säkylä 2016, Luvia into Eurajoki 2017): they have no values of
    their own, their people are counted through their successors."""
    from django.db import transaction

    from kasvu.bank.loader import load
    from kasvu.bank.models import Area
    from kasvu.readmodel import clear_caches

    with django_db_blocker.unblock(), transaction.atomic():
        codes = Area.objects.filter(
            kind="municipality", valid_to__isnull=True, group_links__group__kind="region",
            group_links__group__code="04",
        ).values_list("code", flat=True)  # fmt: skip
        load(demo.population_2025(), kind="table")
        load(small_demo_batch(sorted(set(codes))), kind="demo")
        clear_caches()
        yield
        transaction.set_rollback(True)
    clear_caches()
