"""The jobs' entry of the beat schedule: the same service as `manage.py sweep_jobs`."""

from celery import shared_task

from coopqualite.jobs.services import jobs_sweep, now


@shared_task
def jobs_sweep_task() -> dict:
    return jobs_sweep(now=now())
