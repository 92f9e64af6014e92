"""Mark a kind of search document stale when a row it is built from is saved or deleted.

Rebuilding waits for the next search (:func:`kasvu.search.index.refresh`), so an import that saves
thousands of rows costs one cheap delete per row, not thousands of rebuilds.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from kasvu.bank.models import Area, Indicator
from kasvu.plans.models import Action, Goal, Plan
from kasvu.search.index import mark_stale

KIND_OF = {Area: "area", Indicator: "indicator", Plan: "plan", Goal: "plan", Action: "plan"}


def _stale(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loading fixtures
    mark_stale(KIND_OF[sender])


for model in KIND_OF:
    post_save.connect(_stale, sender=model, dispatch_uid=f"search_stale_save_{model.__name__}")
    post_delete.connect(_stale, sender=model, dispatch_uid=f"search_stale_delete_{model.__name__}")
