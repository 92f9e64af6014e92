"""Survey metadata in the admin. Responses (microdata) are deliberately not registered."""

from django.contrib import admin

from kasvu.surveys.models import Survey, SurveyImport


class SurveyImportInline(admin.TabularInline):
    model = SurveyImport
    extra = 0
    can_delete = False
    fields = ["file_name", "imported_by", "imported_at", "rows", "generated", "superseded_at", "purged_at"]
    readonly_fields = fields


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["key", "name_fi", "year", "generated", "published_at", "purged_at"]
    readonly_fields = [
        "key",
        "codebook_key",
        "round",
        "year",
        "codebook_yaml",
        "generated",
        "created_at",
        "published_at",
        "published_by",
        "published_import",
        "publish_run",
        "published_cells",
        "suppressed_cells",
        "purged_at",
        "purged_by",
        "purged_rows",
    ]
    inlines = [SurveyImportInline]

    def has_add_permission(self, request):  # surveys come from `kasvu survey import`
        return False


@admin.register(SurveyImport)
class SurveyImportAdmin(admin.ModelAdmin):
    list_display = ["survey", "file_name", "imported_by", "imported_at", "rows", "generated", "purged_at"]
    readonly_fields = [f.name for f in SurveyImport._meta.fields]

    def has_add_permission(self, request):
        return False
