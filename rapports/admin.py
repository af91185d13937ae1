from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rapports.models import Report, ReportVersion


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["cooperative", "year", "version", "final", "status", "pages", "built_by",
                    "requested_at"]  # fmt: skip
    list_filter = ["cooperative", "status", "year"]
    readonly_fields = ["version", "final", "status", "progress", "step", "file", "pages", "size",
                       "error", "started_at", "finished_at"]  # fmt: skip


@admin.register(ReportVersion)
class ReportVersionAdmin(SimpleHistoryAdmin):
    # Read-only: versions are written and approved in the portal (their history kept there).
    list_display = ["cooperative", "year", "number", "state", "approved_at", "approved_by_name"]
    list_filter = ["cooperative", "state", "year"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
