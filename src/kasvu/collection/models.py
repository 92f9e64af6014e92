"""Data collection rounds: a form sent to municipalities, their answers, and what became of them.

A :class:`Round` has :class:`Field` s (the form), the municipalities asked, the year the figures
describe and a deadline. Each municipality's answers are one :class:`Response` with one
:class:`Answer` per field. A response goes draft → submitted → (returned → submitted …) → approved;
an approved response is published: its figures into the bank (through the loader, so disclosure
control applies), its levels into the plan's self-assessment, its themes into the needs analysis.

Every model keeps its full history (django-simple-history): who changed which answer and when.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kasvu.bank.models import Area, ImportRun
from kasvu.collection import spec
from kasvu.plans.models import pick as _pick


class RoundKind(models.TextChoices):
    FIGURES = "figures", _("figures (social services survey)")
    SELF_ASSESSMENT = "self_assessment", _("self-assessment on levels 1–4")
    NEEDS = "needs", _("development-needs questionnaire")


class RoundStatus(models.TextChoices):
    PREPARING = "preparing", _("being prepared")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Round(models.Model):
    """One round of one questionnaire: the form, who is asked, for which year, by when."""

    slug = models.SlugField(
        _("short name"), max_length=64, unique=True, help_text=_("e.g. sosiaalipalvelut-2025")
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=300)
    name_sv = models.CharField(_("name (Swedish)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_fi = models.TextField(_("instructions (Finnish)"), blank=True)
    description_sv = models.TextField(_("instructions (Swedish)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices, default=RoundKind.FIGURES)
    year = models.PositiveSmallIntegerField(_("year of the figures"))
    opens = models.DateField(_("opens"), null=True, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.PREPARING
    )
    municipalities = models.ManyToManyField(
        Area, related_name="collection_rounds", verbose_name=_("municipalities asked")
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_rounds",
        verbose_name=_("last year's round"),
        help_text=_("Its answers are shown beside each field."),
    )
    change_threshold = models.PositiveSmallIntegerField(
        _("change needing an explanation (%)"), default=spec.DEFAULT_CHANGE_THRESHOLD
    )
    rules = models.JSONField(_("cross-field rules"), default=list, blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[municipalities])

    class Meta:
        ordering = ["-year", "deadline", "slug"]
        verbose_name = _("data collection round")

    def __str__(self) -> str:
        return self.name()

    def name(self, lang: str | None = None) -> str:
        return _pick(self, "name", lang)

    def description(self, lang: str | None = None) -> str:
        return _pick(self, "description", lang)

    def days_to_deadline(self, today: dt.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days

    def is_late(self, today: dt.date | None = None) -> bool:
        return self.days_to_deadline(today) < 0

    def field_specs(self) -> list[spec.FieldSpec]:
        return [f.spec() for f in self.fields.all()]

    def rule_specs(self) -> list[spec.RuleSpec]:
        return [spec.RuleSpec(r["kind"], tuple(r["fields"])) for r in self.rules or []]


class Field(models.Model):
    """One question of the form. Number fields with an indicator go to the bank when approved."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=64, help_text=_("Short identifier, e.g. staff-total."))
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        default="number",
        choices=[
            ("number", _("number")),
            ("choice", _("choice")),
            ("level", _("level 1–4")),
            ("themes", _("themes")),
            ("text", _("free text")),
        ],
    )
    label_fi = models.CharField(_("question (Finnish)"), max_length=500)
    label_sv = models.CharField(_("question (Swedish)"), max_length=500, blank=True)
    label_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_fi = models.TextField(_("help (Finnish)"), blank=True)
    help_sv = models.TextField(_("help (Swedish)"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    indicator = models.CharField(
        _("indicator"),
        max_length=100,
        blank=True,
        help_text=_("collection:<name>; empty: not stored in the bank."),
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0)
    min_value = models.DecimalField(
        _("smallest allowed"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest allowed"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    count = models.BooleanField(
        _("count of persons"), default=False, help_text=_("Small numbers are then not published.")
    )
    rights = models.JSONField(default=list, blank=True)
    right = models.CharField(_("right (self-assessment)"), max_length=20, blank=True)
    choices = models.JSONField(default=list, blank=True, help_text=_("[{value, fi, sv}]"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="collection_field_round_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.label()}"

    def label(self, lang: str | None = None) -> str:
        return _pick(self, "label", lang)

    def help(self, lang: str | None = None) -> str:
        return _pick(self, "help", lang)

    def spec(self) -> spec.FieldSpec:
        def dec(v: Decimal | None) -> Decimal | None:
            return None if v is None else Decimal(spec.canonical(Decimal(v)))

        return spec.FieldSpec(
            key=self.key,
            kind=self.kind,
            label={k: getattr(self, f"label_{k}") for k in spec.LANGS if getattr(self, f"label_{k}")},
            help={k: getattr(self, f"help_{k}") for k in ("fi", "sv") if getattr(self, f"help_{k}")},
            required=self.required,
            indicator=self.indicator,
            unit=self.unit,
            decimals=self.decimals,
            min=dec(self.min_value),
            max=dec(self.max_value),
            count=self.count,
            rights=tuple(self.rights or ()),
            right=self.right,
            choices=tuple(
                spec.Choice(str(c["value"]), {k: v for k, v in c.items() if k != "value"})
                for c in self.choices or []
            )
            or (
                tuple(spec.Choice(str(i), {"fi": str(i)}) for i in range(1, 5))
                if self.kind == "level"
                else ()
            ),
        )


class ResponseStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved")


EDITABLE = (ResponseStatus.NOT_STARTED, ResponseStatus.DRAFT, ResponseStatus.RETURNED)


class Response(models.Model):
    """One municipality's answers to one round, and where they are in the follow-up."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    municipality = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="collection_responses")
    status = models.CharField(
        max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.NOT_STARTED
    )
    language = models.CharField(max_length=2, default="fi")
    saved_by = models.CharField(max_length=150, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.CharField(max_length=150, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="collection_responses"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "municipality__name_fi"]
        constraints = [
            models.UniqueConstraint(fields=["round", "municipality"], name="collection_response_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round.slug} {self.municipality.code} {self.status}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


class Answer(models.Model):
    """The answer to one field: the value as stored, what was typed, an explanation and a comment."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    field = models.ForeignKey(Field, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(blank=True)  # canonical: numbers "1234.5", themes "1.1;2.2"
    typed = models.CharField(max_length=200, blank=True)  # as the editor typed it, e.g. "1 234,5"
    number = models.FloatField(null=True, blank=True)
    explanation = models.TextField(blank=True, help_text=_("Why the value changed much from last year."))
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "field"], name="collection_answer_unique")]

    def __str__(self) -> str:
        return f"{self.field.key}={self.value}"


class Event(models.Model):
    """What happened to a response, in words: saved, submitted, returned (with why), approved, published."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    user = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)
    via = models.CharField(max_length=10, default="web")  # web, excel, api, cli
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"


def user_name(user: object) -> str:
    """How a user is recorded: the username, or the CLI's name when there is no request."""
    if user is None:
        return ""
    if isinstance(user, str):
        return user
    return str(getattr(user, "get_username", lambda: "")())
