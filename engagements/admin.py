from django.contrib import admin

from engagements.models import Commitment, Principle


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ["position", "name"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "cooperative"]
    list_filter = ["cooperative"]
    filter_horizontal = ["principles"]
