"""Development-needs analyses and the knowledge bank.

Needs analyses: a :class:`Round` asks M municipalities about their
development needs; answers are coded into hierarchical :class:`Theme` s with
optional :class:`Content` tags, one :class:`Mention` per municipality ×
theme × content. Counts are computed by :mod:`kasvu.knowledge.needs`.

Knowledge bank: an :class:`Entry` is a practice or service model, a project,
a network or an expert. Experts are personal data: they are saved only with
recorded consent (checked by ``clean()`` and by a database constraint), are
shown only to signed-in users and are removed on request, leaving only a
:class:`RemovalLog` line without the person's data. Entries therefore have no
simple_history table: history would keep what a removal must delete.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kasvu.bank.models import Area, Indicator
from kasvu.readmodel.text import pick_text
from kasvu.rights import RIGHTS
from kasvu.search.morphology import index_terms


def _pick(obj: object, field: str, lang: str | None = None) -> str:
    """``field_<lang>`` in the current language, with the one fallback of :func:`pick_text`."""
    return pick_text(obj, field, lang or get_language())


# --- Development-needs analyses -------------------------------------------------------------------


class Round(models.Model):
    """One development-needs analysis: when, which municipalities answered, out of how many (M)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    date = models.DateField(help_text=_("When the analysis was made, e.g. 2008-01-01 for January 2008."))
    total = models.PositiveSmallIntegerField(help_text=_("M: the number of municipalities in the round."))
    municipalities = models.ManyToManyField(Area, blank=True, related_name="needs_rounds")
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text=_("Where the analysis comes from."))
    assignment_is_synthetic = models.BooleanField(
        default=False,
        help_text=_(
            "The counts are real but which municipality is on which row is made up "
            "(the source gave only counts). Shown wherever rows by municipality appear."
        ),
    )

    class Meta:
        ordering = ["-date", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%Y-%m})"


class Theme(models.Model):
    """A theme of a round: ``1``, ``1.1``, ``2.1.3``; the parent is the code without its last part."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    note = models.CharField(
        max_length=300, blank=True, help_text=_('Shown before the contents, e.g. "Esimerkiksi:".')
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "order"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="knowledge_theme_round_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Content(models.Model):
    """A sub-content tag of a theme, e.g. "Lapsuuden nivelvaiheet" under 1.1."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="contents")
    label = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["theme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "label"], name="knowledge_content_theme_label")
        ]

    def __str__(self) -> str:
        return self.label


