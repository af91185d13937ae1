"""Built annual reports: every build is kept, with who built it and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cooperatives.models import Cooperative, TenantQuerySet
from coopqualite.storage import private_storage


def get_report_storage():
    # A callable keeps the machine's path out of the migrations.
    return private_storage


class Report(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Prêt"
        FAILED = "failed", "Échec"

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField("année")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    step = models.CharField("étape", max_length=120, blank=True)
    file = models.FileField(storage=get_report_storage, upload_to="reports/", blank=True)
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandé par",
    )
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "rapport annuel"
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                name="report_year_is_plausible", condition=Q(year__gte=2000, year__lte=2100)
            ),
            models.CheckConstraint(
                name="report_progress_is_a_percentage", condition=Q(progress__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport {self.year} — {self.cooperative}"

    @property
    def filename(self) -> str:
        return f"rapport-rse-{self.cooperative.slug}-{self.year}.pdf"
