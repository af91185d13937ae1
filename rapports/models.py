"""The annual report: versions a director writes and approves, and the PDFs built from them.

A `ReportVersion` is one version of a cooperative's report for a year: a draft the director
edits (the campaigns it includes, the comments it quotes, the foreword, the highlights, next
year's priorities, the profile and governance figures), then approves. At most one draft per
cooperative and year; an approved version never changes again, and a new version is a new
draft copied from the last one. A `Report` is one build of a version as a PDF: previews of a
draft, and the one *final* build of an approved version, whose file is kept and never rebuilt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cooperatives.models import Cooperative, TenantQuerySet
from coopqualite.jobs.models import Job
from coopqualite.storage import private_storage
from enquetes.models import Campaign


def get_report_storage():
    # A callable keeps the machine's path out of the migrations.
    return private_storage


class ReportVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        APPROVED = "approved", "Approuvée"

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="report_versions"
    )
    year = models.PositiveSmallIntegerField("année")
    number = models.PositiveSmallIntegerField("version", default=1)
    state = models.CharField(
        "état", max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    campaigns = models.ManyToManyField(
        Campaign, blank=True, related_name="+", verbose_name="enquêtes présentées"
    )
    # Comments chosen by a person: [{"campaign": id, "text": "..."}]; nothing else is quoted.
    quotes = models.JSONField("commentaires cités", default=list, blank=True)
    foreword = models.TextField("éditorial", blank=True)
    highlights = models.TextField("faits marquants de l'année", blank=True)
    priorities = models.TextField("priorités de l'année prochaine", blank=True)
    members = models.PositiveIntegerField("sociétaires", null=True, blank=True)
    homes_built = models.PositiveIntegerField("logements mis en chantier", null=True, blank=True)
    homes_sold = models.PositiveIntegerField("logements vendus", null=True, blank=True)
    programmes_delivered = models.PositiveIntegerField("programmes livrés", null=True, blank=True)
    board_members = models.PositiveIntegerField(
        "membres du conseil d'administration", null=True, blank=True
    )
    board_meetings = models.PositiveIntegerField(
        "réunions du conseil d'administration", null=True, blank=True
    )
    agm_attendance = models.DecimalField(
        "participation à l'assemblée générale (%)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Sociétaires présents ou représentés, en pourcentage.",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    approved_at = models.DateTimeField("approuvée le", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="approuvée par",
    )
    # The signature as printed, kept even if the account is renamed or removed.
    approved_by_name = models.CharField("signée par", max_length=200, blank=True, editable=False)

    objects = TenantQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[campaigns])

    class Meta:
        verbose_name = "version du rapport annuel"
        verbose_name_plural = "versions du rapport annuel"
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year", "number"],
                name="report_version_number_unique",
                violation_error_message="Cette version du rapport existe déjà.",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "year"],
                condition=Q(state="draft"),
                name="one_report_draft_per_year",
                violation_error_message="Un brouillon du rapport de cette année existe déjà.",
            ),
            models.CheckConstraint(
                name="approved_report_is_dated_and_signed",
                condition=Q(state="draft", approved_at=None)
                | (Q(state="approved", approved_at__isnull=False) & ~Q(approved_by_name="")),
                violation_error_message="Une version approuvée est datée et signée.",
            ),
            models.CheckConstraint(
                name="report_version_year_is_plausible",
                condition=Q(year__gte=2000, year__lte=2100),
            ),
            models.CheckConstraint(
                name="agm_attendance_is_a_percentage",
                condition=Q(agm_attendance__gte=0, agm_attendance__lte=100)
                | Q(agm_attendance=None),
                violation_error_message="La participation est un pourcentage (0 à 100).",
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport {self.year}, version {self.number} — {self.cooperative}"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


class Report(Job):
    """One build of a report version as a PDF: a background job (`coopqualite.jobs`: status,
    progress, heartbeat; a build whose worker died is built again by the sweep, then failed)."""

    cooperative_path = "cooperative"

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="reports")
    version = models.ForeignKey(
        ReportVersion,
        on_delete=models.CASCADE,
        related_name="builds",
        null=True,
        blank=True,
        verbose_name="version",
    )
    # The PDF of an approved version: built once, then kept as it is.
    final = models.BooleanField("version approuvée", default=False)
    year = models.PositiveSmallIntegerField("année")
    file = models.FileField(storage=get_report_storage, upload_to="reports/", blank=True)
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandé par",
    )

    objects = TenantQuerySet.as_manager()

    class Meta(Job.Meta):
        verbose_name = "PDF du rapport annuel"
        verbose_name_plural = "PDF du rapport annuel"
        ordering = ["-requested_at"]
        constraints = [
            *Job.Meta.constraints,
            models.CheckConstraint(
                name="report_year_is_plausible", condition=Q(year__gte=2000, year__lte=2100)
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(final=True),
                name="one_final_pdf_per_report_version",
                violation_error_message="Le PDF de cette version approuvée existe déjà.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rapport {self.year} — {self.cooperative}"

    @property
    def filename(self) -> str:
        suffix = "" if self.final else "-apercu"
        return f"rapport-rse-{self.cooperative.slug}-{self.year}{suffix}.pdf"
