"""The site search index: one row of terms per area, indicator and plan (see :mod:`kasvu.search.index`)."""

from __future__ import annotations

from django.db import models


class Document(models.Model):
    """The search terms of one area, indicator or plan.

    ``terms`` and ``title_terms`` are the words' terms (:mod:`kasvu.search.morphology`) between
    single spaces, with a space at both ends, so that ``LIKE '% lapsi %'`` finds a whole term the
    same way on SQLite and PostgreSQL.
    """

    kind = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    title_terms = models.TextField()
    terms = models.TextField()
    fingerprint = models.CharField(max_length=40, default="")  # of the texts and morphology (index.update)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")]
        verbose_name = "search document"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class IndexState(models.Model):
    """What the documents of one kind were built from; another signature means rebuild them."""

    kind = models.CharField(max_length=16, unique=True)
    signature = models.CharField(max_length=500)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.signature}"
