"""Celery tasks of the surveys app: ids in, one service call, return.

Only the modules that do the work are imported here (`services.sending`); the services that
queue these tasks (`services.dispatch`) import this module, never the reverse.
"""

from celery import shared_task

from enquetes.services import sending


@shared_task(
    autoretry_for=(sending.TransientSendError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=sending.MAX_ATTEMPTS,
)
def messages_send_task(message_ids: list[int]) -> dict:
    report = sending.messages_send(message_ids=message_ids)
    return report.__dict__
