"""Cooperative principles and the commitments that make them concrete."""

from django.db import models

from cooperatives.models import Cooperative, TenantQuerySet


class Principle(models.Model):
    """One of the seven cooperative principles (fixed reference data, loaded by migration)."""

    code = models.SlugField(unique=True)
    name = models.CharField("nom", max_length=50, unique=True)
    description = models.TextField("description")
    position = models.PositiveSmallIntegerField("ordre", unique=True)

    class Meta:
        verbose_name = "principe coopératif"
        verbose_name_plural = "principes coopératifs"
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    """A commitment of a cooperative to its buyers, by default one of the 8 charter titles."""

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name="coopérative",
    )
    number = models.PositiveSmallIntegerField("numéro")
    charter_number = models.PositiveSmallIntegerField(
        "engagement de la charte",
        null=True,
        blank=True,
        help_text="Numéro (1 à 8) de l'engagement de la charte Coop'HLM auquel il se mesure.",
    )
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    principles = models.ManyToManyField(
        Principle, related_name="commitments", verbose_name="principes incarnés", blank=True
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "engagement"
        ordering = ["cooperative", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "number"], name="commitment_unique_number_per_cooperative"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "charter_number"],
                name="commitment_unique_charter_number_per_cooperative",
            ),
            models.CheckConstraint(
                name="commitment_charter_number_1_to_8",
                condition=models.Q(charter_number__isnull=True)
                | models.Q(charter_number__gte=1, charter_number__lte=8),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
