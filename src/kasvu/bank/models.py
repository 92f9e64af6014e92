"""The indicator bank's data model.

Areas have validity years and memberships with validity years, so that a
group value for 2010 uses the municipalities of 2010 (mergers). Observations
are unique per (indicator, area, period, breakdown) — the period is ``year`` and ``sub``
(kasvu.readmodel.periods) — and remember the import
that last changed them; replaced values are kept in
:class:`ObservationRevision`, so nothing stored is ever lost by an import.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _pick(obj: object, field: str, lang: str | None = None) -> str:
    """The ``field_<lang>`` text, falling back to Finnish, English, Swedish (:func:`kasvu.readmodel.pick_text`)."""
    from kasvu.readmodel.text import pick_text

    return pick_text(obj, field, (lang or get_language() or "fi")[:2])


class AreaKind(models.TextChoices):
    COUNTRY = "country", _("country")
    COUNTY = "county", _("wellbeing services county")
    REGION = "region", _("region")
    SUBREGION = "subregion", _("sub-region")
    MUNICIPALITY = "municipality", _("municipality")
    DISTRICT = "district", _("district")
    GROUP = "group", _("group of municipalities")


class ValidYears:
    """Models with ``valid_from`` and ``valid_to``: inclusive years, empty means open."""

    valid_from: int | None
    valid_to: int | None

    def is_valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


class Area(ValidYears, models.Model):
    """A country, county, region, sub-region, municipality, district or group.

    ``valid_from`` and ``valid_to`` are inclusive years; empty means open.
    A municipality merged into another on 1 January 2013 has ``valid_to=2012``.
    """

    kind = models.CharField(max_length=16, choices=AreaKind.choices)
    code = models.CharField(max_length=64, help_text=_("Official code, e.g. 049 for Espoo."))
    name_fi = models.CharField(max_length=200)
    name_sv = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    valid_from = models.IntegerField(null=True, blank=True)
    valid_to = models.IntegerField(null=True, blank=True)
    sotkanet_id = models.IntegerField(null=True, blank=True, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="area_kind_code_unique")]
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.name()} ({self.code})"

    def name(self, lang: str | None = None) -> str:
        return _pick(self, "name", lang)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"


class Membership(ValidYears, models.Model):
    """``member`` belongs to ``group`` in the years ``valid_from``–``valid_to``."""

    group = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="member_links")
    member = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="group_links")
    valid_from = models.IntegerField(null=True, blank=True)
    valid_to = models.IntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "member", "valid_from"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.group} {self.valid_from or ''}–{self.valid_to or ''}"


class Succession(models.Model):
    """A merger: ``predecessor`` became part of ``successor`` on 1 January ``year``."""

    predecessor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="predecessions")
    year = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique")]


class Source(models.Model):
    """Where indicators come from: THL Sotkanet, Statistics Finland, a survey, a local table."""

    key = models.SlugField(max_length=64, unique=True)
    name_fi = models.CharField(max_length=200)
    name_sv = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)
    licence = models.CharField(max_length=100, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    is_generated = models.BooleanField(
        default=False, help_text=_("Generated demo data, never real. Shown as such wherever it appears.")
    )

    def __str__(self) -> str:
        return self.name()

    def name(self, lang: str | None = None) -> str:
        return _pick(self, "name", lang)


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher_better", _("higher is better")
    LOWER_BETTER = "lower_better", _("lower is better")
    NEUTRAL = "neutral", _("neutral")


class Aggregation(models.TextChoices):
    RATIO = "ratio", _("sum of numerators / sum of denominators")
    SUM = "sum", _("sum of counts")
    WEIGHTED_MEAN = "weighted_mean", _("population-weighted mean (approximation)")
    NONE = "none", _("cannot be aggregated")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("year")
    SCHOOL_YEAR = "school_year", _("school year")
    HALF_YEAR = "half_year", _("half-year")
    QUARTER = "quarter", _("quarter")
    MONTH = "month", _("month")
    POOLED = "pooled", _("pooled years")
    SURVEY_ROUND = "survey_round", _("survey round")


class Disclosure(models.TextChoices):
    """How kasvu's disclosure control treats an indicator (kasvu.bank.disclosure)."""

    SENSITIVE = "sensitive", _("sensitive: values describing fewer persons than the threshold are hidden")
    NOT_SENSITIVE = "not_sensitive", _("not sensitive: every value is published, down to 1")
    DECLARED_SAFE = (
        "declared_safe",
        _("declared safe: values whose count cannot be derived are published (an analyst's decision)"),
    )


class CountKind(models.TextChoices):
    """What count of persons a value implies, when no numerator is stored."""

    DERIVED = "", _("derived: a count if aggregated as a sum or measured in persons, else a rate")
    COUNT = "count", _("the value is the count")
    RATE = "rate", _("the value is a rate: count = value × denominator / scale")


#: Units that mark an indicator whose value is a number of persons (also when aggregated otherwise).
COUNT_UNITS = frozenset({"persons", "henkilöä", "henkeä", "lkm", "personer", "antal", "count"})


