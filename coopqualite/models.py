"""Models every app shares: the record of who exported buyers' personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cooperatives.models import TenantQuerySet


class PersonalDataExport(models.Model):
    """One export of buyers' personal data: who (a user, or a command), when, what. Written by
    `coopqualite.exportlog.personal_data_export_record` wherever such a file leaves the portal
    (a nominative campaign's responses, a buyer's data, a cooperative's take-out); shown to the
    director. It names the file, never the people in it."""

    cooperative = models.ForeignKey(
        "cooperatives.Cooperative", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    what = models.CharField("export", max_length=300)
    at = models.DateTimeField("le")

    cooperative_path = "cooperative"
    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "export de données personnelles"
        verbose_name_plural = "exports de données personnelles"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["cooperative", "-at"], name="export_log_cooperative_at")]

    def __str__(self) -> str:
        return self.what
