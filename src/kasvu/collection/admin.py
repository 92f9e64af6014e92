from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kasvu.collection.models import Answer, Event, Field, Response, Round


class FieldInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Field
    extra = 0
    fields = ["order", "key", "kind", "label_fi", "unit", "decimals", "indicator"]


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["slug", "name_fi", "kind", "year", "deadline", "status", "is_generated"]
    list_filter = ["kind", "status", "is_generated"]
    inlines = [FieldInline]


@admin.register(Response)
class ResponseAdmin(SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["round", "municipality", "status", "submitted_by", "approved_by"]
    list_filter = ["status", "round"]


admin.site.register(Answer, SimpleHistoryAdmin)
admin.site.register(Event)