class Mention(models.Model):
    """One coded answer: this municipality named this theme (and this content)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="mentions")
    municipality = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="needs_mentions")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="mentions")
    content = models.ForeignKey(
        Content, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )

    class Meta:
        indexes = [models.Index(fields=["round", "theme"])]

    def __str__(self) -> str:
        return f"{self.municipality.code} {self.theme.code} {self.content or ''}".strip()


# --- The knowledge bank ------------------------------------------------------------------------


class EntryKind(models.TextChoices):
    PRACTICE = "practice", _("practice or service model")
    PROJECT = "project", _("project")
    NETWORK = "network", _("network")
    EXPERT = "expert", _("expert")


PUBLIC_KINDS: tuple[str, ...] = (EntryKind.PRACTICE, EntryKind.PROJECT, EntryKind.NETWORK)
RIGHT_CHOICES = [(r.key, r.en) for r in RIGHTS]

CONSENT_RECORDED = Q(consent_date__isnull=False) & ~Q(consent_method="") & ~Q(consent_recorded_by="")


class Entry(models.Model):
    """A practice, project, network or expert in the knowledge bank.

    ``key`` is a stable identifier for imports (``project:lapsen-aani``); URLs
    use the numeric id so that no name of a person ends up in a log.
    """

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    title_fi = models.CharField(_("title (Finnish)"), max_length=300)
    title_sv = models.CharField(_("title (Swedish)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_fi = models.TextField(_("description (Finnish)"), blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    tags = models.JSONField(default=list, blank=True, help_text=_("Keywords in any language."))
    areas = models.ManyToManyField(Area, blank=True, related_name="knowledge_entries")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="knowledge_entries")
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Empty: ongoing."))
    url = models.URLField(max_length=500, blank=True)
    funder = models.CharField(max_length=300, blank=True, help_text=_("Projects: who funds it."))
    organisation = models.CharField(max_length=300, blank=True, help_text=_("Coordinator, host or employer."))
    contact = models.CharField(
        max_length=300, blank=True, help_text=_("Experts: e-mail or phone, with consent.")
    )
    consent_date = models.DateField(null=True, blank=True)
    consent_method = models.CharField(
        max_length=200, blank=True, help_text=_("How consent was given, e.g. signed form, e-mail.")
    )
    consent_recorded_by = models.CharField(
        max_length=150, blank=True, help_text=_("Who recorded the consent.")
    )
    is_generated = models.BooleanField(default=False, help_text=_("Generated example, not a real entry."))
    source = models.CharField(max_length=300, blank=True, help_text=_("Where the information comes from."))
    search_terms = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "title_fi"]
        verbose_name_plural = "entries"
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="expert") | CONSENT_RECORDED, name="knowledge_expert_has_consent"
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(start_year__lte=models.F("end_year")),
                name="knowledge_entry_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title()

    def title(self, lang: str | None = None) -> str:
        return _pick(self, "title", lang)

    def description(self, lang: str | None = None) -> str:
        return _pick(self, "description", lang)

    @property
    def is_expert(self) -> bool:
        return self.kind == EntryKind.EXPERT

    @property
    def period(self) -> str:
        if self.start_year is None and self.end_year is None:
            return ""
        return f"{self.start_year or ''}–{self.end_year or ''}"

    def right_keys(self) -> list[str]:
        return [r.right for r in self.rights.all()]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == EntryKind.EXPERT:
            if self.consent_date is None:
                errors["consent_date"] = _("An expert can be saved only with the date of their consent.")
            if not self.consent_method:
                errors["consent_method"] = _("Record how the expert gave consent, e.g. signed form.")
            if not self.consent_recorded_by:
                errors["consent_recorded_by"] = _("Record who recorded the consent.")
        if self.start_year and self.end_year and self.start_year > self.end_year:
            errors["end_year"] = _("The end year is before the start year.")
        if not isinstance(self.tags, list) or not all(isinstance(t, str) for t in self.tags):
            errors["tags"] = _("Tags must be a list of words.")
        if errors:
            raise ValidationError(errors)

    def text_for_search(self) -> list[str]:
        return [
            self.title_fi,
            self.title_sv,
            self.title_en,
            self.description_fi,
            self.description_sv,
            self.description_en,
            " ".join(self.tags or []),
            self.funder,
            self.organisation,
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_terms = index_terms(self.text_for_search())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_terms"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class EntryRight(models.Model):
    """An entry concerns one of the seven children's rights (:mod:`kasvu.rights`)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="rights")
    right = models.CharField(max_length=20, choices=RIGHT_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "right"], name="knowledge_entry_right_unique")
        ]

    def __str__(self) -> str:
        return self.right


class RemovalLog(models.Model):
    """That an entry was removed on request: when, by whom, why. Never the person's data."""

    removed_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    removed_by = models.CharField(max_length=150)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["-removed_at"]

    def __str__(self) -> str:
        return f"{self.removed_at:%Y-%m-%d} {self.kind} removed by {self.removed_by}"


PLAN_TARGETS: tuple[tuple[str, str], ...] = (("plans", "goal"), ("plans", "action"))


class PlanLink(models.Model):
    """An entry supports a goal or an action of a child and youth welfare plan (:mod:`kasvu.plans`).

    A generic relation, so that this app has no migration dependency on the
    plans app; :meth:`clean` allows only ``plans.Goal`` and ``plans.Action``.
    Links are made with :func:`kasvu.knowledge.services.link_plan`.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="plan_links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "content_type", "object_id"], name="knowledge_plan_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} → {self.target}"

    def clean(self) -> None:
        if (self.content_type.app_label, self.content_type.model) not in PLAN_TARGETS:
            raise ValidationError(_("An entry can be linked only to a plan's goal or action."))
