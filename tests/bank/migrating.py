"""Migration tests: move the test database to a migration and get the bank's models as they were there."""

from types import SimpleNamespace

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

MODELS = ("Source", "Indicator", "Area", "Observation", "ImportRun", "GroupSuppression")


def migrate(target: list[tuple[str, str]]) -> SimpleNamespace:
    """Migrate to ``target`` and return its bank models (``.Source``, ``.Indicator`` …)."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    apps = executor.loader.project_state(target).apps
    return SimpleNamespace(**{name: apps.get_model("bank", name) for name in MODELS})


def migrate_to_latest() -> None:
    """Back to the newest migrations, as the other tests expect."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
