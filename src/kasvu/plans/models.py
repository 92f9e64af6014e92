"""Child and youth welfare plans (Child Welfare Act 417/2007 §12) and their yearly follow-up.

A plan belongs to one municipality or to several jointly. Its structure follows
the plans municipalities actually write (see seed 003, Espoo 2013):

- **outcome goals** (client-level goals) under one or more of the seven rights;
- **implementation goals** (service-development goals), each with the
  **requirements** it "edellyttää";
- **actions** under any goal, with an owner, partners, schedule and resources;
- **indicators** linked to goals, with a baseline and a target;
- a **follow-up** per year: how each action went, and each indicator's status
  (computed from the bank, overridable with a recorded reason);
- a **self-assessment** of process indicators on levels 1–4.

Every model keeps its full version history (django-simple-history).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kasvu.bank.models import Area, Direction, Indicator
from kasvu.labels import date_label
from kasvu.readmodel.text import pick_text
from kasvu.rights import RIGHT_KEYS

REVIEW_YEARS = 4


def pick(obj: object, field: str, lang: str | None = None) -> str:
    """The ``field_<lang>`` text in the current language, with the one fallback of :func:`pick_text`."""
    return pick_text(obj, field, lang or get_language())


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validate_rights(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise ValidationError(_("Rights must be a list of keys."))
    unknown = sorted(set(value) - RIGHT_KEYS)
    if unknown:
        raise ValidationError(
            _("Unknown right %(keys)s. Use one of: %(valid)s."),
            params={"keys": ", ".join(unknown), "valid": ", ".join(sorted(RIGHT_KEYS))},
        )


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    ARCHIVED = "archived", _("archived")


class Plan(models.Model):
    """One child and youth welfare plan of one or several municipalities."""

    title_fi = models.CharField(_("title (Finnish)"), max_length=300)
    title_sv = models.CharField(_("title (Swedish)"), max_length=300, blank=True)
    areas = models.ManyToManyField(Area, related_name="plans", verbose_name=_("municipalities"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    approved_by = models.CharField(_("approving body"), max_length=200, blank=True)
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_("At most four years after approval; empty means exactly four years."),
    )
    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        ordering = ["-start_year", "title_fi"]
        verbose_name = _("plan")

    def __str__(self) -> str:
        return self.title()

    def title(self, lang: str | None = None) -> str:
        return pick(self, "title", lang)

    @property
    def review_overdue(self) -> bool:
        """The review date has passed (today in Helsinki): pages say "overdue", not "due"."""
        return bool(self.review_due and self.review_due < timezone.localdate())

    def latest_review_date(self) -> dt.date | None:
        return add_years(self.approved_on, REVIEW_YEARS) if self.approved_on else None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The last year cannot be before the first year.")
        if self.status == PlanStatus.APPROVED and not self.approved_on:
            errors["approved_on"] = _("An approved plan needs its approval date.")
        latest = self.latest_review_date()
        if self.review_due and latest is None:
            errors["review_due"] = _("Give the approval date first: the review is due from it.")
        elif self.review_due and latest and self.review_due > latest:
            errors["review_due"] = _(
                "The plan must be reviewed at least every four years: at the latest on %(d)s."
            ) % {"d": date_label(latest, (get_language() or "fi")[:2])}
        elif self.review_due and self.approved_on and self.review_due < self.approved_on:
            errors["review_due"] = _("The review cannot be due before the approval.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: object, **kwargs: object) -> None:
        if self.review_due is None and self.approved_on:
            self.review_due = self.latest_review_date()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class GoalKind(models.TextChoices):
    OUTCOME = "outcome", _("client-level goal")
    IMPLEMENTATION = "implementation", _("implementation goal")


class Goal(models.Model):
    """A client-level (outcome) goal under rights, or an implementation goal for the services."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    kind = models.CharField(_("kind"), max_length=16, choices=GoalKind.choices, default=GoalKind.OUTCOME)
    rights = models.JSONField(_("rights"), default=list, blank=True, validators=[validate_rights])
    statement_fi = models.TextField(_("goal (Finnish)"))
    statement_sv = models.TextField(_("goal (Swedish)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("goal")

    def __str__(self) -> str:
        return self.statement()[:80]

    def statement(self, lang: str | None = None) -> str:
        return pick(self, "statement", lang)

    def clean(self) -> None:
        if self.kind == GoalKind.OUTCOME and not self.rights:
            raise ValidationError(
                {"rights": _("A client-level goal serves at least one of the seven rights.")}
            )


class Requirement(models.Model):
    """What an implementation goal requires ("edellyttää …")."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="requirements")
    text_fi = models.TextField(_("requirement (Finnish)"))
    text_sv = models.TextField(_("requirement (Swedish)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "order", "id"]
        verbose_name = _("requirement")

    def __str__(self) -> str:
        return self.text()[:80]

    def text(self, lang: str | None = None) -> str:
        return pick(self, "text", lang)


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    DELAYED = "delayed", _("delayed")
    CANCELLED = "cancelled", _("cancelled")


class Action(models.Model):
    """Something someone does for a goal, with a schedule and resources."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    description_fi = models.TextField(_("action (Finnish)"))
    description_sv = models.TextField(_("action (Swedish)"), blank=True)
    owner = models.CharField(_("responsible body"), max_length=200, blank=True)
    partners = models.CharField(_("partners"), max_length=500, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    resources = models.TextField(_("resources"), blank=True)
    budget_eur = models.DecimalField(
        _("budget (euros)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "order", "id"]
        verbose_name = _("action")

    def __str__(self) -> str:
        return self.description()[:80]

    def description(self, lang: str | None = None) -> str:
        return pick(self, "description", lang)

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot be before the start.")})
        if self.budget_eur is not None and self.budget_eur < 0:
            raise ValidationError({"budget_eur": _("The budget cannot be negative.")})


class TargetStatus(models.TextChoices):
    REACHED = "reached", _("reached")
    ON_TRACK = "on_track", _("on track")
    OFF_TRACK = "off_track", _("off track")
    NO_DATA = "no_data", _("no data")


class GoalIndicator(models.Model):
    """An indicator of the bank measuring a goal in an area, with baseline and target."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="plan_links")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="plan_indicators")
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    direction = models.CharField(
        _("direction"),
        max_length=16,
        choices=Direction.choices,
        blank=True,
        help_text=_("Empty: the indicator's own direction."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "order", "id"]
        verbose_name = _("goal indicator")

    def __str__(self) -> str:
        return f"{self.indicator.title()} – {self.area.name()}"

    def clean(self) -> None:
        if self.baseline_year and self.target_year and self.target_year < self.baseline_year:
            raise ValidationError({"target_year": _("The target year cannot be before the baseline year.")})

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.direction and self.indicator_id:
            self.direction = self.indicator.direction
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class GoalIndicatorStatus(models.Model):
    """A computed target status, recorded whenever it changes (e.g. after an import)."""

    goal_indicator = models.ForeignKey(GoalIndicator, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField(max_length=10, choices=TargetStatus.choices)
    latest_year = models.SmallIntegerField(null=True, blank=True)
    latest_value = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)
    import_run_id = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["goal_indicator", "computed_at", "id"]

    def __str__(self) -> str:
        return f"{self.goal_indicator_id}: {self.status} ({self.latest_year})"


class FollowUp(models.Model):
    """The yearly follow-up of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="follow_ups")
    year = models.PositiveSmallIntegerField(_("year"))
    summary_fi = models.TextField(_("summary (Finnish)"), blank=True)
    summary_sv = models.TextField(_("summary (Swedish)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="followup_plan_year_unique")]
        verbose_name = _("follow-up")

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"

    def summary(self, lang: str | None = None) -> str:
        return pick(self, "summary", lang)


class ActionFollowUp(models.Model):
    """How an action went in a follow-up year."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="actions")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="follow_ups")
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices)
    narrative_fi = models.TextField(_("how it went (Finnish)"), blank=True)
    narrative_sv = models.TextField(_("how it went (Swedish)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follow_up", "action"], name="actionfollowup_unique")]

    def narrative(self, lang: str | None = None) -> str:
        return pick(self, "narrative", lang)


class IndicatorFollowUp(models.Model):
    """A person's override of an indicator's computed status in a follow-up year: who and why."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="indicators")
    goal_indicator = models.ForeignKey(GoalIndicator, on_delete=models.CASCADE, related_name="follow_ups")
    status = models.CharField(_("status"), max_length=10, choices=TargetStatus.choices)
    reason = models.TextField(_("reason"))
    overridden_by = models.CharField(_("by"), max_length=150, blank=True)
    overridden_at = models.DateTimeField(_("at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "goal_indicator"], name="indicatorfollowup_unique")
        ]


class SelfAssessment(models.Model):
    """A process indicator rated on levels 1–4 (cf. UNICEF's child-friendly municipality, TEAviisari)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="self_assessments")
    right = models.CharField(_("right"), max_length=20)
    title_fi = models.CharField(_("process indicator (Finnish)"), max_length=300)
    title_sv = models.CharField(_("process indicator (Swedish)"), max_length=300, blank=True)
    level_1_fi = models.TextField(_("level 1 (Finnish)"), blank=True)
    level_2_fi = models.TextField(_("level 2 (Finnish)"), blank=True)
    level_3_fi = models.TextField(_("level 3 (Finnish)"), blank=True)
    level_4_fi = models.TextField(_("level 4 (Finnish)"), blank=True)
    level_1_sv = models.TextField(_("level 1 (Swedish)"), blank=True)
    level_2_sv = models.TextField(_("level 2 (Swedish)"), blank=True)
    level_3_sv = models.TextField(_("level 3 (Swedish)"), blank=True)
    level_4_sv = models.TextField(_("level 4 (Swedish)"), blank=True)
    level = models.PositiveSmallIntegerField(
        _("level"), null=True, blank=True, choices=[(i, str(i)) for i in range(1, 5)]
    )
    evidence = models.TextField(_("evidence links"), blank=True, help_text=_("One link per line."))
    comment = models.TextField(_("comment"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("self-assessment")

    def __str__(self) -> str:
        return self.title()

    def title(self, lang: str | None = None) -> str:
        return pick(self, "title", lang)

    def level_text(self, level: int, lang: str | None = None) -> str:
        return pick(self, f"level_{level}", lang)

    def level_description(self, lang: str | None = None) -> str:
        """The description of the level reached (empty when not assessed)."""
        return self.level_text(self.level, lang) if self.level else ""

    def evidence_links(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.right not in RIGHT_KEYS:
            raise ValidationError({"right": _("Choose one of the seven rights.")})


#: Models with history, by the name used in URLs of the history view.
VERSIONED: dict[str, type[models.Model]] = {
    "plan": Plan,
    "goal": Goal,
    "requirement": Requirement,
    "action": Action,
    "goalindicator": GoalIndicator,
    "followup": FollowUp,
    "actionfollowup": ActionFollowUp,
    "indicatorfollowup": IndicatorFollowUp,
    "selfassessment": SelfAssessment,
}
