from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cooperatives.models import Buyer, Cooperative, Federation, Lot, Programme, User


@admin.register(Federation)
class FederationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "federation", "homes_count"]
    list_filter = ["federation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "cooperative", "federation", "is_active"]
    list_filter = ["role", "cooperative", "federation", "is_active", "is_superuser"]
    list_select_related = ["cooperative", "federation"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Rattachement", {"fields": ("role", "cooperative", "federation", "is_federation_admin")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Rattachement", {"fields": ("email", "role", "cooperative", "federation")}),
    )


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "city", "financing", "cooperative"]
    list_filter = ["cooperative", "financing"]
    search_fields = ["name", "code"]


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["code", "programme", "typology"]
    list_filter = ["programme__cooperative", "programme"]
    list_select_related = ["programme"]
    search_fields = ["code"]


@admin.register(Buyer)
class BuyerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lot", "delivery_date"]
    list_filter = ["lot__programme__cooperative", "lot__programme"]
    list_select_related = ["lot"]
    search_fields = ["last_name", "email", "lot__code"]
    raw_id_fields = ["lot", "interlocutor"]
    # The announced month has its log (DeliveryAnnouncement), kept by the buyer's page in the
    # portal (cooperatives.services.journey): not changed here.
    readonly_fields = ["delivery_month_announced", "delivery_month_announced_on"]
