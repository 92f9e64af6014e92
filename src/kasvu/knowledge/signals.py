"""Keep the SQLite FTS5 index in step with entries (PostgreSQL needs nothing)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from kasvu.knowledge import search
from kasvu.knowledge.models import Entry


@receiver(post_save, sender=Entry, dispatch_uid="knowledge_index_entry")
def index_saved_entry(sender: type[Entry], instance: Entry, using: str, **kwargs: Any) -> None:
    search.index_entry(instance.id, instance.search_terms, using=using)


@receiver(post_delete, sender=Entry, dispatch_uid="knowledge_unindex_entry")
def unindex_deleted_entry(sender: type[Entry], instance: Entry, using: str, **kwargs: Any) -> None:
    search.unindex_entry(instance.id, using=using)
