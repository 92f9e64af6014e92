"""The search index in the admin: which morphology it uses (Voikko, or the Snowball fallback) and its state."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from kasvu.search import morphology
from kasvu.search.models import Document, IndexState


def announce_morphology(request: HttpRequest) -> None:
    m = morphology.default()
    if m.uses_voikko:
        messages.info(request, f"Finnish search uses {m.description}: base forms and compound words.")
    else:
        messages.warning(request, f"Finnish search: {m.description}")


class ReadOnlyIndexAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The index is built by kasvu, never edited by hand; its lists say which morphology built it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        announce_morphology(request)
        return super().changelist_view(request, extra_context)


@admin.register(IndexState)
class IndexStateAdmin(ReadOnlyIndexAdmin):
    list_display = ("kind", "signature", "built_at")


@admin.register(Document)
class DocumentAdmin(ReadOnlyIndexAdmin):
    list_display = ("kind", "object_id", "title_terms")
    list_filter = ("kind",)
    search_fields = ("terms",)
