"""A plan's version history across all its parts, and restoring a past version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kasvu.plans.models import VERSIONED, Goal, Plan


class CannotRestore(Exception):
    """The version cannot be restored as it is (e.g. its goal no longer exists)."""


@dataclass
class Change:
    kind: str  # key of VERSIONED
    record: Any  # the historical record
    changes: list[tuple[str, Any, Any]]  # (field, old, new)

    @property
    def label(self) -> str:
        return str(VERSIONED[self.kind]._meta.verbose_name)


def _records(plan_id: int) -> dict[str, Any]:
    goal_ids = set(Goal.history.filter(plan_id=plan_id).values_list("id", flat=True))
    fu_ids = set(VERSIONED["followup"].history.filter(plan_id=plan_id).values_list("id", flat=True))
    return {
        "plan": Plan.history.filter(id=plan_id),
        "goal": Goal.history.filter(plan_id=plan_id),
        "requirement": VERSIONED["requirement"].history.filter(goal_id__in=goal_ids),
        "action": VERSIONED["action"].history.filter(goal_id__in=goal_ids),
        "goalindicator": VERSIONED["goalindicator"].history.filter(goal_id__in=goal_ids),
        "selfassessment": VERSIONED["selfassessment"].history.filter(plan_id=plan_id),
        "followup": VERSIONED["followup"].history.filter(plan_id=plan_id),
        "actionfollowup": VERSIONED["actionfollowup"].history.filter(follow_up_id__in=fu_ids),
        "indicatorfollowup": VERSIONED["indicatorfollowup"].history.filter(follow_up_id__in=fu_ids),
    }


def plan_history(plan_id: int, limit: int = 500) -> list[Change]:
    """Every recorded change of the plan and its parts, newest first."""
    out: list[Change] = []
    for kind, records in _records(plan_id).items():
        for record in records.select_related("history_user").order_by("-history_date")[:limit]:
            changes: list[tuple[str, Any, Any]] = []
            prev = record.prev_record
            if prev is not None and record.history_type == "~":
                delta = record.diff_against(prev)
                changes = [(c.field, c.old, c.new) for c in delta.changes]
            out.append(Change(kind, record, changes))
    out.sort(key=lambda c: (c.record.history_date, c.record.history_id), reverse=True)
    return out[:limit]


def find_record(plan_id: int, kind: str, history_id: int) -> Any:
    """The historical record, only if it belongs to this plan (else None)."""
    records = _records(plan_id).get(kind)
    return None if records is None else records.filter(history_id=history_id).first()


@transaction.atomic
def restore(record: Any, *, kind: str) -> Any:
    """Make the version in ``record`` current again (recreating the object if it was deleted).

    The restore itself is a new version, so it can be undone the same way.
    """
    instance = record.instance
    for field in instance._meta.concrete_fields:
        if field.is_relation and getattr(instance, field.attname) is not None:
            model = field.related_model
            if not model._default_manager.filter(pk=getattr(instance, field.attname)).exists():
                raise CannotRestore(
                    _("Restore the %(parent)s it belongs to first: it no longer exists.")
                    % {"parent": model._meta.verbose_name}
                )
    instance.save()
    if kind == "plan":
        instance.areas.set([row.area_id for row in record.areas.all()])
    return instance
