"""A plan arranged for reading: goals under the seven rights, with statuses and self-assessments.

The overview page, the follow-up page and the documents all use this one arrangement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kasvu import access
from kasvu.plans.models import (
    Goal,
    GoalIndicator,
    GoalKind,
    IndicatorFollowUp,
    Plan,
    PlanStatus,
    SelfAssessment,
)
from kasvu.plans.status import StatusResult, indicator_status
from kasvu.rights import RIGHTS

DUE_WITHIN_MONTHS = 6


@dataclass
class IndicatorView:
    link: GoalIndicator
    title: str
    area: str
    computed: StatusResult
    override: IndicatorFollowUp | None = None

    @property
    def status(self) -> str:
        return self.override.status if self.override else str(self.computed.status)


@dataclass
class GoalView:
    goal: Goal
    number: int
    statement: str
    rights: list[str]
    requirements: list[str]
    actions: list[Any]
    indicators: list[IndicatorView]


@dataclass
class RightSection:
    key: str
    label: str
    goals: list[GoalView] = field(default_factory=list)
    assessments: list[SelfAssessment] = field(default_factory=list)


@dataclass
class Overview:
    plan: Plan
    lang: str
    year: int | None
    rights: list[RightSection]
    implementation: list[GoalView]
    statuses: dict[int, IndicatorView]

    def status_of(self, link_id: int) -> IndicatorView | None:
        return self.statuses.get(link_id)

    @property
    def goals(self) -> list[GoalView]:
        seen: dict[int, GoalView] = {}
        for section in self.rights:
            for gv in section.goals:
                seen.setdefault(gv.goal.id, gv)
        return [*seen.values(), *self.implementation]


def plan_overview(plan: Plan, lang: str, *, year: int | None = None) -> Overview:
    """Arrange ``plan``; indicator statuses use the data up to ``year`` (all data when None)
    and the overrides of that year's follow-up (the latest follow-up when None)."""
    labels = {r.key: r.label(lang) for r in RIGHTS}
    follow_up = (
        plan.follow_ups.filter(year=year).first() if year else plan.follow_ups.order_by("-year").first()
    )
    overrides = {o.goal_indicator_id: o for o in follow_up.indicators.all()} if follow_up else {}
    goals = list(
        plan.goals.prefetch_related("requirements", "actions").prefetch_related(
            "indicators__indicator", "indicators__area"
        )
    )
    statuses: dict[int, IndicatorView] = {}
    views: list[GoalView] = []
    counters = {GoalKind.OUTCOME: 0, GoalKind.IMPLEMENTATION: 0}
    for goal in goals:
        counters[goal.kind] = counters.get(goal.kind, 0) + 1
        inds = []
        for link in goal.indicators.all():
            iv = IndicatorView(
                link,
                link.indicator.title(lang),
                link.area.name(lang),
                indicator_status(link, year),
                overrides.get(link.id),
            )
            statuses[link.id] = iv
            inds.append(iv)
        views.append(
            GoalView(
                goal,
                counters[goal.kind],
                goal.statement(lang),
                [labels[k] for k in goal.rights if k in labels],
                [r.text(lang) for r in goal.requirements.all()],
                list(goal.actions.all()),
                inds,
            )
        )
    sections = [RightSection(r.key, labels[r.key]) for r in RIGHTS]
    by_key = {s.key: s for s in sections}
    for gv in views:
        if gv.goal.kind == GoalKind.OUTCOME:
            for key in gv.goal.rights:
                if key in by_key:
                    by_key[key].goals.append(gv)
    for sa in plan.self_assessments.all():
        if sa.right in by_key:
            by_key[sa.right].assessments.append(sa)
    implementation = [gv for gv in views if gv.goal.kind == GoalKind.IMPLEMENTATION]
    return Overview(plan, lang, year, sections, implementation, statuses)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def plans_due_for_review(user: Any, today: dt.date | None = None) -> QuerySet[Plan]:
    """Approved plans the user may read whose review is due within six months (or overdue)."""
    today = today or timezone.localdate()
    due = Plan.objects.filter(
        status=PlanStatus.APPROVED, review_due__lte=add_months(today, DUE_WITHIN_MONTHS)
    )
    return access.visible_plans(user, due).order_by("review_due")
