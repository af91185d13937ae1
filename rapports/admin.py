from django.contrib import admin

from rapports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["cooperative", "year", "status", "pages", "built_by", "requested_at"]
    list_filter = ["cooperative", "status", "year"]
    readonly_fields = ["status", "progress", "step", "file", "pages", "size", "error",
                       "started_at", "finished_at"]  # fmt: skip
