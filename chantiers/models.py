"""Phases of works, letters, their photos, and the e-mails that carry them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cooperatives.models import Buyer, Cooperative, Programme, TenantQuerySet
from coopqualite.outbox.models import OutboxMessage, OutboxQuerySet
from coopqualite.storage import private_storage

# The four essential phases of the works (charter, commitment 4), in order; a cooperative may
# name them its own way (`DefaultPhaseName`). Position 1..4 is what makes a phase essential.
ESSENTIAL_PHASES = (
    "Ouverture du chantier",
    "Hors d'eau, hors d'air",
    "Cloisons et équipements",
    "Achèvement et livraison",
)


def get_letter_storage():
    # A callable keeps the machine's path out of the migrations.
    return private_storage


class DefaultPhaseName(models.Model):
    """A cooperative's own name for one of the four essential phases (position 1 to 4)."""

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField("rang")
    name = models.CharField("nom", max_length=120)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "nom d'étape par défaut"
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "position"], name="default_phase_name_one_per_position"
            ),
            models.CheckConstraint(
                name="default_phase_name_position_essential",
                condition=Q(position__gte=1, position__lte=len(ESSENTIAL_PHASES)),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A phase of the works of a programme. Positions 1 to 4 are the essential phases, created
    together (`phases_create_default`); staff may add others after them."""

    cooperative_path = "programme__cooperative"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="phases", verbose_name="programme"
    )
    position = models.PositiveSmallIntegerField("rang")
    name = models.CharField("nom", max_length=120)
    planned_date = models.DateField("date prévue", null=True, blank=True)
    actual_date = models.DateField(
        "date réelle", null=True, blank=True, help_text="Le jour où l'étape a été atteinte."
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "étape du chantier"
        verbose_name_plural = "étapes du chantier"
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"],
                name="phase_unique_position_per_programme",
                violation_error_message="Ce programme a déjà une étape à ce rang.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_essential(self) -> bool:
        return 1 <= self.position <= len(ESSENTIAL_PHASES)


class LetterQuerySet(TenantQuerySet):
    def published(self) -> LetterQuerySet:
        return self.filter(published_at__isnull=False)


class Letter(models.Model):
    """A letter about one phase: written, previewed, then published once (to every buyer of the
    programme, and in their space)."""

    cooperative_path = "phase__programme__cooperative"

    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="letters", verbose_name="étape"
    )
    title = models.CharField("titre", max_length=200)
    body_html = models.TextField("texte")  # sanitized by chantiers.content.clean_html
    pdf = models.FileField(storage=get_letter_storage, upload_to="letters/", blank=True)
    pdf_name = models.CharField("nom du PDF", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = "lettre info chantier"
        verbose_name_plural = "lettres info chantier"
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class LetterPhoto(models.Model):
    """A photo of a letter, re-encoded as JPEG (at most `content.PHOTO_MAX_SIDE` pixels a side,
    no metadata), with its text alternative."""

    cooperative_path = "letter__phase__programme__cooperative"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=1)
    image = models.FileField(storage=get_letter_storage, upload_to="letters/photos/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt = models.CharField("description de la photo", max_length=200)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "photo de lettre"
        ordering = ["letter", "position"]

    def __str__(self) -> str:
        return self.alt


class LetterMessageQuerySet(OutboxQuerySet):
    pass


class LetterMessage(OutboxMessage):
    """The e-mail of a published letter to one buyer: one row per (letter, buyer), never two."""

    cooperative_path = "letter__phase__programme__cooperative"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="messages")
    buyer = models.ForeignKey(Buyer, on_delete=models.CASCADE, related_name="+")

    objects = LetterMessageQuerySet.as_manager()

    class Meta(OutboxMessage.Meta):
        verbose_name = "envoi de lettre"
        verbose_name_plural = "envois de lettres"
        constraints = [
            *OutboxMessage.Meta.constraints,
            models.UniqueConstraint(
                fields=["letter", "buyer"], name="letter_message_once_per_buyer"
            ),
        ]

    def __str__(self) -> str:
        return f"lettre {self.letter_id} → acquéreur {self.buyer_id}"
