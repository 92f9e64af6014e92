"""Plans in the admin, with django-simple-history's history and revert on every model."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kasvu.plans.models import VERSIONED, GoalIndicatorStatus

for model in VERSIONED.values():
    admin.site.register(model, SimpleHistoryAdmin)


@admin.register(GoalIndicatorStatus)
class GoalIndicatorStatusAdmin(admin.ModelAdmin):
    list_display = ["goal_indicator", "status", "latest_year", "latest_value", "computed_at"]
    list_filter = ["status"]
