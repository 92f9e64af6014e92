from typing import Any

from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Child and youth welfare plans (Child Welfare Act 417/2007 §12) and their follow-up."""

    name = "kasvu.plans"
    label = "plans"
    verbose_name = "Child and youth welfare plans"

    def ready(self) -> None:
        from kasvu.bank.signals import observations_changed

        observations_changed.connect(_record_statuses, dispatch_uid="kasvu.plans.record_statuses")


def _record_statuses(sender: Any, indicator_ids: list[int], summary: Any = None, **kwargs: Any) -> None:
    """After an import: store the new target status of every goal indicator whose data changed."""
    from kasvu.plans.status import record_statuses

    record_statuses(indicator_ids, getattr(summary, "run_id", None))
