from django.contrib import admin

from kasvu import access
from kasvu.accounts.models import AuditEvent, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    filter_horizontal = ["areas"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "username", "method", "path", "ip", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "path"]

    def has_change_permission(self, request, obj=None):  # the log is append-only
        return False

    def has_module_permission(self, request):
        """Regional administrators read the log (docs/security.md), with or without Django permissions."""
        return access.is_admin(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return access.is_admin(request.user) or super().has_view_permission(request, obj)
