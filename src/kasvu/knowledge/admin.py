"""Admin for the needs analyses and the bank. Experts are edited in the app, where removal is logged."""

from __future__ import annotations

from django.contrib import admin

from kasvu.knowledge.models import Content, Entry, EntryRight, Mention, RemovalLog, Round, Theme


class EntryRightInline(admin.TabularInline):
    model = EntryRight
    extra = 0


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("title_fi", "kind", "start_year", "end_year", "is_generated")
    list_filter = ("kind", "is_generated")
    search_fields = ("title_fi", "title_sv", "title_en", "key")
    filter_horizontal = ("areas", "indicators")
    inlines = [EntryRightInline]


@admin.register(RemovalLog)
class RemovalLogAdmin(admin.ModelAdmin):
    list_display = ("removed_at", "kind", "removed_by", "reason")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(Round)
admin.site.register(Theme)
admin.site.register(Content)
admin.site.register(Mention)