class Indicator(models.Model):
    """An indicator's metadata. ``key`` is ``<source>:<source id>``."""

    key = models.CharField(max_length=100, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="indicators")
    source_code = models.CharField(max_length=100, help_text=_("The indicator's id at its source."))
    title_fi = models.CharField(max_length=500)
    title_sv = models.CharField(max_length=500, blank=True)
    title_en = models.CharField(max_length=500, blank=True)
    description_fi = models.TextField(blank=True)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    unit = models.CharField(max_length=50, blank=True)
    decimals = models.PositiveSmallIntegerField(default=1)
    scale = models.FloatField(default=1.0, help_text=_("value = numerator / denominator × scale"))
    numerator_fi = models.CharField(max_length=300, blank=True)
    numerator_sv = models.CharField(max_length=300, blank=True)
    numerator_en = models.CharField(max_length=300, blank=True)
    denominator_fi = models.CharField(max_length=300, blank=True)
    denominator_sv = models.CharField(max_length=300, blank=True)
    denominator_en = models.CharField(max_length=300, blank=True)
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.NEUTRAL)
    aggregation = models.CharField(max_length=16, choices=Aggregation.choices, default=Aggregation.NONE)
    period_kind = models.CharField(max_length=16, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    themes = models.JSONField(default=list, blank=True)
    rights = models.JSONField(default=list, blank=True, help_text=_("Keys of the seven children's rights."))
    licence = models.CharField(max_length=100, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    notes = models.JSONField(default=dict, blank=True)
    last_updated = models.DateTimeField(null=True, blank=True)
    suppression_threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    disclosure = models.CharField(
        max_length=16,
        choices=Disclosure.choices,
        default=Disclosure.SENSITIVE,
        db_default=Disclosure.SENSITIVE,
    )
    count_kind = models.CharField(
        max_length=8, choices=CountKind.choices, default="", db_default="", blank=True
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.title()} [{self.key}]"

    def title(self, lang: str | None = None) -> str:
        return _pick(self, "title", lang)

    def description(self, lang: str | None = None) -> str:
        return _pick(self, "description", lang)

    @property
    def threshold(self) -> int:
        return self.suppression_threshold or settings.KASVU["SUPPRESSION_THRESHOLD"]

    @property
    def is_count(self) -> bool:
        """Does the value itself count persons (so a value of 3 describes three persons)?"""
        if self.count_kind:
            return self.count_kind == CountKind.COUNT
        return self.aggregation == Aggregation.SUM or self.unit.strip().lower() in COUNT_UNITS


class Breakdown(models.Model):
    """A population subgroup: sex now; grade and age group when a source has them.

    ``key`` is canonical: ``total``, ``male``, ``female``, or e.g.
    ``grade=5;sex=female``. Ids 1–3 are always total, male, female.
    """

    key = models.CharField(max_length=100, unique=True)
    sex = models.CharField(max_length=8, default="total")
    grade = models.SmallIntegerField(null=True, blank=True)
    age_group = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.key


class ImportRun(models.Model):
    """One import: what came in, from where, when, and what it changed."""

    kind = models.CharField(max_length=32)
    source_file = models.CharField(max_length=500, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.CharField(max_length=150, blank=True)
    added = models.IntegerField(default=0)
    updated = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind} {self.source_file or self.source_url} ({self.started_at:%Y-%m-%d %H:%M})"


class Observation(models.Model):
    """One value of an indicator for an area, period (``year``, ``sub``) and breakdown.

    Written in bulk by :mod:`kasvu.bank.loader`, never one ORM save per row.
    The foreign keys have no database constraint: the loader resolves and
    checks every id before writing, and per-row constraint checks would cost
    more than half of the bulk-load time (see ``benchmarks/RESULTS.md``).
    Deleting an area or indicator still deletes its observations (Django
    cascades).
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="observations", db_constraint=False, db_index=False
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="observations", db_constraint=False, db_index=False
    )
    year = models.SmallIntegerField()
    #: The period within (or around) ``year``: 0 the whole year, 1–12 a month, 21–24 a quarter, 31–32 a
    #: half-year, 40 a school year, 100 + n n pooled years ending in ``year`` (kasvu.readmodel.periods).
    sub = models.SmallIntegerField(default=0, db_default=0)
    breakdown = models.ForeignKey(
        Breakdown, on_delete=models.PROTECT, default=1, db_constraint=False, db_index=False
    )
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    sample_size = models.IntegerField(null=True, blank=True)
    ci_lower = models.FloatField(null=True, blank=True)
    ci_upper = models.FloatField(null=True, blank=True)
    flags = models.IntegerField(default=0)
    suppressed = models.PositiveSmallIntegerField(
        default=0,
        db_default=0,
        choices=[
            (0, _("published")),
            (1, _("primary")),
            (2, _("secondary")),
            (3, _("internal: count unknown")),
        ],
        help_text=_("Disclosure control for the public, set by kasvu.bank.disclosure after each import."),
    )
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="observations", db_constraint=False, db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "year", "sub", "breakdown"], name="observation_unique"
            )
        ]


class ObservationRevision(models.Model):
    """A value as it was before an import replaced it, with its provenance."""

    # No database constraint, like Observation's own foreign keys: the loader writes revisions only for
    # observations it has just read, and a deferred check of every revision at commit took as long as
    # the whole update (benchmarks/RESULTS.md). Django still cascades deletes.
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="revisions", db_constraint=False
    )
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    sample_size = models.IntegerField(null=True, blank=True)
    ci_lower = models.FloatField(null=True, blank=True)
    ci_upper = models.FloatField(null=True, blank=True)
    flags = models.IntegerField(default=0)
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    replaced_by = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="replacements")


class GroupSuppression(models.Model):
    """A group value (computed from members, not stored) that must not be published.

    Written by :mod:`kasvu.bank.disclosure` together with ``Observation.suppressed``,
    so that a value computed for a region or a user group cannot reveal a
    hidden municipality by subtraction.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    year = models.SmallIntegerField()
    sub = models.SmallIntegerField(default=0, db_default=0)  # the period within the year, as Observation.sub
    breakdown = models.ForeignKey(Breakdown, on_delete=models.CASCADE, related_name="+")
    reason = models.PositiveSmallIntegerField(default=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "year", "sub", "breakdown"], name="group_suppression_unique"
            )
        ]
