"""Survey rounds, their imports, and the response microdata.

Microdata (:class:`Response`) are personal data about children. They live in a
table of their own that only :mod:`kasvu.surveys.microdata` reads or writes,
only for analysts and the command line; no URL, API endpoint or admin page
serves them, and ``kasvu survey purge`` deletes them once the results are
published. The published figures are ordinary bank observations.

One row per respondent: the standard columns (area, grade, sex, weight, design)
as columns, the answers as a JSON array in the order of
:attr:`SurveyImport.questions`. At 250,000 respondents this is 250,000 rows
(long format would be 3 million) written with one ``COPY`` (PostgreSQL) or
``executemany`` (SQLite).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kasvu.bank.models import _pick


class Survey(models.Model):
    """One round of a survey, e.g. the pupil survey of 2024, with the codebook it was imported with."""

    key = models.SlugField(
        max_length=64, unique=True, help_text=_("Codebook key and round, e.g. pupil_survey_2024.")
    )
    codebook_key = models.CharField(max_length=64)
    round = models.CharField(max_length=32)
    year = models.SmallIntegerField()
    name_fi = models.CharField(max_length=300)
    name_sv = models.CharField(max_length=300, blank=True)
    name_en = models.CharField(max_length=300, blank=True)
    codebook_yaml = models.TextField(help_text=_("The codebook as imported (YAML)."))
    generated = models.BooleanField(default=False, help_text=_("The responses are generated demo data."))
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=150, blank=True)
    published_import = models.ForeignKey(
        "SurveyImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publish_run = models.ForeignKey(
        "bank.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_cells = models.IntegerField(default=0)
    suppressed_cells = models.IntegerField(default=0)
    purged_at = models.DateTimeField(null=True, blank=True)
    purged_by = models.CharField(max_length=150, blank=True)
    purged_rows = models.IntegerField(default=0)

    class Meta:
        ordering = ["-year", "key"]

    def __str__(self) -> str:
        return f"{self.name()} {self.round}"

    def name(self, lang: str | None = None) -> str:
        return _pick(self, "name", lang)

    @property
    def source_key(self) -> str:
        """The bank source of the published figures, e.g. ``survey-pupil-survey-2024``."""
        return "survey-" + self.key.replace("_", "-").lower()

    @property
    def current_import(self) -> SurveyImport | None:
        return self.imports.filter(superseded_at__isnull=True).order_by("-imported_at", "-id").first()

    @property
    def is_published(self) -> bool:
        """Published from the current import (a newer import makes the publication out of date)."""
        current = self.current_import
        return (
            self.published_at is not None and current is not None and self.published_import_id == current.id
        )


class SurveyImport(models.Model):
    """One response file stored as microdata: who imported what, when, how many respondents."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64)
    imported_by = models.CharField(max_length=150, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    rows = models.IntegerField(help_text=_("Respondents stored."))
    generated = models.BooleanField(default=False)
    row_convention = models.CharField(max_length=200, blank=True)
    questions = models.JSONField(default=list, help_text=_("Question ids in the order of Response.answers."))
    superseded_at = models.DateTimeField(null=True, blank=True, help_text=_("Replaced by a later import."))
    purged_at = models.DateTimeField(null=True, blank=True, help_text=_("Microdata deleted."))

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.survey.key}: {self.file_name} ({self.rows} respondents)"


class Response(models.Model):
    """One respondent's answers. Read and written only by :mod:`kasvu.surveys.microdata`."""

    survey_import = models.ForeignKey(SurveyImport, on_delete=models.CASCADE, related_name="+")
    file_row = models.IntegerField(help_text=_("Row (or SPSS case) in the imported file."))
    area = models.CharField(max_length=16)
    school = models.CharField(max_length=64, null=True)
    grade = models.SmallIntegerField()
    sex = models.CharField(max_length=8)
    age = models.SmallIntegerField(null=True)
    weight = models.FloatField()
    stratum = models.CharField(max_length=64, null=True)
    cluster = models.CharField(max_length=64, null=True)
    answers = models.JSONField(
        help_text=_("Answer codes in the order of SurveyImport.questions; null = none.")
    )

    class Meta:
        default_permissions = ()  # no admin rights can be granted on microdata
