"""A campaign's answers written to a file by a worker (`ExportJob`): an XLSX always, a CSV over
EXPORT_STREAM_MAX_RESPONSES responses (smaller ones stream from the request). The file lives in
private storage for EXPORT_LIFETIME after it is built, downloaded under the same permission as
the results page (`Campaign.export_permission`), then the purge deletes it with its row."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cooperatives.models import TenantQuerySet
from coopqualite.jobs.models import Job
from coopqualite.storage import private_storage
from enquetes.models.campaigns import Campaign

EXPORT_LIFETIME = dt.timedelta(hours=24)


def get_export_storage() -> FileSystemStorage:
    # A callable keeps the machine's path out of the migrations.
    return private_storage


class ExportJob(Job):
    """One export of a campaign's answers, built in the background (`coopqualite.jobs`: status,
    progress, heartbeat; a build whose worker died is built again by the sweep, then failed).
    At most one unfinished per campaign and format: a second click finds the first."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    cooperative_path = "campaign__cooperative"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField("format", max_length=4, choices=Format.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandé par",
    )
    file = models.FileField(storage=get_export_storage, upload_to="exports/", blank=True)
    rows = models.PositiveIntegerField("lignes", default=0)
    size = models.PositiveBigIntegerField("taille (octets)", default=0)

    objects = TenantQuerySet.as_manager()

    class Meta(Job.Meta):
        verbose_name = "export des réponses"
        verbose_name_plural = "exports des réponses"
        constraints = [
            *Job.Meta.constraints,
            models.UniqueConstraint(
                fields=["campaign", "format"],
                condition=Q(status__in=[status.value for status in Job.UNFINISHED]),
                name="export_job_one_unfinished_per_campaign_and_format",
                violation_error_message="Cet export est déjà en préparation.",
            ),
        ]

    def __str__(self) -> str:
        return f"Export {self.get_format_display()} — {self.campaign}"

    @property
    def filename(self) -> str:
        day = timezone.localdate(self.finished_at or self.requested_at)
        return f"enquete-{self.campaign_id}-{day:%Y%m%d}.{self.format}"

    @property
    def expires_at(self) -> dt.datetime | None:
        """The end of the download link of a built file."""
        if self.status != self.Status.DONE or self.finished_at is None:
            return None
        return self.finished_at + EXPORT_LIFETIME

    def downloadable(self, now: dt.datetime) -> bool:
        expires = self.expires_at
        return bool(self.file) and expires is not None and now < expires
