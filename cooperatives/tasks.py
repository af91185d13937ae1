"""Celery tasks of the tenancy app: the worker's own health probe, the password reset mail.
Ids (or the address) in, one service call; `cooperatives.services.requests` and
`cooperatives.services.import_jobs` queue them."""

from celery import shared_task

from cooperatives.models import BuyerImportJob, Cooperative
from cooperatives.services.buyer_import import buyer_import_job_work
from cooperatives.services.password_reset import password_reset_send
from coopqualite.jobs.services import IDEMPOTENT_TASK_OPTIONS, job_run
from coopqualite.mail import TransientSendError


@shared_task(ignore_result=False)
def ping() -> dict:
    """Answer from a worker with what it sees of the database: proves both are reachable."""
    return {"pong": True, "cooperatives": Cooperative.objects.count()}


@shared_task(
    autoretry_for=(TransientSendError,),
    retry_backoff=30,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=3,
)
def password_reset_send_task(email: str) -> None:
    """Send the password reset mail to the accounts of this address."""
    password_reset_send(email=email)


@shared_task(**IDEMPOTENT_TASK_OPTIONS)
def buyer_import_task(job_id: int) -> None:
    """Write a confirmed buyer file (a `BuyerImportJob`)."""
    job_run(model=BuyerImportJob, job_id=job_id, work=buyer_import_job_work)
