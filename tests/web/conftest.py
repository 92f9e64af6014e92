"""Data for the web tests: real THL values from the 2013 archive and generated demo values, loaded
through the bank's loader (so the disclosure pattern is computed as in production)."""

from __future__ import annotations

import polars as pl
import pytest

from kasvu.bank.areas import create_group
from kasvu.bank.loader import load
from kasvu.bank.models import Area
from kasvu.classification import DEMO_GROUPS
from kasvu.demo import generate, population_2025
from kasvu.importers.base import ParsedBatch
from kasvu.importers.sotkanet_2013 import load_sotkanet_2013
from kasvu.readmodel import clear_caches

DEMO_KEYS = ("demo:placed-outside-home", "demo:psychiatric-inpatient", "demo:child-welfare-notifications")


def _subset(batch: ParsedBatch, keep: pl.Expr) -> ParsedBatch:
    frame = batch.observations.filter(keep)
    batch.observations = frame.with_columns(pl.int_range(1, frame.height + 1).alias("row"))
    used = set(frame["indicator"].unique().to_list())
    batch.indicators = [m for m in batch.indicators if m.key in used]
    return batch


def load_archive(
    indicators: tuple[str, ...] = ("sotkanet:127",), levels: tuple[str, ...] = ("kunta",)
) -> None:
    """Real THL values 1990–2012 from the bundled 2013 archive (municipalities by default)."""
    load(_subset(load_sotkanet_2013(levels=levels), pl.col("indicator").is_in(list(indicators))), kind="test")


def uusimaa_codes() -> list[str]:
    """Current municipalities of the region of Uusimaa."""
    return sorted(
        Area.objects.filter(
            kind="municipality", valid_to__isnull=True, group_links__group__kind="region",
            group_links__group__code="01",
        ).values_list("code", flat=True)
    )  # fmt: skip


def load_demo(keys: tuple[str, ...] = DEMO_KEYS, codes: list[str] | None = None) -> None:
    """Generated demo values (flagged) for the municipalities of Uusimaa, 2015–2024, by sex."""
    codes = codes if codes is not None else uusimaa_codes()
    keep = pl.col("indicator").is_in(list(keys)) & pl.col("area_code").is_in(codes)
    load(_subset(generate(), keep), kind="demo")


def load_web_demo() -> None:
    """Groups, real population 2025, the archive's population and generated demo values for Uusimaa."""
    for code, (names, members) in DEMO_GROUPS.items():
        create_group(code, names, members)
    load(population_2025(), kind="table")
    load_archive()
    load_demo()


@pytest.fixture(scope="module")
def _web_demo(django_db_setup, django_db_blocker):
    """The web demo data, loaded once per test module inside a transaction that is rolled back after the
    module (as tests/reports/conftest.py does): loading it took three quarters of the web tests' time when
    every test loaded it again. Tests run in savepoints inside it, so what one test writes is gone for the
    next."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        clear_caches()
        load_web_demo()
        clear_caches()
        yield
        transaction.set_rollback(True)
    clear_caches()


@pytest.fixture
def demo_data(_web_demo, db):
    """The module's demo data (see ``_web_demo``) with database access for the test."""
    return db


def area(kind: str, code: str) -> Area:
    return Area.objects.get(kind=kind, code=code)
