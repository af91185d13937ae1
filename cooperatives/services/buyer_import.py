"""Importing buyers from a buyer file (`cooperatives.buyer_files`): the same machinery as the
import of a survey population. Preparing reads and checks the file and keeps it for the preview
(its per-row report in French, each change to a buyer of the portal, what other features will
do with it); confirming writes every row or none.

Confirming runs in the background (`coopqualite.jobs`): `services.import_jobs` creates one
`BuyerImportJob` per checked file and queues it; its task runs `buyer_import_job_work`, which
calls `buyer_import_confirm` and records the job done in the same transaction.
`buyer_import_confirm(*, pending, user)` is safe to call twice, from a view or a task: it claims
the waiting import under a lock and deletes it with the writes, so a second call finds nothing
and writes nothing. Files not written are purged after a day (`buyer_imports_purge`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from cooperatives.buyer_files import ERROR, buyer_file_read
from cooperatives.models import BuyerImport, BuyerImportJob, Cooperative, User
from cooperatives.services.journey import StaleImport, buyers_upsert
from coopqualite.jobs.models import Job
from coopqualite.jobs.services import JobRejected, job_finish

Progress = Callable[[int, str], None]


class ImportRejected(JobRejected):
    """Nothing was written (message in French); a job that meets it fails with it."""


HAS_ERRORS = "Le fichier contient des erreurs : rien n'a été importé."
GONE = (
    "Le fichier vérifié n'est plus disponible (il est effacé après un jour) : rien n'a été "
    "importé. Envoyez-le de nouveau."
)
PREVIEW_LIFETIME = dt.timedelta(hours=24)


def no_progress(percent: int, step: str) -> None:
    pass


def has_errors(report: list[dict]) -> bool:
    return any(entry["level"] == ERROR for entry in report)


def buyer_import_prepare(
    *, cooperative: Cooperative, data: bytes, filename: str, user: User
) -> BuyerImport:
    """Read and check the file (BuyerFileError when it cannot be read) and keep it for the
    preview, in place of the user's previous one. Nothing else is written."""
    parsed = buyer_file_read(data=data, filename=filename, cooperative_id=cooperative.pk)
    with transaction.atomic():
        BuyerImport.objects.filter(
            cooperative=cooperative, created_by=user, confirmed_at=None
        ).delete()
        return BuyerImport.objects.create(
            cooperative=cooperative,
            filename=filename[:255],
            rows=parsed.rows,
            report=parsed.report,
            created_by=user,
        )


@dataclass(frozen=True)
class BuyerImportResult:
    created: int
    changed: int
    unchanged: int
    lots_created: int


def buyer_import_confirm(
    *, pending: BuyerImport, user: User | None, progress: Progress = no_progress
) -> BuyerImportResult | None:
    """Write every row of a checked file, or none (ImportRejected). None when the import is no
    longer waiting (already written, or replaced by a newer file): nothing is written."""
    with transaction.atomic():
        claimed = BuyerImport.objects.select_for_update().filter(pk=pending.pk).first()
        if claimed is None:
            return None
        if has_errors(claimed.report):
            raise ImportRejected(HAS_ERRORS)
        progress(10, f"Écriture de {len(claimed.rows)} lignes")
        try:
            with transaction.atomic():
                result = buyers_upsert(
                    cooperative_id=claimed.cooperative_id, rows=claimed.rows, user=user
                )
        except StaleImport as exc:
            raise ImportRejected(str(exc)) from None
        except IntegrityError:
            raise ImportRejected(
                "Les acquéreurs ont changé depuis la vérification du fichier : rien n'a été "
                "importé. Vérifiez-le de nouveau."
            ) from None
        claimed.delete()  # the personal data does not linger
    return BuyerImportResult(
        created=result.created,
        changed=result.changed,
        unchanged=result.unchanged,
        lots_created=result.lots_created,
    )


def buyer_import_job_work(job: BuyerImportJob, progress: Progress) -> None:
    """The work of a `BuyerImportJob` (its task, through `coopqualite.jobs.services.job_run`):
    the rows, the counts and "done" in one transaction. Run again after its worker died, it
    writes everything (the first run's transaction was rolled back); run after it committed,
    it finds the file gone and writes nothing."""
    with transaction.atomic():
        result = buyer_import_confirm(
            pending=BuyerImport(pk=job.preview_id), user=job.created_by, progress=progress
        )
        if result is None:
            raise ImportRejected(GONE)
        job.result = asdict(result)
        job.save(update_fields=["result"])
        job_finish(job=job, now=timezone.now())


def buyer_imports_purge(*, now: dt.datetime) -> int:
    """Delete the checked files (personal data) older than a day that no job is writing."""
    deleted, _ = (
        BuyerImport.objects.filter(created_at__lt=now - PREVIEW_LIFETIME)
        .exclude(
            pk__in=BuyerImportJob.objects.filter(status__in=Job.UNFINISHED).values("preview_id")
        )
        .delete()
    )
    return deleted
