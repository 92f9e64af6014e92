"""Search test data: the bundled demo indicators (Uusimaa's municipalities), the demo pupil survey, the
Espoo example plan and the knowledge bank, loaded once per module as ``kasvu demo load`` loads them."""

from __future__ import annotations

import polars as pl
import pytest
from django.core.management import call_command

from kasvu.classification import data_path


def load_search_demo() -> None:
    from kasvu import demo
    from kasvu.bank.loader import load
    from kasvu.surveys.demo import load_demo_survey

    batch = demo.generate()
    frame = batch.observations.filter(pl.col("area_code").is_in(["049", "091", "927"]))
    batch.observations = frame.with_columns(pl.int_range(1, frame.height + 1).alias("row"))
    load(batch, kind="demo")
    load_demo_survey(respondents=400)
    call_command("plan", "import", str(data_path("plans", "espoo_example.yaml")), stdout=None)
    call_command("knowledge", "import", str(data_path("knowledge", "entries.yaml")), stdout=None)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data inside a transaction rolled back after the module; tests run in savepoints inside."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        load_search_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def search_db(demo_data, db):
    return db
