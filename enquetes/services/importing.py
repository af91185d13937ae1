"""Importing a survey population from a buyer file, in the one format of buyer files
(`cooperatives.buyer_files`: columns, reading, per-row checks, which buyer a row designates).
Parsing writes nothing; it returns the rows and a per-row report in French. Confirming writes
every row (buyers through `cooperatives.services.journey.buyers_upsert`, with their history,
then the invitations) or none, and only when the report has no error. Confirming runs in the
background: `services.import_jobs` creates one `PopulationImportJob` per checked file, whose
task runs `population_import_job_work` (the writes, the count and "done" in one transaction).
Files not written are purged after a day (`population_imports_purge`)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from cooperatives.buyer_files import BuyerFileError, Parsed, buyer_file_read
from cooperatives.models import User
from cooperatives.services.buyer_import import (
    GONE,
    HAS_ERRORS,
    PREVIEW_LIFETIME,
    ImportRejected,
    Progress,
    has_errors,
    no_progress,
)
from cooperatives.services.journey import StaleImport, buyers_upsert
from coopqualite.jobs.models import Job
from coopqualite.jobs.services import job_finish
from enquetes.models import Campaign, Invitation, PopulationImport, PopulationImportJob

ImportFileError = BuyerFileError  # the file as a whole cannot be read (message in French)
__all__ = [
    "ImportFileError", "ImportRejected", "population_import_confirm",
    "population_import_prepare", "population_parse",
]  # fmt: skip


def population_parse(*, campaign: Campaign, data: bytes, filename: str) -> Parsed:
    """Read the file and check every row; nothing is written. A population must be reachable:
    a row without e-mail nor telephone is an error."""
    return buyer_file_read(
        data=data, filename=filename, cooperative_id=campaign.cooperative_id, contact_required=True
    )


def population_import_prepare(
    *, campaign: Campaign, data: bytes, filename: str, user: User
) -> PopulationImport:
    """Parse and keep the result for the preview (personal data stays until confirmed or
    abandoned, then is deleted)."""
    parsed = population_parse(campaign=campaign, data=data, filename=filename)
    PopulationImport.objects.filter(campaign=campaign, created_by=user, confirmed_at=None).delete()
    return PopulationImport.objects.create(
        campaign=campaign, filename=filename[:255], rows=parsed.rows, report=parsed.report,
        created_by=user,
    )  # fmt: skip


@transaction.atomic
def population_import_confirm(
    *, pending: PopulationImport, progress: Progress = no_progress
) -> int | None:
    """Write every row (buyers added or changed, lots if new, invitations) or none; the number
    of invitations added. A second call finds the import gone (claimed under a lock, deleted
    with the writes): None, nothing written."""
    claimed = PopulationImport.objects.select_for_update().filter(pk=pending.pk).first()
    if claimed is None:
        return None
    if has_errors(claimed.report):
        raise ImportRejected(HAS_ERRORS)
    campaign = claimed.campaign
    progress(10, f"Écriture de {len(claimed.rows)} acquéreurs")
    try:
        with transaction.atomic():
            written = buyers_upsert(
                cooperative_id=campaign.cooperative_id, rows=claimed.rows, user=claimed.created_by
            )
    except (StaleImport, IntegrityError) as exc:
        raise ImportRejected(str(exc)) from None
    invitations = [
        Invitation(
            campaign=campaign,
            buyer=buyer,
            programme_id=row["programme_id"],
            lot_code=buyer.lot.code,
            last_name=buyer.last_name,
            first_name=buyer.first_name,
            email=buyer.email,
            phone=buyer.phone,
            expires_at=campaign.closes_at,
        )
        for row, buyer in zip(claimed.rows, written.buyers, strict=True)
    ]
    progress(70, "Création des invitations")
    before = Invitation.objects.filter(campaign=campaign).count()
    Invitation.objects.bulk_create(invitations, batch_size=500, ignore_conflicts=True)
    claimed.delete()
    return Invitation.objects.filter(campaign=campaign).count() - before


def population_import_job_work(job: PopulationImportJob, progress: Progress) -> None:
    """The work of a `PopulationImportJob` (its task, through `coopqualite.jobs.services.job_run`):
    the rows, the count and "done" in one transaction. Run again after its worker died, it writes
    everything (the first transaction was rolled back); after a commit, it finds the file gone."""
    with transaction.atomic():
        added = population_import_confirm(
            pending=PopulationImport(pk=job.preview_id), progress=progress
        )
        if added is None:
            raise ImportRejected(GONE)
        job.added = added
        job.save(update_fields=["added"])
        job_finish(job=job, now=timezone.now())


def population_imports_purge(*, now: dt.datetime) -> int:
    """Delete the checked files (personal data) older than a day that no job is writing."""
    writing = PopulationImportJob.objects.filter(status__in=Job.UNFINISHED)
    deleted, _ = (
        PopulationImport.objects.filter(created_at__lt=now - PREVIEW_LIFETIME)
        .exclude(pk__in=writing.values("preview_id"))
        .delete()
    )
    return deleted
