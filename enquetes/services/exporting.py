"""Writing a campaign's answers to a file in a worker (`ExportJob`, `coopqualite.jobs`), and
purging the files a day after they were built. Knows nothing of Celery:
`enquetes.services.export_jobs` queues the builds.

Memory stays flat whatever the number of responses: rows come from `campaign_export_rows` (two
server-side cursors merged, nothing held back), go to a temporary file (`coopqualite.xlsx`, a
streaming writer that leaves empty cells out; `csv` for CSV) and only then to private storage.
Building again from the start is harmless (the file is stored last, with its row): the sweep
may queue one whose worker died.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable
from typing import IO

from django.core.files import File

from coopqualite.jobs.models import Job
from coopqualite.jobs.services import Progress
from coopqualite.spreadsheets import CSV_DELIMITER, CSV_ENCODING
from coopqualite.xlsx import xlsx_write
from enquetes.models import Campaign, ExportJob, Response
from enquetes.models.exports import EXPORT_LIFETIME
from enquetes.selectors import campaign_export_rows

PROGRESS_EVERY = 2_000  # rows between two progress reports (and heartbeats)
PURGE_BATCH = 500


def completed_responses(campaign: Campaign) -> int:
    """The rows of its export: what decides between streaming and a worker."""
    return Response.objects.filter(campaign=campaign, completed=True).count()


def _write_csv(rows: Iterable[list[str]], handle: IO[bytes], tick: Callable[[], None]) -> None:
    text = io.TextIOWrapper(handle, encoding=CSV_ENCODING, newline="")
    writer = csv.writer(text, delimiter=CSV_DELIMITER)
    for row in rows:
        writer.writerow(row)
        tick()
    text.flush()
    text.detach()  # the caller keeps the file


def _write_xlsx(rows: Iterable[list[str]], handle: IO[bytes], tick: Callable[[], None]) -> None:
    xlsx_write(rows, handle, sheet_name="Réponses", tick=tick)


WRITERS = {ExportJob.Format.CSV: _write_csv, ExportJob.Format.XLSX: _write_xlsx}


def export_job_work(job: ExportJob, progress: Progress) -> None:
    """The work of an export job (`coopqualite.jobs.services.job_run` claims and finishes it):
    the rows to a temporary file, reporting progress every PROGRESS_EVERY rows, then the file
    to private storage and its size on the row."""
    campaign = Campaign.objects.select_related("questionnaire").get(pk=job.campaign_id)
    progress(1, "Lecture des réponses")
    total = max(completed_responses(campaign), 1)
    written = 0

    def tick() -> None:
        nonlocal written
        written += 1
        if written % PROGRESS_EVERY == 0:
            progress(min(95, 1 + 94 * written // total), "Écriture des lignes")

    with tempfile.TemporaryFile() as handle:
        WRITERS[ExportJob.Format(job.format)](campaign_export_rows(campaign), handle, tick)
        progress(96, "Enregistrement du fichier")
        size = handle.tell()
        handle.seek(0)
        job.file.save(f"enquete-{campaign.pk}-{job.pk}.{job.format}", File(handle), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name, rows=max(written - 1, 0), size=size
    )


def exports_purge(*, now: dt.datetime) -> int:
    """Delete the exports built or failed more than EXPORT_LIFETIME ago: the file, then its row
    (their download link has expired already). Returns the number of rows deleted."""
    expired = ExportJob.objects.filter(
        status__in=[Job.Status.DONE, Job.Status.FAILED], finished_at__lt=now - EXPORT_LIFETIME
    )
    deleted = 0
    for job in expired.only("pk", "file").order_by("pk")[:PURGE_BATCH]:
        if job.file:
            job.file.delete(save=False)
        deleted += ExportJob.objects.filter(pk=job.pk).delete()[0]
    return deleted
