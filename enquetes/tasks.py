"""Celery tasks of the surveys app: ids in, one service call; `enquetes.services.import_jobs`
and `enquetes.services.export_jobs` queue them (survey e-mails leave through the outbox's task)."""

from celery import shared_task

from coopqualite.jobs.services import IDEMPOTENT_TASK_OPTIONS, job_run
from enquetes.models import ExportJob, PopulationImportJob
from enquetes.services.exporting import export_job_work
from enquetes.services.importing import population_import_job_work


@shared_task(**IDEMPOTENT_TASK_OPTIONS)
def population_import_task(job_id: int) -> None:
    """Write a confirmed population file (a `PopulationImportJob`)."""
    job_run(model=PopulationImportJob, job_id=job_id, work=population_import_job_work)


@shared_task(time_limit=15 * 60, **IDEMPOTENT_TASK_OPTIONS)
def export_build_task(job_id: int) -> None:
    """Write a campaign's answers to a file (an `ExportJob`)."""
    job_run(model=ExportJob, job_id=job_id, work=export_job_work)
