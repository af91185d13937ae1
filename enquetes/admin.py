"""Admin of the surveys app. Responses and answers are deliberately absent: in an anonymous
campaign nothing may tie an answer to a person, and the portal's pages show results."""

from django.contrib import admin

from enquetes.models import Campaign, Questionnaire


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "kind", "cooperative", "frozen_at"]
    list_filter = ["cooperative", "kind"]
    readonly_fields = ["frozen_at"]

    def get_readonly_fields(self, request, obj=None):
        """A frozen questionnaire shows what may no longer change as text (see
        Questionnaire.clean)."""
        if obj is not None and obj.is_frozen:
            return [*self.readonly_fields, *Questionnaire.FIXED_ONCE_FROZEN]
        return self.readonly_fields


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "cooperative", "opens_on", "closes_on", "anonymous"]
    list_filter = ["cooperative", "kind", "anonymous"]
    readonly_fields = ["launched_at"]
    raw_id_fields = ["questionnaire"]

    def get_readonly_fields(self, request, obj=None):
        """A launched campaign shows what may no longer change as text (see Campaign.clean)."""
        if obj is not None and obj.launched_at is not None:
            return [*self.readonly_fields, *Campaign.FIXED_ONCE_LAUNCHED]
        return self.readonly_fields
