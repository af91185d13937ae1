"""Personal data in the product (GDPR): the privacy notice of each cooperative."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cooperatives.models import Cooperative, TenantQuerySet


class PrivacyNotice(models.Model):
    """What the cooperative tells buyers about their personal data, as its director wrote it.
    An empty section is read as its default text (`rgpd.notice.default_sections`); the
    retention section is always the cooperative's retention rules, never typed."""

    cooperative_path = "cooperative"

    cooperative = models.OneToOneField(
        Cooperative, on_delete=models.CASCADE, related_name="privacy_notice"
    )
    controller = models.TextField("responsable du traitement", blank=True)
    purposes = models.TextField("finalités", blank=True)
    legal_basis = models.TextField("base légale", blank=True)
    recipients = models.TextField("destinataires", blank=True)
    rights = models.TextField("vos droits", blank=True)
    contact = models.TextField("contact", blank=True)
    updated_at = models.DateTimeField("mise à jour", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "notice de confidentialité"

    def __str__(self) -> str:
        return f"Notice de confidentialité de {self.cooperative}"
