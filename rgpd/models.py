"""Personal data in the product (GDPR): the privacy notice of each cooperative."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cooperatives.models import Cooperative, TenantQuerySet
from rgpd.retention import BUYER_IDENTITY, SURVEY_INVITATIONS


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


class RetentionSettings(models.Model):
    """How long the cooperative keeps each kind of personal data, within the bounds of
    `rgpd.retention` (the defaults apply while the director has set nothing)."""

    cooperative_path = "cooperative"

    cooperative = models.OneToOneField(
        Cooperative, on_delete=models.CASCADE, related_name="retention_settings"
    )
    buyer_identity = models.PositiveSmallIntegerField(
        "identité des acquéreurs (années après la fin de la dernière garantie)",
        default=BUYER_IDENTITY.default,
        validators=[
            MinValueValidator(BUYER_IDENTITY.minimum),
            MaxValueValidator(BUYER_IDENTITY.maximum),
        ],
    )
    survey_invitations = models.PositiveSmallIntegerField(
        "invitations aux enquêtes (mois après la clôture)",
        default=SURVEY_INVITATIONS.default,
        validators=[
            MinValueValidator(SURVEY_INVITATIONS.minimum),
            MaxValueValidator(SURVEY_INVITATIONS.maximum),
        ],
    )
    updated_at = models.DateTimeField("mise à jour", auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "règles de conservation"
        constraints = [
            models.CheckConstraint(
                name="retention_buyer_identity_within_bounds",
                condition=models.Q(
                    buyer_identity__gte=BUYER_IDENTITY.minimum,
                    buyer_identity__lte=BUYER_IDENTITY.maximum,
                ),
                violation_error_message="Durée hors des limites permises.",
            ),
            models.CheckConstraint(
                name="retention_survey_invitations_within_bounds",
                condition=models.Q(
                    survey_invitations__gte=SURVEY_INVITATIONS.minimum,
                    survey_invitations__lte=SURVEY_INVITATIONS.maximum,
                ),
                violation_error_message="Durée hors des limites permises.",
            ),
        ]

    def __str__(self) -> str:
        return f"Règles de conservation de {self.cooperative}"

    def values(self) -> dict[str, int]:
        return {
            BUYER_IDENTITY.key: self.buyer_identity,
            SURVEY_INVITATIONS.key: self.survey_invitations,
        }
